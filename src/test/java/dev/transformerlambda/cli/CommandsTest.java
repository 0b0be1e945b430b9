package dev.transformerlambda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.transformerlambda.digest.Sha256;
import dev.transformerlambda.evaluation.TypedText;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ArtifactManifest.Epoch;
import dev.transformerlambda.model.ArtifactManifest.LearningRate;
import dev.transformerlambda.model.DefaultModelTest;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import dev.transformerlambda.report.HeadlessBrowser;
import dev.transformerlambda.report.ReportChecks;
import dev.transformerlambda.training.TinyModels;
import dev.transformerlambda.metrics.EmfSpecification;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import picocli.CommandLine;

class CommandsTest {

    @TempDir
    static Path dir;

    static Path model;
    static String trainOutput;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void trainOnce() throws Exception {
        model = dir.resolve("model");
        CommandsTest first = new CommandsTest();
        int exit = first.run("train", "--data", fixture("sentiment-train.tsv"), "--eval-data",
                fixture("sentiment-dev.tsv"), "--output", model.toString(), "--name", "cli-test",
                "--write-validation", dir.resolve("validation.jsonl").toString(),
                "--layers", "1", "--width", "32", "--heads", "2", "--ffn-size", "64", "--max-length", "32",
                "--vocabulary-size", "300", "--epochs", "4", "--batch-size", "16", "--learning-rate", "0.003");
        assertEquals(0, exit, first.err.toString());
        assertTrue(first.out.toString().contains("wrote " + model), first.out.toString());
        trainOutput = first.out.toString();
    }

    @Test
    void trainPrintsOneEmbeddedMetricFormatLinePerEpochBesideItsProgressLines() throws Exception {
        List<Epoch> history = ModelArtifact.verify(model).training().history();
        List<String> emf = trainOutput.lines().filter(line -> line.startsWith("{")).toList();

        assertEquals(history.size(), emf.size(), trainOutput);
        for (int i = 0; i < emf.size(); i++) {
            JsonNode document = EmfSpecification.validate(emf.get(i));
            Epoch epoch = history.get(i);
            assertEquals("cli-test", document.get("Model").asText());
            assertEquals(epoch.epoch(), document.get("Epoch").asInt());
            assertEquals(epoch.trainLoss(), document.get("Loss").asDouble(), "the manifest's figures: " + emf.get(i));
            assertEquals(epoch.accuracy(), document.get("ValidationAccuracy").asDouble());
            assertEquals(epoch.sentencesPerSecond(), document.get("SentencesPerSecond").asDouble());
            assertEquals((float) epoch.learningRate(), (float) document.get("LearningRate").asDouble());
            assertTrue(trainOutput.contains(String.format("epoch %d: train loss %.4f", epoch.epoch(), epoch.trainLoss())),
                    "the human line is still there: " + trainOutput);
        }
    }

    @Test
    void trainWritesAReportListedInTheManifestWhoseNumbersAreTheManifests() throws Exception {
        ArtifactManifest manifest = ModelArtifact.verify(model);
        Path report = model.resolve(ModelArtifact.REPORT);
        ArtifactManifest.ArtifactFile listed = manifest.files().stream()
                .filter(file -> file.path().equals(ModelArtifact.REPORT)).findFirst().orElseThrow();
        assertEquals(Sha256.of(report), listed.sha256());

        String html = Files.readString(report);
        Document document = ReportChecks.parse(html);
        ReportChecks.assertSelfContained(document, html);
        int checked = ReportChecks.assertNumbersMatch(document, manifest);
        assertTrue(checked > 50, "values checked: " + checked);

        List<Epoch> history = manifest.training().history();
        assertEquals(manifest.training().epochs(), history.size());
        List<String> pointers = ReportChecks.pointers(document);
        for (int i = 0; i < history.size(); i++) {
            assertTrue(pointers.contains("/training/history/" + i + "/trainLoss"), "epoch " + (i + 1) + "'s loss");
            assertTrue(pointers.contains("/training/history/" + i + "/accuracy"), "epoch " + (i + 1) + "'s accuracy");
            assertTrue(history.get(i).sentencesPerSecond() > 0);
        }
        assertTrue(pointers.contains("/metrics/confusionMatrix/1/1") && pointers.contains("/metrics/perClass/positive/f1"));
        // The schedule as run: warm-up to the peak rate, decay after it, sampled up to each epoch's end.
        List<LearningRate> rates = history.stream().flatMap(epoch -> epoch.learningRates().stream()).toList();
        float peak = (float) rates.stream().mapToDouble(LearningRate::rate).max().orElseThrow();
        assertEquals(0.003f, peak, 1e-6f);
        assertTrue(rates.get(rates.size() - 1).rate() < peak / 2, "decayed: " + rates);
        for (Epoch epoch : history) {
            assertEquals(epoch.steps(), epoch.learningRates().get(epoch.learningRates().size() - 1).step());
        }
    }

    @Test
    void theTrainedReportRendersInAHeadlessBrowser() throws Exception {
        HeadlessBrowser.assertRenders(model.resolve(ModelArtifact.REPORT),
                Path.of("target", "report-screenshots", "trained-report.png"));
    }

    @Test
    void reportPrintsWhereALocalArtifactsReportIs() {
        int exit = run("report", model.toString());

        assertEquals(0, exit, err.toString());
        assertEquals(model.resolve(ModelArtifact.REPORT).toAbsolutePath().toString(), out.toString().trim());
    }

    @Test
    void reportDrawsOneBesideAnOlderArtifactWithoutChangingIt() throws Exception {
        Path older = TinyModels.asWrittenBeforeHistory(DefaultModelTest.DEFAULT_MODEL, dir.resolve("older"));
        Path output = dir.resolve("reports/default.html");

        int exit = run("report", "--output", output.toString(), older.toString());

        assertEquals(0, exit, err.toString());
        assertEquals(output.toAbsolutePath().toString(), out.toString().trim());
        assertTrue(err.toString().contains("drawn from its manifest"), err.toString());
        assertFalse(Files.exists(older.resolve(ModelArtifact.REPORT)), "the artifact is untouched");
        String html = Files.readString(output);
        ReportChecks.assertNumbersMatch(ReportChecks.parse(html), ModelArtifact.verify(older));
    }

    @Test
    void reportOfABareVersionNeedsTheRegistry() {
        int exit = run("report", "20261129T105454Z-81d644");

        assertEquals(2, exit);
        assertTrue(err.toString().contains("needs --registry"), err.toString());
    }

    @Test
    void evaluatePrintsMetricsTableConfusionMatrixAndThroughput() {
        int exit = run("evaluate", "--model", model.toString(), "--data", fixture("sentiment-dev.tsv"));

        String printed = out.toString();
        assertEquals(0, exit, err.toString());
        assertTrue(printed.contains("model cli-test version "), printed);
        assertTrue(printed.matches("(?s).*accuracy \\d\\.\\d{4}   macro-F1 \\d\\.\\d{4}   examples 60.*"), printed);
        assertTrue(printed.matches("(?s).*label\\s+precision\\s+recall\\s+f1\\s+support.*"), printed);
        assertTrue(printed.contains("confusion matrix"), printed);
        assertTrue(printed.matches("(?s).*throughput \\d+ sentences/s.*"), printed);
    }

    @Test
    void theWrittenValidationSentencesAreTheOnesTheEpochWasChosenOn() throws Exception {
        Path validation = dir.resolve("validation.jsonl");
        ArtifactManifest manifest = ModelArtifact.readManifest(model);

        int exit = run("evaluate", "--model", model.toString(), "--data", validation.toString());

        assertEquals(0, exit, err.toString());
        assertEquals(manifest.training().validationExamples(), Files.readAllLines(validation).size());
        assertTrue(out.toString().contains(String.format("accuracy %.4f", manifest.validationMetrics().accuracy())),
                out.toString());
    }

    @Test
    void respellMakesANewVersionThatReadsTypedTextAsTheTreebankTextAndPredictsTheSameOnIt() throws Exception {
        Path older = TinyModels.asWrittenBeforeTreebankSpelling(model, dir.resolve("before-spelling"));
        Path respelled = dir.resolve("respelled");
        String treebank = "it does n't work -lrb- at all -rrb- , and i 'm sorry .";
        String typed = TypedText.of(treebank);

        int exit = run("respell", "--model", older.toString(), "--output", respelled.toString());

        assertEquals(0, exit, err.toString());
        ArtifactManifest before = ModelArtifact.readManifest(older);
        ArtifactManifest after = ModelArtifact.verify(respelled);
        assertNotEquals(before.version(), after.version());
        assertEquals(before.version(), after.lineage().respelledFrom().origin());
        assertEquals(before.metrics().accuracy(), after.metrics().accuracy());
        assertTrue(Files.readString(respelled.resolve(ModelArtifact.REPORT)).contains(before.version()));
        try (TextClassifier original = ModelArtifact.load(older); TextClassifier changed = ModelArtifact.load(respelled)) {
            Prediction asTrained = original.predict(List.of(treebank)).get(0);
            assertEquals(asTrained, changed.predict(List.of(treebank)).get(0));
            assertEquals(asTrained, changed.predict(List.of(typed)).get(0));
        }
        assertEquals(1, run("respell", "--model", respelled.toString(), "--output", dir.resolve("again").toString()));
        assertTrue(err.toString().contains("spells typed text as the treebank does already"), err.toString());
    }

    @Test
    void predictPrintsWhatTheLoadedModelPredicts() throws Exception {
        List<String> texts = List.of("a wonderful and charming film", "a dull , tedious movie");

        int exit = run("predict", "--model", model.toString(), texts.get(0), texts.get(1));

        assertEquals(0, exit, err.toString());
        List<String> lines = out.toString().lines().toList();
        try (TextClassifier classifier = ModelArtifact.load(model)) {
            List<Prediction> expected = classifier.predict(texts);
            for (int i = 0; i < texts.size(); i++) {
                Prediction p = expected.get(i);
                assertTrue(lines.get(i).startsWith(String.format("%s\t%.4f\t", p.label(), p.score())), lines.get(i));
                assertTrue(lines.get(i).endsWith("\t" + texts.get(i)), lines.get(i));
            }
        }
    }

    @Test
    void trainStopsOnMalformedDataBeforeTrainingNamingFileAndLine() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.tsv"), "label\ttext\npositive\tgood\nnegative\n");
        Path output = dir.resolve("never");

        int exit = run("train", "--data", broken.toString(), "--eval-data", broken.toString(),
                "--output", output.toString());

        assertEquals(1, exit);
        assertTrue(err.toString().contains(broken + ":3: expected 2 columns, found 1"), err.toString());
        assertFalse(out.toString().contains("epoch"), "no training started: " + out);
        assertFalse(Files.exists(output));
    }

    @Test
    void evaluationDataTheModelWouldBeTrainedOrSelectedOnIsRefusedBeforeTraining() throws Exception {
        String train = fixture("sentiment-train.tsv");
        String dev = fixture("sentiment-dev.tsv");
        Path output = dir.resolve("never-selected");

        int selected = run("train", "--data", train, "--val-data", dev, "--eval-data", dev, "--output",
                output.toString());
        String selectedError = err.toString();
        int trained = run("train", "--data", train, "--data", dev, "--eval-data", dev, "--output", output.toString());

        assertEquals(2, selected, selectedError);
        assertTrue(selectedError.contains("--eval-data " + dev + " is also the --val-data"), selectedError);
        assertEquals(2, trained, err.toString());
        assertTrue(err.toString().contains("is also the --data"), err.toString());
        assertFalse(out.toString().contains("epoch"), "no training started: " + out);
        assertFalse(Files.exists(output));
    }

    @Test
    void aTamperedModelIsRefusedWithAClearError() throws Exception {
        Path copy = Files.createDirectory(dir.resolve("tampered"));
        for (String name : List.of(ModelArtifact.MANIFEST, ModelArtifact.TOKENIZER, ModelArtifact.WEIGHTS)) {
            Files.copy(model.resolve(name), copy.resolve(name));
        }
        Files.write(copy.resolve(ModelArtifact.WEIGHTS), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);

        int exit = run("predict", "--model", copy.toString(), "anything");

        assertEquals(1, exit);
        assertTrue(err.toString().contains("weights.params does not match the manifest"), err.toString());
        assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
    }

    private int run(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static String fixture(String name) {
        try {
            return Path.of(CommandsTest.class.getResource("/fixtures/" + name).toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
