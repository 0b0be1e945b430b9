package dev.transformerlambda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** How the encoder's per-token outputs become one vector per text. */
public enum Pooling {
    /** The average over real tokens; padding never counts. */
    MEAN,
    /** The output at the first position, the tokenizer's {@code [CLS]} token. */
    CLS;

    /**
     * One vector per text.
     *
     * @param hidden the encoder's outputs (B, T, E)
     * @param realTokens 1 for real tokens, 0 for padding (B, T), float
     * @return (B, E)
     */
    public NDArray pool(NDArray hidden, NDArray realTokens) {
        if (this == CLS) {
            return hidden.get(new NDIndex(":, 0, :"));
        }
        NDArray weights = realTokens.expandDims(2); // (B, T, 1)
        return hidden.mul(weights).sum(new int[] {1}).div(weights.sum(new int[] {1}));
    }
}
