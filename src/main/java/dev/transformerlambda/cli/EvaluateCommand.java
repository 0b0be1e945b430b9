package dev.transformerlambda.cli;

import ai.djl.inference.Predictor;
import dev.transformerlambda.data.DataSource;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.evaluation.Evaluator;
import dev.transformerlambda.evaluation.TypedText;
import dev.transformerlambda.evaluation.TypingSlips;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.commons.io.FileUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evaluate}: scores a model artifact on labelled data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Print accuracy, macro-F1, per-class scores, the confusion matrix and throughput.")
public final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = ModelLocation.LABEL,
            description = "Model artifact directory, a registry (its current version) or one version on S3.")
    String model;

    @Option(names = "--data", required = true, paramLabel = "PATH|s3://BUCKET/KEY",
            description = "Labelled data: .tsv, .csv or .jsonl, local or on S3.")
    String data;

    @Option(names = "--batch-size", defaultValue = "" + Evaluator.BATCH, description = "Texts per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--as-typed",
            description = "Rewrite the texts as people type them (treebank text: don't for do n't, (a) for -lrb- a -rrb-,"
                    + " capitals) before scoring.")
    boolean asTyped;

    @Option(names = "--typos", defaultValue = "0", paramLabel = "SHARE",
            description = "Give this share of words a typing slip (a letter dropped, doubled, swapped or struck on a key"
                    + " beside it), the same ones every run (default: ${DEFAULT-VALUE}).")
    double typos;

    @Mixin
    S3Options s3Options;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("evaluate-");
        try (TrainingRun.S3Access s3 = new TrainingRun.S3Access(s3Options)) {
            LabelledDataset dataset = new DataSource(s3::client).read(data);
            if (asTyped) {
                dataset = TypedText.of(dataset);
            }
            if (typos > 0) {
                dataset = new TypingSlips(typos, 42).apply(dataset);
            }
            evaluate(ModelLocation.fetch(model, s3::client, work), dataset, out);
        } finally {
            FileUtils.deleteDirectory(work.toFile());
        }
        return 0;
    }

    private void evaluate(Path artifact, LabelledDataset dataset, PrintWriter out) throws Exception {
        try (TextClassifier classifier = ModelArtifact.load(artifact);
                Predictor<List<String>, List<Prediction>> predictor = classifier.newPredictor()) {
            Evaluator.Result result =
                    Evaluator.evaluate(predictor, classifier.manifest().labels(), dataset, batchSize);
            out.printf("model %s version %s on %s%n%n", classifier.manifest().name(),
                    classifier.manifest().version(), dataset.source());
            out.print(result.metrics().report());
            out.printf("%nthroughput %.0f sentences/s (batches of %d, %.2f s)%n",
                    result.sentencesPerSecond(), batchSize, result.seconds());
        }
    }
}
