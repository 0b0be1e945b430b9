package dev.transformerlambda.model;

/**
 * The hyperparameters of a {@link TransformerClassifier}; written into every manifest so a model
 * can be rebuilt exactly from its artifact.
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
        Pooling pooling) {

    public ModelConfig {
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
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
