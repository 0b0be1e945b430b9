package dev.transformerlambda.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.aws.FaultyS3Proxy;
import dev.transformerlambda.aws.FaultyS3Proxy.Rule;
import dev.transformerlambda.aws.LocalS3Server;
import dev.transformerlambda.cli.Main;
import dev.transformerlambda.training.TinyModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code score} against a real S3-compatible server, as an AWS Batch array job runs it: three
 * inputs (JSON Lines cut into byte ranges, CSV, gzipped TSV) with bad rows, three shards in three
 * processes, one killed midway and run again.
 */
class ScoringIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OUTPUT = "s3://data/scored/run-1";

    @TempDir
    static Path dir;

    static LocalS3Server s3;
    static S3Client client;
    static Path model;
    static Path otherModel;
    static int goodRows;
    static int badRows;

    @BeforeAll
    static void start() throws Exception {
        s3 = LocalS3Server.start("data");
        client = s3.client();
        model = TinyModels.train(dir.resolve("model"), 1);
        otherModel = TinyModels.copyAs(model, dir.resolve("other-model"), "20990101T000000Z-000000");
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 3_000; i++) {
            jsonl.append(JSON.writeValueAsString(Map.of("id", "j" + i, "text", "a film, number " + i + ", of some merit")))
                    .append('\n');
            goodRows++;
            if (i % 1_000 == 500) {
                jsonl.append("{\"id\": \"broken").append(i).append("\", \"text\": \n");
                badRows++;
            }
        }
        StringBuilder csv = new StringBuilder("id,text\n");
        for (int i = 0; i < 200; i++) {
            csv.append("c").append(i).append(",\"dull, and\nlong ").append(i).append("\"\n");
            goodRows++;
        }
        csv.append("c-empty,\n");
        badRows++;
        StringBuilder tsv = new StringBuilder("id\ttext\n");
        for (int i = 0; i < 300; i++) {
            tsv.append("t").append(i).append("\tgreat fun ").append(i).append('\n');
            goodRows++;
        }
        tsv.append("t-short\n");
        badRows++;
        put("in/reviews.jsonl", jsonl.toString().getBytes(StandardCharsets.UTF_8));
        put("in/more/reviews.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        put("in/reviews.tsv.gz", gzip(tsv.toString()));
        put("in/_SUCCESS", new byte[0]);
    }

    @AfterAll
    static void stop() throws IOException {
        client.close();
        s3.close();
    }

    @Test
    void threeShardsOneKilledAndRerunScoreEveryRowExactlyOnce() throws Exception {
        Path killedLog = dir.resolve("shard-0-killed.log");
        Process killed = score(killedLog, model, "--shard", "0/3", "--threads", "1", "--batch-size", "1");
        int splits = awaitFirstSplitThenKill(killed, killedLog);
        Process one = score(dir.resolve("shard-1.log"), model, "--shard", "1/3");
        Process two = score(dir.resolve("shard-2.log"), model, "--shard", "2/3");
        assertEquals(0, await(one, dir.resolve("shard-1.log")));
        assertEquals(0, await(two, dir.resolve("shard-2.log")));
        assertTrue(keys("scored/run-1/_manifest.json").isEmpty(), "no manifest while shard 0 is unfinished");
        assertTrue(doneSplits() < splits, "shard 0 was killed before its last split");

        Path rerunLog = dir.resolve("shard-0-rerun.log");
        assertEquals(0, await(score(rerunLog, model, "--shard", "0/3"), rerunLog));

        Map<String, Integer> seen = new HashMap<>();
        for (String key : keys("scored/run-1/part-")) {
            for (JsonNode row : rows(key)) {
                seen.merge(row.get("id").asText(), 1, Integer::sum);
            }
        }
        assertEquals(goodRows, seen.size(), "every good row scored");
        assertTrue(seen.values().stream().allMatch(n -> n == 1), "no row scored twice");
        List<JsonNode> errors = new ArrayList<>();
        for (String key : keys("scored/run-1/errors-")) {
            errors.addAll(rows(key));
        }
        assertEquals(badRows, errors.size(), errors.toString());
        assertTrue(errors.stream().allMatch(e -> e.hasNonNull("reason") && e.hasNonNull("input")));
        JsonNode manifest = JSON.readTree(client.getObjectAsBytes(b -> b.bucket("data").key("scored/run-1/_manifest.json"))
                .asByteArray());
        assertEquals(goodRows, manifest.get("rowsScored").asInt());
        assertEquals(badRows, manifest.get("rowsRefused").asInt());
        assertEquals(3, manifest.get("inputs").size());
        assertTrue(Files.readString(rerunLog).contains("done already"), Files.readString(rerunLog));

        Path againLog = dir.resolve("again.log");
        assertEquals(0, await(score(againLog, model), againLog));
        assertTrue(Files.readString(againLog).contains("nothing to do"), Files.readString(againLog));
        Path otherLog = dir.resolve("other.log");
        assertEquals(1, await(score(otherLog, otherModel), otherLog));
        assertTrue(Files.readString(otherLog).contains("holds the parts of"), Files.readString(otherLog));
    }

    /**
     * Throttling, 5xx and a connection cut mid-body on the way to S3 are retried with backoff: the
     * job finishes as if nothing happened.
     */
    @Test
    void throttlingServerErrorsAndCutConnectionsFromS3AreRetried() throws Exception {
        try (FaultyS3Proxy proxy = FaultyS3Proxy.start(s3.endpoint())) {
            Rule slowDown = proxy.inject(r -> r.method().equals("GET") && r.keyEndsWith("reviews.jsonl"),
                    new FaultyS3Proxy.Status(503, "SlowDown"), 3);
            Rule serverError = proxy.inject(r -> r.method().equals("PUT") && r.path().contains("/part-"),
                    new FaultyS3Proxy.Status(500, "InternalError"), 2);
            Rule cut = proxy.inject(r -> r.method().equals("GET") && r.keyEndsWith("reviews.tsv.gz"),
                    new FaultyS3Proxy.Truncated(), 1);
            StringWriter out = new StringWriter();
            CommandLine command = Main.commandLine();
            command.setOut(new PrintWriter(out, true));
            command.setErr(new PrintWriter(out, true));

            int exit = command.execute("score", "--model", model.toString(), "--input", "s3://data/in",
                    "--output", "s3://data/scored/under-faults", "--id-field", "id", "--split-size", "64KB",
                    "--s3-endpoint", proxy.endpoint().toString());

            assertEquals(0, exit, out.toString());
            assertEquals(List.of(3, 2, 1), List.of(slowDown.caught(), serverError.caught(), cut.caught()));
            JsonNode manifest = JSON.readTree(client.getObjectAsBytes(
                    b -> b.bucket("data").key("scored/under-faults/_manifest.json")).asByteArray());
            assertEquals(goodRows, manifest.get("rowsScored").asInt());
        }
    }

    /** Waits for the killed shard's first split record, kills it, and says how many splits the job has. */
    private static int awaitFirstSplitThenKill(Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (doneSplits() == 0) {
            assertTrue(process.isAlive(), "shard 0 ended before it could be killed: " + Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "no split finished in 2 minutes: " + Files.readString(log));
            Thread.sleep(20);
        }
        process.destroyForcibly().waitFor();
        String text = Files.readString(log);
        Matcher splits = Pattern.compile("the job's (\\d+) splits").matcher(text);
        assertTrue(splits.find(), text);
        return Integer.parseInt(splits.group(1));
    }

    private static Process score(Path log, Path artifact, String... extra) throws IOException {
        List<String> line = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "score",
                "--model", artifact.toString(), "--input", "s3://data/in", "--output", OUTPUT,
                "--id-field", "id", "--split-size", "16KB", "--max-error-rate", "0.01",
                "--s3-endpoint", s3.endpoint().toString()));
        line.addAll(List.of(extra));
        return new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int await(Process process, Path log) throws Exception {
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("score did not end in 3 minutes: " + Files.readString(log));
        }
        return process.exitValue();
    }

    private static long doneSplits() {
        return keys("scored/run-1/_splits/").size();
    }

    private static List<String> keys(String prefix) {
        return client.listObjectsV2Paginator(b -> b.bucket("data").prefix(prefix)).contents().stream()
                .map(S3Object::key).toList();
    }

    private static List<JsonNode> rows(String key) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        String text = client.getObjectAsBytes(b -> b.bucket("data").key(key)).asUtf8String();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                rows.add(JSON.readTree(line));
            }
        }
        return rows;
    }

    private static void put(String key, byte[] bytes) {
        client.putObject(b -> b.bucket("data").key(key), RequestBody.fromBytes(bytes));
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
