package dev.transformerlambda.training;

import dev.transformerlambda.model.Pooling;

/**
 * Everything a training run can be told: where the encoder starts (from scratch or a pretrained
 * checkpoint), the model's shape, the vocabulary, the optimiser and the validation split. {@link
 * #builder()} holds the defaults for training from scratch, {@link #fineTuning(String)} those for
 * fine-tuning a pretrained encoder.
 *
 * @param name the model's name, recorded in the manifest
 * @param pretrained the pretrained encoder to fine-tune ({@code minilm}, {@code bge-small}, a
 *     checkpoint directory or {@code s3://} prefix); null to train from scratch, when the shape
 *     options below apply (a pretrained encoder brings its own shape and vocabulary)
 * @param layers encoder layers
 * @param width embedding and hidden size
 * @param heads attention heads
 * @param ffnSize feed-forward inner size
 * @param dropout dropout rate
 * @param tokenDropout chance that a training token is replaced by {@code [UNK]}
 * @param maxLength longest token sequence, special tokens included
 * @param pooling how token outputs become one vector per text
 * @param vocabularySize largest vocabulary to learn
 * @param minFrequency fewest occurrences for a word piece to be merged
 * @param epochs most epochs to run
 * @param batchSize texts per optimiser step
 * @param batchTokens when above 0, a step takes as many texts of similar length as fit this many
 *     padded tokens instead of {@code batchSize} texts: short phrases then cost what their tokens
 *     cost, not a step each batch of {@code batchSize}
 * @param learningRate peak learning rate, reached after warm-up
 * @param headLearningRate the classification head's peak learning rate; a new head on a
 *     pretrained encoder learns faster than the encoder under it
 * @param maxGradNorm gradients are scaled down so their global norm is at most this; 0 for never
 * @param weightDecay AdamW's decoupled weight decay
 * @param warmupFraction share of all steps spent warming the learning rate up from 0
 * @param validationFraction share of the training data held out (per label, seeded) to choose the
 *     epoch on, when no validation data is given
 * @param patience epochs without a better validation accuracy before stopping early
 * @param seed random seed for initialisation, shuffling and dropout
 */
public record TrainingOptions(
        String name,
        String pretrained,
        int layers,
        int width,
        int heads,
        int ffnSize,
        float dropout,
        float tokenDropout,
        int maxLength,
        Pooling pooling,
        int vocabularySize,
        int minFrequency,
        int epochs,
        int batchSize,
        int batchTokens,
        float learningRate,
        float headLearningRate,
        float maxGradNorm,
        float weightDecay,
        float warmupFraction,
        float validationFraction,
        int patience,
        long seed) {

    /** The defaults for training from scratch, which the command line also uses. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The defaults for fine-tuning {@code pretrained}: a fine-tuning learning rate for the encoder,
     * a faster one for the new head, BERT's dropout, and fewer epochs.
     */
    public static Builder fineTuning(String pretrained) {
        return new Builder()
                .pretrained(pretrained)
                .maxLength(128)
                .dropout(0.1f)
                .epochs(4)
                .patience(2)
                .learningRate(5e-5f)
                .headLearningRate(1e-3f);
    }

    /**
     * The defaults for a student distilled from a teacher: the from-scratch shape, less dropout (the
     * teacher's logits already smooth its targets) and two epochs over many more texts, with no
     * early stop before the learning rate has decayed: over the treebank's phrases a student peaks
     * within two, and four scored no better on validation and lower on dev (docs/accuracy.md).
     */
    public static Builder distilling() {
        return new Builder()
                .dropout(0.1f)
                .epochs(2)
                .patience(2);
    }

    /** Whether the run fine-tunes a pretrained encoder. */
    public boolean fineTunes() {
        return pretrained != null;
    }

    /** Fluent construction starting from the defaults. */
    public static final class Builder {
        private String name = "classifier";
        private String pretrained;
        private int layers = 2;
        private int width = 128;
        private int heads = 4;
        private int ffnSize = 256;
        private float dropout = 0.3f;
        private float tokenDropout = 0f;
        private int maxLength = 64;
        private Pooling pooling = Pooling.MEAN;
        private int vocabularySize = 8000;
        private int minFrequency = 2;
        private int epochs = 10;
        private int batchSize = 32;
        private int batchTokens;
        private float learningRate = 1e-3f;
        private Float headLearningRate;
        private float maxGradNorm = 1f;
        private float weightDecay = 0.01f;
        private float warmupFraction = 0.1f;
        private float validationFraction = 0.1f;
        private int patience = 3;
        private long seed = 42;

        public Builder name(String value) { name = value; return this; }
        public Builder pretrained(String value) { pretrained = value; return this; }
        public Builder layers(int value) { layers = value; return this; }
        public Builder width(int value) { width = value; return this; }
        public Builder heads(int value) { heads = value; return this; }
        public Builder ffnSize(int value) { ffnSize = value; return this; }
        public Builder dropout(float value) { dropout = value; return this; }
        public Builder tokenDropout(float value) { tokenDropout = value; return this; }
        public Builder maxLength(int value) { maxLength = value; return this; }
        public Builder pooling(Pooling value) { pooling = value; return this; }
        public Builder vocabularySize(int value) { vocabularySize = value; return this; }
        public Builder minFrequency(int value) { minFrequency = value; return this; }
        public Builder epochs(int value) { epochs = value; return this; }
        public Builder batchSize(int value) { batchSize = value; return this; }
        public Builder batchTokens(int value) { batchTokens = value; return this; }
        public Builder learningRate(float value) { learningRate = value; return this; }
        public Builder headLearningRate(float value) { headLearningRate = value; return this; }
        public Builder maxGradNorm(float value) { maxGradNorm = value; return this; }
        public Builder weightDecay(float value) { weightDecay = value; return this; }
        public Builder warmupFraction(float value) { warmupFraction = value; return this; }
        public Builder validationFraction(float value) { validationFraction = value; return this; }
        public Builder patience(int value) { patience = value; return this; }
        public Builder seed(long value) { seed = value; return this; }

        public TrainingOptions build() {
            return new TrainingOptions(name, pretrained, layers, width, heads, ffnSize, dropout, tokenDropout,
                    maxLength, pooling, vocabularySize, minFrequency, epochs, batchSize, batchTokens, learningRate,
                    headLearningRate == null ? learningRate : headLearningRate, maxGradNorm, weightDecay,
                    warmupFraction, validationFraction, patience, seed);
        }
    }
}
