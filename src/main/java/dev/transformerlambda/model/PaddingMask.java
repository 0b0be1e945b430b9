package dev.transformerlambda.model;

import ai.djl.ndarray.NDArray;

/** Keeps padding out of attention: a batch's texts are padded to its longest one. */
final class PaddingMask {

    /** Added to attention scores of padding; exp() of it is exactly 0 in float32. */
    private static final float MASKED_SCORE = -1e9f;

    private PaddingMask() {}

    /**
     * The additive attention mask (B, 1, 1, T) of a (B, T) float mask holding 1 for real tokens and
     * 0 for padding: 0 where attention may look, {@code MASKED_SCORE} where it may not.
     */
    static NDArray additive(NDArray realTokens) {
        long[] shape = realTokens.getShape().getShape();
        return realTokens.sub(1f).mul(-MASKED_SCORE).reshape(shape[0], 1, 1, shape[1]);
    }
}
