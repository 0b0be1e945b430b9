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
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A Transformer encoder text classifier: token and learned position embeddings, {@code layers}
 * pre-LN encoder layers, a final layer norm, pooling over real tokens only, and a linear head.
 *
 * <p>Inputs: token ids (B, T) and an attention mask (B, T) with 1 for real tokens and 0 for
 * padding. Outputs: logits (B, classes), and the pooled text vectors (B, E) the head reads, which a
 * distilled student may learn to match to its teacher's. Padding is masked out of attention and
 * pooling, so the same text gives the same logits whatever length its batch is padded to.
 */
public class TransformerClassifier extends AbstractBlock {

    private static final byte VERSION = 1;

    private final ModelConfig config;
    private final Parameter tokenEmbedding;
    private final Parameter positionEmbedding;
    private final Dropout dropout;
    private final List<EncoderLayer> layers = new ArrayList<>();
    private final LayerNorm finalNorm;
    private final Linear head;

    /** Builds an untrained classifier of the given shape. */
    public TransformerClassifier(ModelConfig config) {
        super(VERSION);
        this.config = config;
        tokenEmbedding =
                addParameter(
                        Parameter.builder()
                                .setName("tokenEmbedding")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(config.vocabularySize(), config.width()))
                                .build());
        positionEmbedding =
                addParameter(
                        Parameter.builder()
                                .setName("positionEmbedding")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(config.maxLength(), config.width()))
                                .build());
        dropout = Dropout.builder().optRate(config.dropout()).build();
        for (int i = 0; i < config.layers(); i++) {
            layers.add(addChildBlock("layer" + i, new EncoderLayer(config)));
        }
        finalNorm = addChildBlock("finalNorm", LayerNorm.builder().axis(2).build());
        head = addChildBlock("head", Linear.builder().setUnits(config.classes()).build());
    }

    public ModelConfig config() {
        return config;
    }

    /** The token embedding table (vocabulary size, width), which a student may start from a teacher's. */
    public Parameter tokenEmbedding() {
        return tokenEmbedding;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokenIds = inputs.get(0);
        NDArray realTokens = inputs.get(1).toType(DataType.FLOAT32, false); // (B, T)
        long length = tokenIds.getShape().get(1);
        Device device = tokenIds.getDevice();

        NDArray tokens =
                Embedding.embedding(
                                tokenIds, ps.getValue(tokenEmbedding, device, training), SparseFormat.DENSE)
                        .head();
        NDArray positions =
                ps.getValue(positionEmbedding, device, training).get(new NDIndex(":{}", length));
        NDArray hidden = dropout(ps, tokens.add(positions), training);

        NDArray attentionMask = PaddingMask.additive(realTokens);
        for (EncoderLayer layer : layers) {
            hidden = layer.forward(ps, new NDList(hidden, attentionMask), training).head();
        }
        hidden = finalNorm.forward(ps, new NDList(hidden), training).head();

        NDArray pooled = config.pooling().pool(hidden, realTokens);
        NDArray logits = head.forward(ps, new NDList(dropout(ps, pooled, training)), training).head();
        return new NDList(logits, pooled);
    }

    private NDArray dropout(ParameterStore ps, NDArray array, boolean training) {
        // The identity at inference: skip the native call and the copy it returns.
        return training ? dropout.forward(ps, new NDList(array), true).head() : array;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long texts = inputShapes[0].get(0);
        return new Shape[] {new Shape(texts, config.classes()), new Shape(texts, config.width())};
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        Shape hidden = new Shape(ids.get(0), ids.get(1), config.width());
        Shape attentionMask = new Shape(ids.get(0), 1, 1, ids.get(1));
        for (EncoderLayer layer : layers) {
            layer.initialize(manager, dataType, hidden, attentionMask);
        }
        finalNorm.initialize(manager, dataType, hidden);
        head.initialize(manager, dataType, new Shape(ids.get(0), config.width()));
    }
}
