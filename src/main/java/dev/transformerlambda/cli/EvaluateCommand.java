package dev.transformerlambda.cli;

import ai.djl.inference.Predictor;
import dev.transformerlambda.data.DatasetReader;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.evaluation.Evaluator;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evaluate}: scores a model artifact on labelled data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Print accuracy, macro-F1, per-class scores, the confusion matrix and throughput.")
public final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model artifact directory.")
    Path model;

    @Option(names = "--data", required = true, description = "Labelled data: .tsv, .csv or .jsonl.")
    Path data;

    @Option(names = "--batch-size", defaultValue = "64", description = "Texts per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LabelledDataset dataset = DatasetReader.read(data);
        try (TextClassifier classifier = ModelArtifact.load(model);
                Predictor<List<String>, List<Prediction>> predictor = classifier.newPredictor()) {
            Evaluator.Result result =
                    Evaluator.evaluate(predictor, classifier.manifest().labels(), dataset, batchSize);
            out.printf("model %s version %s on %s%n%n", classifier.manifest().name(),
                    classifier.manifest().version(), dataset.source());
            out.print(result.metrics().report());
            out.printf("%nthroughput %.0f sentences/s (batches of %d, %.2f s)%n",
                    result.sentencesPerSecond(), batchSize, result.seconds());
        }
        return 0;
    }
}
