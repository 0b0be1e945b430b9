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
 * One Transformer encoder layer: multi-head self-attention and a feed-forward sublayer, each
 * with a residual connection. Layer norm comes before each sublayer (pre-LN), which trains
 * stably from scratch without a long warm-up. DJL's own {@code TransformerEncoderBlock} uses
 * batch norm, which would make a prediction depend on the other texts in its batch.
 *
 * <p>Inputs: the hidden states (B, T, E) and an additive attention mask (B, 1, 1, T) holding 0 for
 * real tokens and a large negative number for padding.
 */
public class EncoderLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final LayerNorm attentionNorm;
    private final ScaledDotProductAttentionBlock attention;
    private final LayerNorm feedForwardNorm;
    private final Linear feedForwardIn;
    private final Linear feedForwardOut;
    private final Dropout residualDropout;

    /** Builds a layer of the width, heads, feed-forward size and dropout in {@code config}. */
    public EncoderLayer(ModelConfig config) {
        super(VERSION);
        attentionNorm = addChildBlock("attentionNorm", LayerNorm.builder().axis(2).build());
        attention =
                addChildBlock(
                        "attention",
                        ScaledDotProductAttentionBlock.builder()
                                .setEmbeddingSize(config.width())
                                .setHeadCount(config.heads())
                                .optAttentionProbsDropoutProb(config.dropout())
                                .build());
        feedForwardNorm = addChildBlock("feedForwardNorm", LayerNorm.builder().axis(2).build());
        feedForwardIn =
                addChildBlock("feedForwardIn", Linear.builder().setUnits(config.ffnSize()).build());
        feedForwardOut =
                addChildBlock("feedForwardOut", Linear.builder().setUnits(config.width()).build());
        residualDropout = Dropout.builder().optRate(config.dropout()).build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray hidden = inputs.get(0);
        NDArray attentionMask = inputs.get(1);

        NDArray normalized = attentionNorm.forward(ps, new NDList(hidden), training).head();
        NDArray attended =
                attention.forward(ps, new NDList(normalized, attentionMask), training).head();
        hidden = hidden.add(dropout(ps, attended, training));

        normalized = feedForwardNorm.forward(ps, new NDList(hidden), training).head();
        NDArray inner =
                Activation.gelu(feedForwardIn.forward(ps, new NDList(normalized), training).head());
        NDArray outer = feedForwardOut.forward(ps, new NDList(inner), training).head();
        return new NDList(hidden.add(dropout(ps, outer, training)));
    }

    private NDArray dropout(ParameterStore ps, NDArray array, boolean training) {
        // The identity at inference: skip the native call and the copy it returns.
        return training ? residualDropout.forward(ps, new NDList(array), true).head() : array;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape hidden = inputShapes[0];
        attentionNorm.initialize(manager, dataType, hidden);
        attention.initialize(manager, dataType, inputShapes);
        feedForwardNorm.initialize(manager, dataType, hidden);
        feedForwardIn.initialize(manager, dataType, hidden);
        feedForwardOut.initialize(manager, dataType, feedForwardIn.getOutputShapes(inputShapes)[0]);
    }
}
