package dev.transformerlambda.training;

import dev.transformerlambda.model.Pooling;

/**
 * Everything a training run can be told: the model's shape, the vocabulary, and the optimiser.
 * The defaults reach the README's SST-2 accuracy on a 2-core CPU in a few minutes.
 *
 * @param name the model's name, recorded in the manifest
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
 * @param learningRate peak learning rate, reached after warm-up
 * @param weightDecay AdamW's decoupled weight decay
 * @param warmupFraction share of all steps spent warming the learning rate up from 0
 * @param patience epochs without a better evaluation accuracy before stopping early
 * @param seed random seed for initialisation, shuffling and dropout
 */
public record TrainingOptions(
        String name,
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
        float learningRate,
        float weightDecay,
        float warmupFraction,
        int patience,
        long seed) {

    /** The defaults the command line also uses. */
    public static Builder builder() {
        return new Builder();
    }

    /** Fluent construction starting from the defaults. */
    public static final class Builder {
        private String name = "classifier";
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
        private float learningRate = 1e-3f;
        private float weightDecay = 0.01f;
        private float warmupFraction = 0.1f;
        private int patience = 3;
        private long seed = 42;

        public Builder name(String value) { name = value; return this; }
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
        public Builder learningRate(float value) { learningRate = value; return this; }
        public Builder weightDecay(float value) { weightDecay = value; return this; }
        public Builder warmupFraction(float value) { warmupFraction = value; return this; }
        public Builder patience(int value) { patience = value; return this; }
        public Builder seed(long value) { seed = value; return this; }

        public TrainingOptions build() {
            return new TrainingOptions(name, layers, width, heads, ffnSize, dropout, tokenDropout, maxLength, pooling,
                    vocabularySize, minFrequency, epochs, batchSize, learningRate, weightDecay,
                    warmupFraction, patience, seed);
        }
    }
}
