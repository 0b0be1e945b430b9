package dev.transformerlambda.model;

/** How the encoder's per-token outputs become one vector per text. */
public enum Pooling {
    /** The average over real tokens; padding never counts. */
    MEAN,
    /** The output at the first position, the tokenizer's {@code [CLS]} token. */
    CLS
}
