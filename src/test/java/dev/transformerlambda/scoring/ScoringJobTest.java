package dev.transformerlambda.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.digest.Sha256;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.TextClassifier;
import dev.transformerlambda.scoring.JobFiles.Manifest;
import dev.transformerlambda.training.TinyModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scoring job on local folders with a real (tiny) model: parts, errors, the manifest, reruns. */
class ScoringJobTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path models;

    @TempDir
    Path dir;

    static Path model;
    static Path otherModel;

    @BeforeAll
    static void trainModels() throws Exception {
        model = TinyModels.train(models.resolve("a"), 1);
        otherModel = TinyModels.copyAs(model, models.resolve("b"), "20990101T000000Z-000000");
    }

    @Test
    void everyRowIsScoredInInputOrderAndBadRowsGoToTheErrorsPart() throws Exception {
        Path input = Files.createDirectories(dir.resolve("in"));
        List<String> texts = new ArrayList<>();
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            String text = (i % 3 == 0 ? "a wonderful, moving film " : "a dull and tedious mess ") + i;
            texts.add(text);
            jsonl.append("{\"review\": \"").append(text).append("\", \"n\": ").append(i).append("}\n");
            if (i == 40) {
                jsonl.append("{\"review\": \n");
            }
        }
        Files.writeString(input.resolve("reviews.jsonl"), jsonl);
        Files.writeString(input.resolve("_SUCCESS"), "");
        Path output = dir.resolve("out");

        ScoringJob.Outcome outcome = run(model, input, output, new RowRules("review", "n", true, 1000), 1_000, 0.05);

        assertTrue(outcome.finished());
        List<JsonNode> scored = rows(output, "part-");
        assertEquals(150, scored.size());
        for (int i = 0; i < scored.size(); i++) {
            JsonNode row = scored.get(i);
            assertEquals(String.valueOf(i), row.get("id").asText(), "input order");
            assertEquals(texts.get(i), row.get("input").get("review").asText());
            double sum = 0;
            for (Iterator<JsonNode> it = row.get("scores").elements(); it.hasNext(); ) {
                sum += it.next().asDouble();
            }
            assertEquals(1.0, sum, 1e-4);
            assertEquals(row.get("score").asDouble(), row.get("scores").get(row.get("label").asText()).asDouble(), 1e-6);
        }
        List<JsonNode> errors = rows(output, "errors-");
        assertEquals(1, errors.size());
        // cut into 1,000-byte splits, a row past the first split is placed by its byte offset
        assertEquals(jsonl.indexOf("{\"review\": \n"), errors.get(0).get("offset").asInt());
        assertEquals("reviews.jsonl", errors.get(0).get("object").asText());
        Manifest manifest = JSON.readValue(output.resolve(JobFiles.MANIFEST).toFile(), Manifest.class);
        assertEquals(150, manifest.rowsScored());
        assertEquals(1, manifest.rowsRefused());
        assertEquals(1, manifest.inputs().size(), "markers such as _SUCCESS are not inputs");
        assertEquals(Sha256.of(model.resolve(ModelArtifact.MANIFEST)), manifest.model().manifestSha256());
        assertEquals(manifest.splits(), manifest.parts().size());
    }

    @Test
    void aRerunOfAFinishedJobIsANoOpAndAnotherModelIsRefused() throws Exception {
        Path input = Files.createDirectories(dir.resolve("in"));
        Files.writeString(input.resolve("a.tsv"), "label\ttext\nx\tgood\nx\tbad\n");
        Path output = dir.resolve("out");
        RowRules rules = new RowRules("text", null, false, 1000);
        run(model, input, output, rules, 1_000, 0);
        byte[] manifest = Files.readAllBytes(output.resolve(JobFiles.MANIFEST));

        ScoringJob.Outcome again = run(model, input, output, rules, 1_000, 0);

        assertEquals(0, again.splitsScored());
        assertTrue(Arrays.equals(manifest, Files.readAllBytes(output.resolve(JobFiles.MANIFEST))));
        ScoringException refused = assertThrows(ScoringException.class,
                () -> run(otherModel, input, output, rules, 1_000, 0));
        assertTrue(refused.getMessage().contains("holds the parts of"), refused.getMessage());
    }

    @Test
    void tooManyRefusedRowsFailTheJobWithoutAManifest() throws Exception {
        Path input = Files.createDirectories(dir.resolve("in"));
        Files.writeString(input.resolve("a.jsonl"), "{\"text\": \"good\"}\nnot json\n{\"text\": \"\"}\n");
        Path output = dir.resolve("out");
        RowRules rules = new RowRules("text", null, false, 1000);

        ScoringException failed = assertThrows(ScoringException.class, () -> run(model, input, output, rules, 1_000, 0.5));

        assertTrue(failed.getMessage().contains("2 of 3 rows refused"), failed.getMessage());
        assertFalse(Files.exists(output.resolve(JobFiles.MANIFEST)));
        assertEquals(2, rows(output, "errors-").size());
        StringWriter log = new StringWriter();
        ScoringJob lenient = new ScoringJob(new LocalFolder(output),
                new ScoringJob.Settings(rules, 1_000, 0.7, 1, 8), new PrintWriter(log));
        assertTrue(lenient.finish().isPresent(), "--finish with a higher rate accepts the job: " + log);
    }

    private ScoringJob.Outcome run(Path artifact, Path input, Path output, RowRules rules, long splitSize,
            double maxErrorRate) throws Exception {
        ScoringJob job = new ScoringJob(new LocalFolder(output),
                new ScoringJob.Settings(rules, splitSize, maxErrorRate, 2, 8), new PrintWriter(new StringWriter()));
        try (TextClassifier classifier = ModelArtifact.load(artifact)) {
            return job.run(classifier, Sha256.of(artifact.resolve(ModelArtifact.MANIFEST)), input.toString(),
                    () -> {
                        throw new AssertionError("no S3 here");
                    }, Shard.WHOLE, "score");
        }
    }

    /** The rows of every output object whose name starts with {@code prefix}, in name order. */
    private static List<JsonNode> rows(Path output, String prefix) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(output)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    rows.add(JSON.readTree(line));
                }
            }
        }
        return rows;
    }
}
