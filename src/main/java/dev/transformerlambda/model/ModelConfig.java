package dev.transformerlambda.model;

/**
 * The hyperparameters of a classifier block of either {@link EncoderFamily}; written into every
 * manifest so a model can be rebuilt exactly from its artifact. Manifests written before the BERT
 * family existed lack the last four fields; they read as the pre-LN defaults.
 *
 * @param vocabularySize the tokenizer's vocabulary size
 * @param classes the number of labels
 * @param layers encoder layers
 * @param width the embedding and hidden size
 * @param heads attention heads; must divide {@code width}
 * @param ffnSize the inner size of each feed-forward sublayer
 * @param dropout the dropout rate during training
 * @param maxLength the longest token sequence, special tokens included; longer texts are truncated
 * @param pooling how token outputs become one vector per text
 * @param family the encoder layout
 * @param positions rows of the position embedding table (BERT checkpoints have 512; at least
 *     {@code maxLength})
 * @param tokenTypes rows of the token-type embedding table (BERT); 0 for the pre-LN family
 * @param layerNormEpsilon LayerNorm's epsilon (1e-12 in BERT checkpoints, DJL's 1e-5 otherwise)
 */
public record ModelConfig(
        int vocabularySize,
        int classes,
        int layers,
        int width,
        int heads,
        int ffnSize,
        float dropout,
        int maxLength,
        Pooling pooling,
        EncoderFamily family,
        int positions,
        int tokenTypes,
        float layerNormEpsilon) {

    /** DJL's LayerNorm default, which every pre-LN model so far was trained with. */
    public static final float DEFAULT_EPSILON = 1e-5f;

    public ModelConfig {
        if (family == null) {
            family = EncoderFamily.PRE_LN;
        }
        if (positions == 0) {
            positions = maxLength;
        }
        if (layerNormEpsilon == 0) {
            layerNormEpsilon = DEFAULT_EPSILON;
        }
        requirePositive("vocabularySize", vocabularySize);
        requirePositive("layers", layers);
        requirePositive("width", width);
        requirePositive("heads", heads);
        requirePositive("ffnSize", ffnSize);
        requirePositive("maxLength", maxLength);
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException(
                    "width " + width + " is not divisible by the " + heads + " heads");
        }
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (pooling == null) {
            throw new IllegalArgumentException("pooling is required");
        }
        if (positions < maxLength) {
            throw new IllegalArgumentException("maxLength " + maxLength + " is longer than the " + positions
                    + " positions the encoder has");
        }
        if (family == EncoderFamily.BERT && tokenTypes < 1) {
            throw new IllegalArgumentException("a BERT encoder needs at least one token type, got " + tokenTypes);
        }
    }

    /** A small pre-LN encoder trained from scratch. */
    public static ModelConfig preLn(int vocabularySize, int classes, int layers, int width, int heads, int ffnSize,
            float dropout, int maxLength, Pooling pooling) {
        return new ModelConfig(vocabularySize, classes, layers, width, heads, ffnSize, dropout, maxLength, pooling,
                EncoderFamily.PRE_LN, maxLength, 0, DEFAULT_EPSILON);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
