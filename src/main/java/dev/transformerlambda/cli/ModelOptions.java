package dev.transformerlambda.cli;

import dev.transformerlambda.model.Pooling;
import dev.transformerlambda.training.TrainingOptions;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * The model's and the optimiser's options, shared by {@code train} and {@code distill} (whose
 * student they describe), bound once and turned into {@link TrainingOptions}.
 */
final class ModelOptions {

    @Option(names = "--pretrained", paramLabel = "minilm|bge-small|DIR|s3://BUCKET/PREFIX",
            description = "Fine-tune a pretrained BERT-family encoder instead of training from scratch: a shipped"
                    + " one by name, or a Hugging Face checkpoint directory (config.json, model.safetensors,"
                    + " tokenizer.json), local or on S3. Its defaults differ: see --help's values in brackets.")
    String pretrained;

    // Options left out keep the defaults of the kind of run: TrainingOptions.builder() from scratch,
    // TrainingOptions.fineTuning(...) with --pretrained.
    @Option(names = "--name", description = "Model name (default: classifier).")
    String name;

    @Option(names = "--layers", description = "Encoder layers, from scratch (default: 2).")
    Integer layers;

    @Option(names = "--width", description = "Embedding and hidden size, from scratch (default: 128).")
    Integer width;

    @Option(names = "--heads", description = "Attention heads, from scratch (default: 4).")
    Integer heads;

    @Option(names = "--ffn-size", description = "Feed-forward inner size, from scratch (default: 256).")
    Integer ffnSize;

    @Option(names = "--dropout", description = "Dropout rate (default: 0.3; [0.1]).")
    Float dropout;

    @Option(names = "--token-dropout", description = "Chance a training token becomes [UNK] (default: 0).")
    Float tokenDropout;

    @Option(names = "--max-length", description = "Longest token sequence (default: 64; [128]).")
    Integer maxLength;

    @Option(names = "--pooling", description = "MEAN or CLS (default: MEAN).")
    Pooling pooling;

    @Option(names = "--vocabulary-size", description = "Largest vocabulary, from scratch (default: 8000).")
    Integer vocabularySize;

    @Option(names = "--min-frequency", description = "Fewest occurrences to merge a word piece (default: 2).")
    Integer minFrequency;

    @Option(names = "--epochs", description = "Most epochs (default: 10; [4]).")
    Integer epochs;

    @Option(names = "--batch-size", description = "Texts per step (default: 32).")
    Integer batchSize;

    @Option(names = "--batch-tokens", description = "Cut steps by padded tokens instead of texts: each takes as"
            + " many texts of similar length as fit this many tokens, so short phrases come many to a step"
            + " (default: 0, off; 1024 is --batch-size 32 of 32-token sentences).")
    Integer batchTokens;

    @Option(names = "--learning-rate", description = "Peak learning rate (default: 1e-3; [5e-5]).")
    Float learningRate;

    @Option(names = "--head-learning-rate", description = "The classification head's peak learning rate"
            + " (default: the learning rate; [1e-3]).")
    Float headLearningRate;

    @Option(names = "--max-grad-norm", description = "Clip gradients to this global norm; 0 for never (default: 1).")
    Float maxGradNorm;

    @Option(names = "--weight-decay", description = "AdamW weight decay, matrices only (default: 0.01).")
    Float weightDecay;

    @Option(names = "--warmup", description = "Share of steps spent warming up (default: 0.1).")
    Float warmup;

    @Option(names = "--patience", description = "Epochs without improvement before stopping (default: 3; [2]).")
    Integer patience;

    @Option(names = "--seed", description = "Random seed (default: 42).")
    Long seed;

    /**
     * The options given, over the defaults of the kind of run asked for.
     *
     * @param student whether the model is a student that {@code distill} trains
     */
    TrainingOptions options(float valFraction, boolean student) {
        TrainingOptions.Builder options = pretrained != null ? TrainingOptions.fineTuning(pretrained)
                : student ? TrainingOptions.distilling() : TrainingOptions.builder();
        set(name, options::name);
        set(layers, options::layers);
        set(width, options::width);
        set(heads, options::heads);
        set(ffnSize, options::ffnSize);
        set(dropout, options::dropout);
        set(tokenDropout, options::tokenDropout);
        set(maxLength, options::maxLength);
        set(pooling, options::pooling);
        set(vocabularySize, options::vocabularySize);
        set(minFrequency, options::minFrequency);
        set(epochs, options::epochs);
        set(batchSize, options::batchSize);
        set(batchTokens, options::batchTokens);
        set(learningRate, options::learningRate);
        set(headLearningRate, options::headLearningRate);
        set(maxGradNorm, options::maxGradNorm);
        set(weightDecay, options::weightDecay);
        set(warmup, options::warmupFraction);
        set(patience, options::patience);
        set(seed, options::seed);
        return options.validationFraction(valFraction).build();
    }

    private static <T> void set(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }
}
