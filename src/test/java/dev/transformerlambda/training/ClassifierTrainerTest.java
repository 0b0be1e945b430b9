package dev.transformerlambda.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.ValidationSplit;
import dev.transformerlambda.data.LabelledText;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import dev.transformerlambda.model.ArtifactManifest.Epoch;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifierTrainerTest {

    /** Small enough to train in seconds on two cores. */
    static TrainingOptions.Builder tiny() {
        return TrainingOptions.builder().name("tiny").layers(1).width(32).heads(2).ffnSize(64).dropout(0.1f).maxLength(32)
                .vocabularySize(300).epochs(6).batchSize(16).learningRate(3e-3f).patience(6);
    }

    @TempDir
    Path dir;

    private final StringWriter log = new StringWriter();

    @Test
    void learnsASeparableTwoClassSetAndWritesALoadableArtifact() throws Exception {
        LabelledDataset train = fixture("sentiment-train.tsv");
        LabelledDataset dev = fixture("sentiment-dev.tsv");
        ValidationSplit split = ValidationSplit.carve(train, 0.1, 42);

        ClassifierTrainer.Result result = trainer().train(split, dev, dir.resolve("model"));

        List<Epoch> history = result.history();
        assertTrue(history.get(history.size() - 1).trainLoss() < history.get(0).trainLoss() * 0.5,
                "loss falls: " + history);
        ArtifactManifest manifest = result.manifest();
        assertTrue(manifest.metrics().accuracy() >= 0.9, "accuracy " + manifest.metrics().accuracy());
        assertEquals(List.of("negative", "positive"), manifest.labels());
        assertEquals(split.train().sha256(), manifest.training().dataSha256());
        assertEquals(dev.sha256(), manifest.training().evaluationDataSha256());
        assertEquals(split.validation().sha256(), manifest.training().validationDataSha256());
        assertEquals(split.description(), manifest.training().validationData());
        assertEquals(split.validation().size(), manifest.validationMetrics().examples());
        assertEquals(dev.size(), manifest.metrics().examples(), "the evaluation set is what the metrics score");
        assertEquals("cpu()", manifest.training().device());
        assertTrue(manifest.version().matches("\\d{8}T\\d{6}Z-[0-9a-f]{6}"), manifest.version());

        try (TextClassifier classifier = ModelArtifact.load(result.artifact())) {
            List<LabelledText> examples = dev.examples();
            List<Prediction> predictions = classifier.predict(examples.stream().map(LabelledText::text).toList());
            long correct = 0;
            for (int i = 0; i < examples.size(); i++) {
                correct += examples.get(i).label().equals(predictions.get(i).label()) ? 1 : 0;
            }
            assertEquals(manifest.metrics().accuracy(), (double) correct / examples.size(), 1e-9,
                    "the loaded artifact scores what the manifest says");
        }
    }

    @Test
    void learnsAThreeClassSetFromJsonLines() throws Exception {
        ClassifierTrainer.Result result =
                trainer().train(ValidationSplit.given(fixture("topics-train.jsonl"), fixture("topics-dev.jsonl")), null, dir.resolve("topics"));

        ArtifactManifest manifest = result.manifest();
        assertEquals(List.of("food", "sports", "tech"), manifest.labels());
        assertEquals(3, manifest.metrics().confusionMatrix().length);
        assertTrue(manifest.metrics().accuracy() >= 0.8, "accuracy " + manifest.metrics().accuracy());
    }

    @Test
    void showsProgressWithEpochStepLossRateAndEta() throws Exception {
        trainer().train(ValidationSplit.given(fixture("sentiment-train.tsv"), fixture("sentiment-dev.tsv")), null, dir.resolve("model"));

        String output = log.toString();
        assertTrue(output.lines().anyMatch(l -> l.matches(
                "epoch 1/6  step \\d+/15  loss \\d+\\.\\d{4}  \\d+ sentences/s  ETA \\d+:\\d\\d.*")), output);
        assertTrue(output.contains("epoch 1: train loss"), output);
    }

    @Test
    void stopsEarlyWhenEvaluationAccuracyStopsImproving() throws Exception {
        TrainingOptions patient = tiny().epochs(30).patience(2).build();

        ClassifierTrainer.Result result = new ClassifierTrainer(patient, new PrintWriter(log, true), false)
                .train(ValidationSplit.given(fixture("sentiment-train.tsv"), fixture("sentiment-dev.tsv")), null, dir.resolve("model"));

        int epochs = result.history().size();
        assertTrue(epochs < 30, "ran " + epochs + " epochs");
        assertEquals(epochs - 2, result.manifest().training().bestEpoch(), "patience of 2 epochs");
    }

    @Test
    void neverOverwritesAnExistingDirectoryAndLeavesNoStagingBehind() throws Exception {
        Path existing = Files.createDirectory(dir.resolve("model"));

        IOException e = assertThrows(IOException.class,
                () -> trainer().train(ValidationSplit.given(fixture("sentiment-train.tsv"), fixture("sentiment-dev.tsv")), null, existing));

        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(existing), files.toList());
        }
    }

    @Test
    void refusesEvaluationLabelsNeverSeenInTraining() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer().train(ValidationSplit.given(fixture("sentiment-train.tsv"), fixture("topics-dev.jsonl")), null, dir.resolve("m")));

        assertTrue(e.getMessage().contains("never seen in training"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("m")));
    }

    private ClassifierTrainer trainer() {
        return new ClassifierTrainer(tiny().build(), new PrintWriter(log, true), false);
    }

    private static LabelledDataset fixture(String name) throws IOException {
        return TinyModels.fixture(name);
    }
}
