package dev.transformerlambda.cli;

import dev.transformerlambda.data.DatasetReader;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.model.Pooling;
import dev.transformerlambda.training.ClassifierTrainer;
import dev.transformerlambda.training.TrainingOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code train}: learns a classifier from labelled text and writes its artifact directory. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a classifier and write a model artifact directory.")
public final class TrainCommand implements Callable<Integer> {

    private static final TrainingOptions DEFAULTS = TrainingOptions.builder().build();

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "Training data: .tsv, .csv (label,text header) or .jsonl.")
    Path data;

    @Option(names = "--eval-data", required = true, description = "Evaluation data, used for early stopping and the manifest's metrics.")
    Path evalData;

    @Option(names = "--output", required = true, description = "The artifact directory to create; must not exist.")
    Path output;

    @Option(names = "--name", description = "Model name (default: ${DEFAULT-VALUE}).")
    String name = DEFAULTS.name();

    @Option(names = "--layers", description = "Encoder layers (default: ${DEFAULT-VALUE}).")
    int layers = DEFAULTS.layers();

    @Option(names = "--width", description = "Embedding and hidden size (default: ${DEFAULT-VALUE}).")
    int width = DEFAULTS.width();

    @Option(names = "--heads", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads = DEFAULTS.heads();

    @Option(names = "--ffn-size", description = "Feed-forward inner size (default: ${DEFAULT-VALUE}).")
    int ffnSize = DEFAULTS.ffnSize();

    @Option(names = "--dropout", description = "Dropout rate (default: ${DEFAULT-VALUE}).")
    float dropout = DEFAULTS.dropout();

    @Option(names = "--token-dropout", description = "Chance a training token becomes [UNK] (default: ${DEFAULT-VALUE}).")
    float tokenDropout = DEFAULTS.tokenDropout();

    @Option(names = "--max-length", description = "Longest token sequence (default: ${DEFAULT-VALUE}).")
    int maxLength = DEFAULTS.maxLength();

    @Option(names = "--pooling", description = "MEAN or CLS (default: ${DEFAULT-VALUE}).")
    Pooling pooling = DEFAULTS.pooling();

    @Option(names = "--vocabulary-size", description = "Largest vocabulary (default: ${DEFAULT-VALUE}).")
    int vocabularySize = DEFAULTS.vocabularySize();

    @Option(names = "--min-frequency", description = "Fewest occurrences to merge a word piece (default: ${DEFAULT-VALUE}).")
    int minFrequency = DEFAULTS.minFrequency();

    @Option(names = "--epochs", description = "Most epochs (default: ${DEFAULT-VALUE}).")
    int epochs = DEFAULTS.epochs();

    @Option(names = "--batch-size", description = "Texts per step (default: ${DEFAULT-VALUE}).")
    int batchSize = DEFAULTS.batchSize();

    @Option(names = "--learning-rate", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate = DEFAULTS.learningRate();

    @Option(names = "--weight-decay", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    float weightDecay = DEFAULTS.weightDecay();

    @Option(names = "--warmup", description = "Share of steps spent warming up (default: ${DEFAULT-VALUE}).")
    float warmup = DEFAULTS.warmupFraction();

    @Option(names = "--patience", description = "Epochs without improvement before stopping (default: ${DEFAULT-VALUE}).")
    int patience = DEFAULTS.patience();

    @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = DEFAULTS.seed();

    @Override
    public Integer call() throws Exception {
        LabelledDataset train = DatasetReader.read(data);
        LabelledDataset evaluation = DatasetReader.read(evalData);
        new ClassifierTrainer(options(), spec.commandLine().getOut(), System.console() != null)
                .train(train, evaluation, output);
        return 0;
    }

    TrainingOptions options() {
        return new TrainingOptions(name, layers, width, heads, ffnSize, dropout, tokenDropout, maxLength, pooling,
                vocabularySize, minFrequency, epochs, batchSize, learningRate, weightDecay, warmup, patience, seed);
    }
}
