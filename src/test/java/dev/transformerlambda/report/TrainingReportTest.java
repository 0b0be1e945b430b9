package dev.transformerlambda.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ArtifactManifest.Distillation;
import dev.transformerlambda.model.ArtifactManifest.Epoch;
import dev.transformerlambda.model.ArtifactManifest.LearningRate;
import dev.transformerlambda.model.ArtifactManifest.Lineage;
import dev.transformerlambda.model.ArtifactManifest.Promotion;
import dev.transformerlambda.model.ArtifactManifest.Source;
import dev.transformerlambda.model.ArtifactManifest.DataFile;
import dev.transformerlambda.model.ArtifactManifest.LeftOut;
import dev.transformerlambda.model.ArtifactManifest.TrainingSummary;
import dev.transformerlambda.model.ClassificationMetrics;
import dev.transformerlambda.model.DefaultModelTest;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.ModelConfig;
import dev.transformerlambda.model.Pooling;
import dev.transformerlambda.training.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * The report drawn from manifests of every shape: a distilled model the promotion gate compared,
 * the shipped default model (whose manifest predates per-epoch history), and a diverged run.
 */
class TrainingReportTest {

    /** A label that needs escaping in HTML and in a JSON pointer. */
    static final String AWKWARD = "a/b <&> \"q\" ~x";
    private static final List<String> LABELS = List.of("negative", "positive", AWKWARD);

    @TempDir
    Path dir;

    @Test
    void aFullReportShowsEverySectionAndEveryNumberIsTheManifests() throws Exception {
        ArtifactManifest manifest = fullManifest(history(4, 0.5));

        String html = TrainingReport.render(manifest);
        Document document = ReportChecks.parse(html);

        ReportChecks.assertSelfContained(document, html);
        assertEquals(List.of("Training", "Evaluation", "Promotion gate", "Data", "Lineage", "Model"),
                ReportChecks.texts(document, "h2"));
        int checked = ReportChecks.assertNumbersMatch(document, manifest);
        List<String> pointers = ReportChecks.pointers(document);
        for (String expected : List.of("/metrics/accuracy", "/metrics/macroF1", "/validationMetrics/accuracy",
                "/metrics/perClass/a~1b <&> \"q\" ~0x/f1", "/metrics/confusionMatrix/2/2",
                "/training/history/3/trainLoss", "/training/history/3/accuracy", "/training/history/3/sentencesPerSecond",
                "/training/history/3/learningRates/2/rate", "/training/dataSha256", "/training/evaluationData",
                "/lineage/teacher/name", "/lineage/teacher/origin", "/lineage/teacher/sha256",
                "/lineage/distillation/teacherMetrics/accuracy", "/promotion/accuracy", "/promotion/comparedAccuracy",
                "/promotion/comparedWith", "/hyperparameters/layers", "/training/dataFiles/1/location",
                "/training/dataFiles/1/rows", "/training/dataFiles/1/sha256", "/training/leftOut/1/reason",
                "/training/leftOut/1/rows")) {
            assertTrue(pointers.contains(expected), expected + " is shown: " + pointers);
        }
        long lossPoints = pointers.stream().filter(p -> p.matches("/training/history/\\d+/trainLoss")).count();
        assertEquals(2 * 4, lossPoints, "each epoch's loss on the chart and in the table");
        assertEquals(3 * 3, pointers.stream().filter(p -> p.startsWith("/metrics/confusionMatrix/")).count(),
                "a heat map cell per count");
        assertTrue(checked > 100, "values checked: " + checked);
        assertTrue(html.contains("a/b &lt;&amp;&gt; &quot;q&quot; ~x"), "the label is escaped, not dropped");
    }

    /** A browser reads a style element's text as it stands: an entity there is not a quote. */
    @Test
    void theStyleSheetKeepsItsQuotesSoTheFontListApplies() throws Exception {
        String html = TrainingReport.render(fullManifest(history(2, 0.5)));

        String style = html.substring(html.indexOf("<style>") + "<style>".length(), html.indexOf("</style>"));
        assertTrue(style.contains("font-family:-apple-system,\"Segoe UI\",Roboto"), style);
        assertFalse(style.contains("&"), "no character reference in CSS: " + style);
    }

    @Test
    void anOlderManifestWithoutHistoryStillGetsAReportWithoutCurves() throws Exception {
        ArtifactManifest manifest = ModelArtifact.verify(
                TinyModels.asWrittenBeforeHistory(DefaultModelTest.DEFAULT_MODEL, dir.resolve("older")));
        assertEquals(null, manifest.training().history(), "written before history was recorded");

        String html = TrainingReport.render(manifest);
        Document document = ReportChecks.parse(html);

        ReportChecks.assertSelfContained(document, html);
        assertTrue(html.contains("records no per-epoch history"), "says why there are no curves");
        ReportChecks.assertNumbersMatch(document, manifest);
        assertTrue(ReportChecks.pointers(document).contains("/metrics/confusionMatrix/1/1"));
        assertTrue(ReportChecks.pointers(document).contains("/lineage/teacher/origin"), "the teacher it came from");
    }

    @Test
    void aDivergedEpochIsLeftOffTheChartNotDrawnAsNaN() throws Exception {
        List<Epoch> history = new ArrayList<>(history(3, 0.5));
        Epoch second = history.get(1);
        history.set(1, new Epoch(2, Double.NaN, second.accuracy(), second.macroF1(), 0, second.steps(), null));

        ArtifactManifest manifest = fullManifest(history);
        String html = TrainingReport.render(manifest);

        Document document = ReportChecks.parse(html);
        ReportChecks.assertSelfContained(document, html);
        assertTrue(html.contains("n/a"), "the table says the loss is not a number");
        ReportChecks.assertNumbersMatch(document, manifest);
        assertFalse(ReportChecks.pointers(document).contains("/training/history/1/trainLoss"));
        // The manifest itself survives it: Jackson writes NaN as a string and reads it back.
        Path artifact = Files.createDirectories(dir.resolve("diverged"));
        Files.writeString(artifact.resolve(ModelArtifact.MANIFEST), ModelArtifact.toJson(manifest));
        assertTrue(Double.isNaN(ModelArtifact.readManifest(artifact).training().history().get(1).trainLoss()));
    }

    @Test
    void writeReplacesAnEarlierReportWhole() throws Exception {
        Files.writeString(dir.resolve(ModelArtifact.REPORT), "stale");
        ArtifactManifest manifest = fullManifest(history(2, 0.5));

        Path written = TrainingReport.write(dir, manifest);

        assertEquals(dir.resolve(ModelArtifact.REPORT), written);
        assertEquals(TrainingReport.render(manifest), Files.readString(written));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(written), files.toList(), "no partial file left behind");
        }
    }

    /** The full report in a real browser: no errors, and a screenshot that is not blank. */
    @Test
    void rendersInAHeadlessBrowser() throws Exception {
        Path report = TrainingReport.write(dir, fullManifest(history(6, 0.3)));

        HeadlessBrowser.Rendering rendering = HeadlessBrowser.assertRenders(report,
                Path.of("target", "report-screenshots", "full-report.png"));

        assertFalse(rendering.screenshot().toString().isEmpty());
    }

    /** {@code epochs} epochs of 10 steps each, loss falling and accuracy rising, with warm-up over {@code warm} of the first. */
    static List<Epoch> history(int epochs, double warm) {
        List<Epoch> history = new ArrayList<>();
        int total = epochs * 10;
        int warmup = (int) Math.round(10 * warm);
        for (int e = 1; e <= epochs; e++) {
            List<LearningRate> rates = new ArrayList<>();
            for (int step = (e - 1) * 10 + 1; step <= e * 10; step++) {
                if (step == 1 || step == warmup || step % 4 == 0 || step == e * 10) {
                    float rate = step <= warmup ? 1e-3f * step / warmup : 1e-3f * (total - step) / (total - warmup);
                    rates.add(new LearningRate(step, rate));
                }
            }
            history.add(new Epoch(e, 0.7 / e, 0.6 + 0.05 * e - (e == epochs ? 0.04 : 0), 0.58 + 0.05 * e,
                    400 + 13.7 * e, e * 10, rates));
        }
        return history;
    }

    static ArtifactManifest fullManifest(List<Epoch> history) {
        int[] truth = {0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 1, 2};
        int[] predicted = {0, 0, 1, 1, 1, 1, 2, 2, 0, 0, 1, 1};
        ClassificationMetrics metrics = ClassificationMetrics.of(LABELS, truth, predicted);
        ClassificationMetrics validation = ClassificationMetrics.of(LABELS, truth, truth);
        ClassificationMetrics teacher = ClassificationMetrics.of(LABELS, truth,
                new int[] {0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 1, 1});
        int best = history.stream().max((a, b) -> Double.compare(a.accuracy(), b.accuracy())).orElseThrow().epoch();
        TrainingSummary training = new TrainingSummary("s3://data/sst/train.tsv (training part)", "ab".repeat(32),
                "s3://data/sst/dev.tsv", "cd".repeat(32), "10% of s3://data/sst/train.tsv per label, seed 42",
                "ef".repeat(32), 6228, 872, 692, history.size(), best, 32, 1e-3f, 2e-3f, 1f, 0.01f, 0.1f, 0.05f, 2,
                42, 984.5, "cpu()", history,
                List.of(new DataFile("s3://data/sst/train.tsv", "ab".repeat(32), 6920),
                        new DataFile("s3://data/sst/train-phrases.tsv", "cd".repeat(32), 98532)),
                List.of(new LeftOut("a validation sentence or a row of its tree", 8123),
                        new LeftOut("a repeat of a text already trained on", 21339)), null);
        ModelConfig config = ModelConfig.preLn(8000, LABELS.size(), 2, 128, 4, 256, 0.1f, 64, Pooling.MEAN);
        Lineage lineage = new Lineage(null, new Source("sst2", "20261129T093639Z-3de7ac", "12".repeat(32)),
                new Distillation("mask 10%, replace 10%, n-gram 25%, 20 per text, seed 42", 118216, 1623, 0.5f, "mean squared error of centred logits", teacher,
                        "the teacher's word embeddings, projected"));
        Promotion promotion = new Promotion("promoted", "accuracy 0.6667 against 0.6500 of 20261128T000000Z-aaaaaa"
                + " on the same data (margin 0.0000)", "s3://data/sst/dev.tsv", metrics.accuracy(),
                "20261128T000000Z-aaaaaa", 0.65, 0);
        return new ArtifactManifest("sst2", "20261129T120000Z-abcdef", "2026-11-29T12:00:00Z", ArtifactManifest.FORMAT,
                config.family().architecture(), config, config.maxLength(), LABELS, ModelArtifact.TOKENIZER,
                ModelArtifact.WEIGHTS, training, metrics, validation, lineage,
                Map.of("djl", "0.36.0", "engine", "PyTorch"), promotion, List.of());
    }
}
