package dev.transformerlambda.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The BERT encoder as Hugging Face's {@code BertModel} computes it, without the pooler: word,
 * position and token-type embeddings summed, layer-normalised and dropped out while training, then
 * {@link BertLayer}s. Every
 * text is one segment, so the token type is always row 0.
 *
 * <p>Inputs: token ids (B, T) and an attention mask (B, T) with 1 for real tokens and 0 for
 * padding. Output: the last hidden states (B, T, E).
 */
public class BertEncoder extends AbstractBlock {

    private static final byte VERSION = 1;

    private final ModelConfig config;
    private final Parameter wordEmbedding;
    private final Parameter positionEmbedding;
    private final Parameter tokenTypeEmbedding;
    private final LayerNorm embeddingNorm;
    private final List<BertLayer> layers = new ArrayList<>();

    public BertEncoder(ModelConfig config) {
        super(VERSION);
        this.config = config;
        wordEmbedding = addParameter(embedding("wordEmbedding", config.vocabularySize(), config.width()));
        positionEmbedding = addParameter(embedding("positionEmbedding", config.positions(), config.width()));
        tokenTypeEmbedding = addParameter(embedding("tokenTypeEmbedding", config.tokenTypes(), config.width()));
        embeddingNorm = addChildBlock("embeddingNorm",
                LayerNorm.builder().axis(2).optEpsilon(config.layerNormEpsilon()).build());
        for (int i = 0; i < config.layers(); i++) {
            layers.add(addChildBlock("layer" + i, new BertLayer(config)));
        }
    }

    private static Parameter embedding(String name, int rows, int width) {
        return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(new Shape(rows, width)).build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokenIds = inputs.get(0);
        NDArray realTokens = inputs.get(1).toType(DataType.FLOAT32, false);
        long length = tokenIds.getShape().get(1);
        Device device = tokenIds.getDevice();

        NDArray words = Embedding.embedding(tokenIds, ps.getValue(wordEmbedding, device, training),
                SparseFormat.DENSE).head();
        NDArray positions = ps.getValue(positionEmbedding, device, training).get(new NDIndex(":{}", length));
        NDArray tokenType = ps.getValue(tokenTypeEmbedding, device, training).get(0);
        NDArray hidden = embeddingNorm.forward(ps, new NDList(words.add(positions).add(tokenType)), training).head();
        if (training && config.dropout() > 0) {
            // As Hugging Face's BertEmbeddings when fine-tuning; a static call, not a child block, so
            // the parameter file's layout stays the one every published BERT-family artifact has.
            hidden = Dropout.dropout(hidden, config.dropout(), true).head();
        }

        NDArray attentionMask = PaddingMask.additive(realTokens);
        for (BertLayer layer : layers) {
            hidden = layer.forward(ps, new NDList(hidden, attentionMask), training).head();
        }
        return new NDList(hidden);
    }

    /**
     * Every parameter under the name Hugging Face's BERT gives it ({@code encoder.layer.0.attention
     * .self.query.weight}, ...), in the orientation Hugging Face stores it (a linear layer's weight is
     * (out, in), as DJL's). Importers of pretrained weights fill the encoder through this map.
     */
    public Map<String, Parameter> huggingFaceParameters() {
        Map<String, Parameter> named = new LinkedHashMap<>();
        named.put("embeddings.word_embeddings.weight", wordEmbedding);
        named.put("embeddings.position_embeddings.weight", positionEmbedding);
        named.put("embeddings.token_type_embeddings.weight", tokenTypeEmbedding);
        putNorm(named, "embeddings.LayerNorm", embeddingNorm);
        for (int i = 0; i < layers.size(); i++) {
            BertLayer layer = layers.get(i);
            String prefix = "encoder.layer." + i + ".";
            ScaledDotProductAttentionBlock attention = layer.attention();
            putLinear(named, prefix + "attention.self.query", attention.getQueryProjection());
            putLinear(named, prefix + "attention.self.key", attention.getKeyProjection());
            putLinear(named, prefix + "attention.self.value", attention.getValueProjection());
            putLinear(named, prefix + "attention.output.dense", attention.getResultProjection());
            putNorm(named, prefix + "attention.output.LayerNorm", layer.attentionNorm());
            putLinear(named, prefix + "intermediate.dense", layer.intermediate());
            putLinear(named, prefix + "output.dense", layer.output());
            putNorm(named, prefix + "output.LayerNorm", layer.outputNorm());
        }
        return named;
    }

    private static void putLinear(Map<String, Parameter> named, String prefix, Block linear) {
        named.put(prefix + ".weight", linear.getParameters().get("weight"));
        named.put(prefix + ".bias", linear.getParameters().get("bias"));
    }

    private static void putNorm(Map<String, Parameter> named, String prefix, LayerNorm norm) {
        named.put(prefix + ".weight", norm.getParameters().get("gamma"));
        named.put(prefix + ".bias", norm.getParameters().get("beta"));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        return new Shape[] {new Shape(ids.get(0), ids.get(1), config.width())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        Shape hidden = new Shape(ids.get(0), ids.get(1), config.width());
        Shape attentionMask = new Shape(ids.get(0), 1, 1, ids.get(1));
        embeddingNorm.initialize(manager, dataType, hidden);
        for (BertLayer layer : layers) {
            layer.initialize(manager, dataType, hidden, attentionMask);
        }
    }
}
