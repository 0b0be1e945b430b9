package dev.transformerlambda.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.aws.LocalS3Server;
import dev.transformerlambda.aws.LocalServerProcess;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.registry.RegistryUri;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, {@code scripts/run-local}, as a newcomer runs it on a built tree: it
 * must answer predictions from the committed default model through the local HTTP API, ask nothing
 * (its standard input is closed here), and stop everything it started when it is stopped; a busy
 * port or an invalid setting stops it at once with one line saying why; the function's own
 * settings are honoured. How long it takes is a benchmark's business ({@code
 * scripts/time-run-local}), not this test's.
 */
class RunLocalScriptIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void servesTheDefaultModelFromAnEmptyLocalRegistryWithoutAskingAnything(@TempDir Path work) throws Exception {
        int functionPort = LocalServerProcess.freePort();
        int s3Port = LocalServerProcess.freePort();
        Path output = work.resolve("run-local.log");
        Process script = start(output, Map.of(
                "FUNCTION_PORT", Integer.toString(functionPort),
                "S3_PORT", Integer.toString(s3Port),
                "LOCAL_S3_DIR", work.resolve("s3").toString()));
        try {
            JsonNode answer = awaitPrediction(functionPort, script, output);

            String defaultVersion = JSON.readTree(Path.of("src/main/models/sst2/manifest.json").toFile())
                    .path("version").asText();
            assertEquals(defaultVersion, answer.path("model").path("version").asText(), answer.toString());
            assertEquals("positive", answer.path("predictions").get(0).path("label").asText());
            assertEquals("negative", answer.path("predictions").get(1).path("label").asText());

            HttpResponse<String> malformed = post(functionPort, "{\"texts\": ");
            assertEquals(400, malformed.statusCode(), malformed.body());
            assertEquals(200, get(functionPort, "/model").statusCode());
            HttpResponse<String> page = get(functionPort, "/");
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page.toString());
            assertTrue(page.body().contains("Try the model"), "the page to try the model, from the packaged function");
            HttpResponse<String> report = get(functionPort, "/model/report");
            assertEquals(Files.readString(Path.of("src/main/models/sst2/report.html")), report.body());
        } finally {
            stop(script);
        }
        String log = Files.readString(output);
        assertFalse(log.toLowerCase().contains("analytics"), log);
        assertTrue(log.contains("publishing the default model"), log);
        assertTrue(log.contains("the local registry persists in " + work.resolve("s3") + " (--reset empties it)"), log);
        assertTrue(LocalServerProcess.isFree(functionPort) && LocalServerProcess.isFree(s3Port), "something it started still listens:\n" + log);
    }

    @Test
    void aBusyPortStopsItAtOnceSayingWhichPort(@TempDir Path work) throws Exception {
        int s3Port = LocalServerProcess.freePort();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path output = work.resolve("run-local.log");
            Process script = start(output, Map.of(
                    "FUNCTION_PORT", Integer.toString(taken.getLocalPort()),
                    "S3_PORT", Integer.toString(s3Port),
                    "LOCAL_S3_DIR", work.resolve("s3").toString()));

            assertTrue(script.waitFor(60, TimeUnit.SECONDS), "it stopped");
            String log = Files.readString(output);
            assertEquals(1, script.exitValue(), log);
            assertEquals("run-local: port " + taken.getLocalPort() + " is in use (FUNCTION_PORT); stop what listens"
                    + " there or set FUNCTION_PORT", log.strip());
            assertTrue(LocalServerProcess.isFree(s3Port), "nothing was started");
        }
    }

    @Test
    void anInvalidSettingStopsItWithTheFunctionsReasonInOneLineAndANonZeroExit(@TempDir Path work) throws Exception {
        int functionPort = LocalServerProcess.freePort();
        Path output = work.resolve("run-local.log");
        Process script = start(output, Map.of(
                "FUNCTION_PORT", Integer.toString(functionPort),
                "CLASSIFIER_MODEL_URI", "src/main/models/sst2",
                "CLASSIFIER_LIMITS_MAX_TEXTS", "abc"));
        try {
            assertTrue(script.waitFor(4, TimeUnit.MINUTES), "it stopped:\n" + Files.readString(output));
        } finally {
            stop(script);
        }
        String log = Files.readString(output);
        assertTrue(script.exitValue() != 0, log);
        List<String> said = log.lines().filter(line -> line.startsWith("run-local: ")).toList();
        assertEquals(1, said.size(), log);
        assertTrue(said.get(0).startsWith("run-local: the function cannot start: ") && said.get(0).contains(
                "classifier.limits.max-texts with the config value \"abc\""), said.get(0));
        assertTrue(LocalServerProcess.isFree(functionPort), "the local HTTP API was stopped too:\n" + log);
    }

    @Test
    void servesAModelDirectoryWhenAskedWithoutStartingAnyS3(@TempDir Path work) throws Exception {
        int functionPort = LocalServerProcess.freePort();
        int s3Port = LocalServerProcess.freePort();
        Path model = Path.of("src/main/models/sst2").toAbsolutePath();
        Path output = work.resolve("run-local.log");
        Process script = start(output, Map.of(
                "FUNCTION_PORT", Integer.toString(functionPort),
                "S3_PORT", Integer.toString(s3Port),
                "CLASSIFIER_MODEL_URI", "src/main/models/sst2"));
        try {
            awaitPrediction(functionPort, script, output);
            JsonNode status = JSON.readTree(get(functionPort, "/model").body());
            assertEquals(model.toString(), status.path("source").asText(), status.toString());
            assertEquals("not-watched", status.at("/lastCheck/result").asText(), status.toString());
            assertTrue(LocalServerProcess.isFree(s3Port), "no S3 was started");
        } finally {
            stop(script);
        }
        assertFalse(Files.readString(output).contains("S3Mock"), Files.readString(output));
    }

    /** Another S3 named by CLASSIFIER_S3_ENDPOINT_OVERRIDE, a registry there, and the function's other settings as given. */
    @Test
    void honoursTheFunctionsSettingsForAnotherS3AndRegistry(@TempDir Path work) throws Exception {
        try (LocalS3Server elsewhere = LocalS3Server.start("elsewhere")) {
            RegistryUri registry = RegistryUri.parse("s3://elsewhere/team/sst2");
            String version;
            try (var s3 = elsewhere.client()) {
                ModelRegistry models = new ModelRegistry(s3, registry);
                version = models.publish(Path.of("src/main/models/sst2"));
                models.promote(version);
            }
            int functionPort = LocalServerProcess.freePort();
            int s3Port = LocalServerProcess.freePort();
            Path cache = work.resolve("cache");
            Path output = work.resolve("run-local.log");
            Process script = start(output, Map.of(
                    "FUNCTION_PORT", Integer.toString(functionPort),
                    "S3_PORT", Integer.toString(s3Port),
                    "CLASSIFIER_MODEL_URI", registry.toString(),
                    "CLASSIFIER_S3_ENDPOINT_OVERRIDE", elsewhere.endpoint().toString(),
                    "CLASSIFIER_RELOAD_INTERVAL", "2s",
                    "CLASSIFIER_CACHE_DIR", cache.toString()));
            try {
                JsonNode answer = awaitPrediction(functionPort, script, output);
                assertEquals(version, answer.at("/model/version").asText());
                JsonNode status = JSON.readTree(get(functionPort, "/model").body());
                assertEquals(registry + "/" + version, status.path("source").asText(), status.toString());
                assertTrue(Files.isDirectory(cache.resolve("sst2").resolve(version)), "downloaded into the cache given");
                assertTrue(LocalServerProcess.isFree(s3Port), "the local S3 was not started");
            } finally {
                stop(script);
            }
            String log = Files.readString(output);
            assertTrue(log.contains("==> reload checks every 2s; downloaded versions are kept in " + cache), log);
            assertFalse(log.contains("S3Mock"), log);
        }
    }

    @Test
    void resetEmptiesTheLocalRegistryBeforeAnythingStarts(@TempDir Path work) throws Exception {
        Path registry = work.resolve("s3");
        Files.createDirectories(registry.resolve("models"));
        Files.writeString(registry.resolve("models/left-from-yesterday"), "a broken version");
        Path output = work.resolve("run-local.log");
        Process script = start(output, Map.of(
                "FUNCTION_PORT", Integer.toString(LocalServerProcess.freePort()),
                "S3_PORT", Integer.toString(LocalServerProcess.freePort()),
                "LOCAL_S3_DIR", registry.toString()), "--reset");
        try {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            while (!Files.readString(output).contains("starting the local HTTP API") && Instant.now().isBefore(deadline)) {
                assertTrue(script.isAlive(), Files.readString(output));
                Thread.sleep(100);
            }
            assertFalse(Files.exists(registry.resolve("models/left-from-yesterday")), Files.readString(output));
            assertTrue(Files.readString(output).contains("--reset: emptying the local registry in " + registry));
        } finally {
            stop(script);
        }
    }

    private static Process start(Path output, Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("scripts/run-local"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // The function's own settings must come from the test, not from whoever runs it.
        builder.environment().keySet().removeIf(name -> name.startsWith("CLASSIFIER_"));
        builder.environment().putAll(environment);
        return builder.start();
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
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
