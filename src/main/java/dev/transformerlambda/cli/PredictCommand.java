package dev.transformerlambda.cli;

import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.commons.io.FileUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code predict}: classifies texts given on the command line. */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Print the label and scores of each text.")
public final class PredictCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = ModelLocation.LABEL,
            description = "Model artifact directory, a registry (its current version) or one version on S3.")
    String model;

    @Mixin
    S3Options s3Options;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "Texts to classify.")
    List<String> texts;

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("predict-");
        try (TrainingRun.S3Access s3 = new TrainingRun.S3Access(s3Options);
                TextClassifier classifier = ModelArtifact.load(ModelLocation.fetch(model, s3::client, work))) {
            List<Prediction> predictions = classifier.predict(texts);
            for (int i = 0; i < texts.size(); i++) {
                Prediction prediction = predictions.get(i);
                spec.commandLine().getOut().printf("%s\t%.4f\t%s\t%s%n", prediction.label(), prediction.score(),
                        formatScores(prediction.scores()), texts.get(i));
            }
        } finally {
            FileUtils.deleteDirectory(work.toFile());
        }
        return 0;
    }

    private static String formatScores(Map<String, Float> scores) {
        return scores.entrySet().stream()
                .map(e -> String.format("%s=%.4f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(" "));
    }
}
