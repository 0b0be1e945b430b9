package dev.transformerlambda.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.aws.LocalServerProcess;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, {@code scripts/run-local}, as a newcomer runs it on a built tree: it
 * must answer predictions from the committed default model through the local HTTP API, ask nothing
 * (its standard input is closed here), and stop everything it started when it is stopped. How long
 * it takes is a benchmark's business ({@code scripts/time-run-local}), not this test's.
 */
class RunLocalScriptIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void servesTheDefaultModelFromAnEmptyLocalRegistryWithoutAskingAnything(@TempDir Path work) throws Exception {
        int functionPort = LocalServerProcess.freePort();
        int s3Port = LocalServerProcess.freePort();
        Path output = work.resolve("run-local.log");
        ProcessBuilder builder = new ProcessBuilder("scripts/run-local")
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(Map.of(
                "FUNCTION_PORT", Integer.toString(functionPort),
                "S3_PORT", Integer.toString(s3Port),
                "LOCAL_S3_DIR", work.resolve("s3").toString()));
        Process script = builder.start();
        try {
            JsonNode answer = awaitPrediction(functionPort, script, output);

            String defaultVersion = JSON.readTree(Path.of("src/main/models/sst2/manifest.json").toFile())
                    .path("version").asText();
            assertEquals(defaultVersion, answer.path("model").path("version").asText(), answer.toString());
            assertEquals("positive", answer.path("predictions").get(0).path("label").asText());
            assertEquals("negative", answer.path("predictions").get(1).path("label").asText());

            HttpResponse<String> malformed = post(functionPort, "{\"texts\": ");
            assertEquals(400, malformed.statusCode(), malformed.body());
            assertEquals(200, http.send(HttpRequest.newBuilder(uri(functionPort, "/model")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        } finally {
            stop(script);
        }
        String log = Files.readString(output);
        assertFalse(log.toLowerCase().contains("analytics"), log);
        assertTrue(log.contains("publishing the default model"), log);
        assertTrue(LocalServerProcess.isFree(functionPort) && LocalServerProcess.isFree(s3Port), "something it started still listens:\n" + log);
    }

    private JsonNode awaitPrediction(int port, Process script, Path output) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        String body = "{\"texts\": [\"a gorgeous , witty , seductive movie .\", \"a dull , lifeless mess .\"]}";
        while (Instant.now().isBefore(deadline)) {
            if (!script.isAlive()) {
                throw new AssertionError("scripts/run-local exited with " + script.exitValue() + ":\n"
                        + Files.readString(output));
            }
            try {
                HttpResponse<String> response = post(port, body);
                if (response.statusCode() == 200) {
                    return JSON.readTree(response.body());
                }
            } catch (ConnectException | HttpTimeoutException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no prediction within 4 minutes:\n" + Files.readString(output));
    }

    private HttpResponse<String> post(int port, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(port, "/predict"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** SIGTERM, as Ctrl-C or a service manager would stop it; then nothing it started may be left. */
    private static void stop(Process script) throws InterruptedException {
        var children = script.descendants().toList();
        script.destroy();
        if (!script.waitFor(30, TimeUnit.SECONDS)) {
            script.destroyForcibly();
        }
        for (ProcessHandle child : children) {
            child.onExit().completeOnTimeout(child, 30, TimeUnit.SECONDS).join();
            assertFalse(child.isAlive(), "scripts/run-local left " + child.info().command().orElse("a process")
                    + " running");
        }
    }
}
