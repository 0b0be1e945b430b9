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

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "Training data: .tsv, .csv (label,text header) or .jsonl.")
    Path data;

    @Option(names = "--eval-data", required = true, description = "Evaluation data, used for early stopping and the manifest's metrics.")
    Path evalData;

    @Option(names = "--output", required = true, description = "The artifact directory to create; must not exist.")
    Path output;

    @Option(names = "--name", defaultValue = "classifier", description = "Model name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--layers", defaultValue = "2", description = "Encoder layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--width", defaultValue = "128", description = "Embedding and hidden size (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--heads", defaultValue = "4", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--ffn-size", defaultValue = "256", description = "Feed-forward inner size (default: ${DEFAULT-VALUE}).")
    int ffnSize;

    @Option(names = "--dropout", defaultValue = "0.1", description = "Dropout rate (default: ${DEFAULT-VALUE}).")
    float dropout;

    @Option(names = "--max-length", defaultValue = "64", description = "Longest token sequence (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--pooling", defaultValue = "MEAN", description = "MEAN or CLS (default: ${DEFAULT-VALUE}).")
    Pooling pooling;

    @Option(names = "--vocabulary-size", defaultValue = "8000", description = "Largest vocabulary (default: ${DEFAULT-VALUE}).")
    int vocabularySize;

    @Option(names = "--min-frequency", defaultValue = "2", description = "Fewest occurrences to merge a word piece (default: ${DEFAULT-VALUE}).")
    int minFrequency;

    @Option(names = "--epochs", defaultValue = "10", description = "Most epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Texts per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.001", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(names = "--warmup", defaultValue = "0.1", description = "Share of steps spent warming up (default: ${DEFAULT-VALUE}).")
    float warmup;

    @Option(names = "--patience", defaultValue = "3", description = "Epochs without improvement before stopping (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        LabelledDataset train = DatasetReader.read(data);
        LabelledDataset evaluation = DatasetReader.read(evalData);
        new ClassifierTrainer(options(), spec.commandLine().getOut(), System.console() != null)
                .train(train, evaluation, output);
        return 0;
    }

    TrainingOptions options() {
        return new TrainingOptions(name, layers, width, heads, ffnSize, dropout, maxLength, pooling, vocabularySize,
                minFrequency, epochs, batchSize, learningRate, weightDecay, warmup, patience, seed);
    }
}
