package dev.transformerlambda.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.api.RequestTelemetry;
import dev.transformerlambda.aws.LocalS3Server;
import dev.transformerlambda.metrics.EmfSpecification;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.registry.RegistryUri;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The packaged function as its container image runs it: Quarkus' function.zip laid out by
 * scripts/assemble-function, started by its bootstrap (Lambda's Runtime Interface Client and
 * {@link FunctionHandler}), fed API Gateway events through the Runtime API, the model in S3.
 * As in Lambda, the function runs as a user that owns none of the layout (written here by this
 * process, as by root at image build) and may write only its temporary directory; that takes a test
 * process running as root, and otherwise the function runs as this process's user.
 */
class PackagedFunctionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DEFAULT_MODEL = Path.of("src/main/models/sst2");

    private static LocalS3Server s3;
    private static Path work;
    private static Path layout;
    private static boolean asLambdaUser;
    private static PackagedFunction function;
    /** The function's output when its init phase ended, before any invocation. */
    private static String initLog;

    @BeforeAll
    static void startTheFunction() throws Exception {
        asLambdaUser = PackagedFunction.canSwitchUser();
        work = Files.createTempDirectory("packaged-function-");
        layout = work.resolve("function");
        Process assemble = new ProcessBuilder("scripts/assemble-function", "--no-archive", layout.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("assemble.log").toFile()).start();
        assertTrue(assemble.waitFor(5, TimeUnit.MINUTES) && assemble.exitValue() == 0,
                () -> "scripts/assemble-function failed: " + read(work.resolve("assemble.log")));

        s3 = LocalS3Server.start("models");
        RegistryUri uri = RegistryUri.parse("s3://models/packaged/sst2");
        try (S3Client client = s3.client()) {
            ModelRegistry registry = new ModelRegistry(client, uri);
            registry.promote(registry.publish(DEFAULT_MODEL));
        }
        Map<String, String> settings = new HashMap<>(Map.of(
                "CLASSIFIER_MODEL_URI", uri.toString(),
                "CLASSIFIER_S3_ENDPOINT_OVERRIDE", s3.endpoint().toString(),
                "CLASSIFIER_S3_PATH_STYLE", "true",
                // The per-request line is DEBUG, off in Lambda by default; on here to check its fields.
                "QUARKUS_LOG_CATEGORY__DEV_TRANSFORMERLAMBDA_API__LEVEL", "DEBUG"));
        if (asLambdaUser) {
            Path tmp = lambdaTmp(work);
            settings.putAll(Map.of("TMPDIR", tmp.toString(), "CLASSIFIER_CACHE_DIR", tmp.resolve("models").toString()));
            function = PackagedFunction.startAsLambdaUser(layout, settings, work.resolve("function.log"));
        } else {
            settings.put("CLASSIFIER_CACHE_DIR", work.resolve("cache").toString());
            function = PackagedFunction.start(layout, settings, work.resolve("function.log"));
        }
        function.awaitInit(Duration.ofMinutes(2));
        initLog = function.log();
    }

    @AfterAll
    static void stop() throws Exception {
        if (function != null) {
            function.close();
        }
        if (s3 != null) {
            s3.close();
        }
        FileUtils.deleteDirectory(work.toFile());
    }

    @Test
    void loadsTheModelDuringInitWithLibtorchLoadedBesideQuarkus() throws Exception {
        assertTrue(initLog.contains("loaded sst2 " + ModelArtifact.verify(DEFAULT_MODEL).version()), initLog);
        assertTrue(initLog.contains("beside Quarkus' start"), "libtorch was preloaded: " + initLog);
    }

    @Test
    void answersAnApiGatewayEventWithPredictions() throws Exception {
        JsonNode response = JSON.readTree(function.invoke(Files.readString(Path.of("events/predict-many.json"))));
        assertEquals(200, response.get("statusCode").asInt(), response.toString());
        JsonNode body = JSON.readTree(response.get("body").asText());
        assertEquals("sst2", body.at("/model/name").asText());
        assertTrue(body.get("predictions").size() > 1, body.toString());
        for (JsonNode prediction : body.get("predictions")) {
            assertTrue(prediction.get("label").asText().matches("negative|positive"), prediction.toString());
        }
    }

    @Test
    void logsJsonLinesWithTheRequestIdAndVersionAndWritesEmbeddedMetrics() throws Exception {
        String version = ModelArtifact.verify(DEFAULT_MODEL).version();
        LambdaRuntimeEmulator.Invocation good = function.call(Files.readString(Path.of("events/predict-one.json")));
        LambdaRuntimeEmulator.Invocation bad = function.call(Files.readString(Path.of("events/bad-request.json")));
        assertEquals(version, JSON.readTree(good.response()).at("/headers/" + RequestTelemetry.VERSION_HEADER).asText());
        assertEquals(version, JSON.readTree(bad.response()).at("/headers/" + RequestTelemetry.VERSION_HEADER).asText());

        List<JsonNode> logLines = new ArrayList<>();
        List<JsonNode> metricLines = new ArrayList<>();
        for (String line : function.log().lines().filter(l -> l.startsWith("{")).toList()) {
            if (line.contains("\"_aws\"")) {
                metricLines.add(EmfSpecification.validate(line));
            } else {
                logLines.add(JSON.readTree(line)); // throws if a log line is not JSON
            }
        }
        assertTrue(logLines.stream().anyMatch(l -> l.path("message").asText().startsWith("loaded sst2 " + version)),
                "the init phase logs as JSON too: " + logLines);
        for (LambdaRuntimeEmulator.Invocation invocation : List.of(good, bad)) {
            JsonNode answered = logLines.stream()
                    .filter(l -> invocation.requestId().equals(l.at("/mdc/requestId").asText()))
                    .findFirst().orElseThrow(() -> new AssertionError("no line of " + invocation.requestId() + ": " + logLines));
            assertEquals("sst2", answered.at("/mdc/model").asText(), answered.toString());
            assertEquals(version, answered.at("/mdc/modelVersion").asText(), answered.toString());
            assertEquals("DEBUG", answered.path("level").asText(), answered.toString());
        }
        assertTrue(metricLines.stream().anyMatch(m -> m.path(ServingMetrics.REQUESTS).asDouble() == 1
                        && m.path(ServingMetrics.TEXTS).asDouble() == 1 && m.has(ServingMetrics.MODEL_LATENCY)
                        && version.equals(m.path(ServingMetrics.MODEL_VERSION).asText())), metricLines.toString());
        assertTrue(metricLines.stream().anyMatch(m -> "invalid_request".equals(m.path(ServingMetrics.ERROR_CODE).asText())
                        && m.path(ServingMetrics.ERRORS).asDouble() == 1), metricLines.toString());
        assertTrue(metricLines.stream().anyMatch(m -> m.has(ServingMetrics.INIT_TO_READY)
                        && m.has(ServingMetrics.LOAD_DOWNLOAD)), "the cold start's parts: " + metricLines);
    }

    @Test
    void answersAMalformedRequestWith400() throws Exception {
        JsonNode response = JSON.readTree(function.invoke(Files.readString(Path.of("events/bad-request.json"))));
        assertEquals(400, response.get("statusCode").asInt(), response.toString());
        assertEquals("invalid_request", JSON.readTree(response.get("body").asText()).get("error").asText());
    }

    @Test
    void runsAsAUserThatCanWriteNothingOfTheLayout() throws Exception {
        assumeTrue(asLambdaUser, "only root can start the function as another user; as this user it owns the"
                + " layout, so a layout Lambda's user could not read would go unnoticed");
        assertEquals(PackagedFunction.LAMBDA_UID, function.uid());
        List<String> writable = new ArrayList<>();
        try (Stream<Path> files = Files.walk(layout)) {
            for (Path file : files.toList()) {
                boolean owned = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)
                        == PackagedFunction.LAMBDA_UID;
                if (owned || Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)
                        .contains(PosixFilePermission.OTHERS_WRITE)) {
                    writable.add(layout.relativize(file).toString());
                }
            }
        }
        assertEquals(List.of(), writable, "Lambda's file system is read-only");
    }

    /**
     * Lambda's /tmp, the one directory the function may write: owned by its user, inside a directory
     * that user may enter but not write.
     */
    private static Path lambdaTmp(Path work) throws IOException {
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tmp = Files.createDirectory(work.resolve("tmp"));
        Files.setAttribute(tmp, "unix:uid", PackagedFunction.LAMBDA_UID);
        Files.setAttribute(tmp, "unix:gid", PackagedFunction.LAMBDA_UID);
        return tmp;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
