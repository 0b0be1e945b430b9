package dev.transformerlambda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One BERT encoder layer, as Hugging Face's {@code BertLayer} computes it: self-attention, then
 * {@code h = LN(h + attention(h))}; a feed-forward sublayer with exact (erf) GELU, then {@code h =
 * LN(h + FFN(h))}. Layer norm after each residual sum (post-LN) is what pretrained checkpoints
 * were trained with; {@link EncoderLayer} is the pre-LN layer for training from scratch.
 *
 * <p>Inputs: the hidden states (B, T, E) and an additive attention mask (B, 1, 1, T).
 */
public class BertLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final ScaledDotProductAttentionBlock attention;
    private final LayerNorm attentionNorm;
    private final Linear intermediate;
    private final Linear output;
    private final LayerNorm outputNorm;
    private final Dropout dropout;

    /** Builds a layer of the width, heads, feed-forward size, epsilon and dropout in {@code config}. */
    public BertLayer(ModelConfig config) {
        super(VERSION);
        attention = addChildBlock("attention", ScaledDotProductAttentionBlock.builder()
                .setEmbeddingSize(config.width())
                .setHeadCount(config.heads())
                .optAttentionProbsDropoutProb(config.dropout())
                .build());
        attentionNorm = addChildBlock("attentionNorm",
                LayerNorm.builder().axis(2).optEpsilon(config.layerNormEpsilon()).build());
        intermediate = addChildBlock("intermediate", Linear.builder().setUnits(config.ffnSize()).build());
        output = addChildBlock("output", Linear.builder().setUnits(config.width()).build());
        outputNorm = addChildBlock("outputNorm",
                LayerNorm.builder().axis(2).optEpsilon(config.layerNormEpsilon()).build());
        dropout = Dropout.builder().optRate(config.dropout()).build();
    }

    /** The self-attention block: query, key, value and output projections. */
    public ScaledDotProductAttentionBlock attention() {
        return attention;
    }

    public LayerNorm attentionNorm() {
        return attentionNorm;
    }

    public Linear intermediate() {
        return intermediate;
    }

    public Linear output() {
        return output;
    }

    public LayerNorm outputNorm() {
        return outputNorm;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray hidden = inputs.get(0);
        NDArray attentionMask = inputs.get(1);

        NDArray attended = attention.forward(ps, new NDList(hidden, attentionMask), training).head();
        hidden = norm(ps, attentionNorm, hidden.add(dropout(ps, attended, training)), training);

        NDArray inner = Activation.gelu(intermediate.forward(ps, new NDList(hidden), training).head());
        NDArray outer = output.forward(ps, new NDList(inner), training).head();
        return new NDList(norm(ps, outputNorm, hidden.add(dropout(ps, outer, training)), training));
    }

    private static NDArray norm(ParameterStore ps, LayerNorm norm, NDArray array, boolean training) {
        return norm.forward(ps, new NDList(array), training).head();
    }

    private NDArray dropout(ParameterStore ps, NDArray array, boolean training) {
        return dropout.forward(ps, new NDList(array), training).head();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape hidden = inputShapes[0];
        attention.initialize(manager, dataType, inputShapes);
        attentionNorm.initialize(manager, dataType, hidden);
        intermediate.initialize(manager, dataType, hidden);
        output.initialize(manager, dataType, intermediate.getOutputShapes(new Shape[] {hidden})[0]);
        outputNorm.initialize(manager, dataType, hidden);
    }
}
