package dev.transformerlambda.serving;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.api.HttpApiEmulator;
import dev.transformerlambda.aws.FaultyS3Proxy;
import dev.transformerlambda.aws.FaultyS3Proxy.Rule;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.training.TinyModels;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The function through the real Lambda handler while S3 misbehaves on purpose ({@link
 * FaultyS3Proxy} between them): no request waits on a reload check, a stuck check is abandoned and
 * replaced, a swap completes soon after S3 answers again (after no answer, or a hang), and
 * versions that can never load (a tokenizer that does not parse, a warm-up that fails, a model
 * over the size limit) are refused once and remembered. The steps share one function, so they run in order.
 */
@QuarkusTest
@WithTestResource(FaultyRegistryTestResource.class)
@WithTestResource(HttpApiEmulator.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultyRegistryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGISTRY = RegistryTestResource.REGISTRY.toString();

    @TempDir
    static Path dir;

    @ConfigProperty(name = "quarkus.lambda.mock-event-server.test-port", defaultValue = "8081")
    int port;

    /**
     * S3 frozen for longer than a check may run: every request is answered at once by the loaded
     * model while the check hangs beside it, the hung check is abandoned for a new one, and once S3
     * thaws a check succeeds without waiting for the abandoned one's 30 s timeout.
     */
    @Test
    @Order(1)
    void whileS3HangsNoRequestWaitsAndAStuckCheckIsAbandonedAndRetried() throws Exception {
        awaitLastCheck("unchanged");
        String first = FaultyRegistryTestResource.firstVersion();
        List<Double> before = timeRequests(40, first);

        FaultyS3Proxy proxy = FaultyRegistryTestResource.proxy();
        Rule frozen = proxy.freeze();
        List<Double> during;
        try {
            long until = System.nanoTime() + Duration.ofSeconds(8).toNanos(); // 1 s interval, 3 s to abandon
            during = new ArrayList<>();
            while (System.nanoTime() < until) {
                during.addAll(timeRequests(5, first));
                Thread.sleep(50);
            }
            assertTrue(frozen.caught() >= 2, "a check hung, was abandoned, and another started: "
                    + frozen.caught() + " requests reached the frozen S3");
            given().when().get("/model").then().statusCode(200)
                    .body("version", equalTo(first))
                    .body("lastCheck.result", equalTo("failed"))
                    .body("lastCheck.error", containsString("abandoned"));
            given().when().get("/health/ready").then().statusCode(200);
        } finally {
            proxy.lift(frozen);
        }
        long thawed = System.nanoTime();
        awaitLastCheck("unchanged");
        double recovered = (System.nanoTime() - thawed) / 1e9;

        double medianBefore = percentile(before, 0.5);
        double medianDuring = percentile(during, 0.5);
        double maxDuring = Collections.max(during);
        System.out.printf("S3 frozen: %d requests, p50 %.1f ms (%.1f ms before), p99 %.1f ms, max %.1f ms;"
                        + " %d S3 requests held; a check succeeded %.1f s after the thaw%n", during.size(),
                medianDuring, medianBefore, percentile(during, 0.99), maxDuring, frozen.caught(), recovered);
        assertTrue(maxDuring < 1000, "no request over 1 s while S3 hangs: " + maxDuring + " ms");
        // Loose on purpose: the machine runs the build beside this test; a request that waited on
        // the check would take the 3 s the check is abandoned after.
        assertTrue(medianDuring < medianBefore * 3 + 20, "the median stays where it was: " + medianDuring
                + " ms against " + medianBefore + " ms");
        assertTrue(recovered < 20, "the thawed S3 is used within seconds, not after the 30 s timeout: " + recovered);
    }

    /** A file missing from the promoted version: named by version and key, then loaded once it is there. */
    @Test
    @Order(2)
    void aMissingFileIsNamedByItsVersionAndKeyAndTheVersionLoadsOnceItAppears() throws Exception {
        String version = "20270301T000000Z-missing";
        ModelRegistry registry = FaultyRegistryTestResource.registry();
        registry.publish(TinyModels.copyAs(FaultyRegistryTestResource.firstModel(), dir.resolve("missing"), version));
        String key = RegistryTestResource.REGISTRY.modelKey() + "/" + version + "/" + ModelArtifact.WEIGHTS;
        Rule missing = FaultyRegistryTestResource.proxy().inject(request -> request.keyEndsWith("/" + key),
                new FaultyS3Proxy.Status(404, "NoSuchKey"));
        try {
            registry.promote(version);
            awaitLastCheckOf(version, "failed");
            given().when().get("/model").then().statusCode(200)
                    .body("version", equalTo(FaultyRegistryTestResource.firstVersion()))
                    .body("lastCheck.error", containsString(REGISTRY + "/" + version + " is incomplete: s3://"
                            + RegistryTestResource.REGISTRY.bucket() + "/" + key + " is missing"));
        } finally {
            FaultyRegistryTestResource.proxy().lift(missing);
        }
        awaitServed(version);
    }

    @Test
    @Order(3)
    void aVersionWhoseTokenizerDoesNotParseIsRefusedOnceAndNotLoadedAgain() throws Exception {
        assertRefusedOnceAndNotLoadedAgain("20270302T000000Z-badtokenizer", TinyModels::breakTokenizer,
                ModelArtifact.TOKENIZER, ": tokenizer.json is not a tokenizer");
    }

    @Test
    @Order(4)
    void aVersionWhoseWarmUpFailsIsRefusedOnceAndNotLoadedAgain() throws Exception {
        assertRefusedOnceAndNotLoadedAgain("20270302T000001Z-badwarmup", TinyModels::tokenizerBeyondItsWeights,
                ModelArtifact.WEIGHTS, ": the warm-up prediction failed");
    }

    /** What breaks a copy of the first model in place. */
    private interface Breakage {
        Path apply(Path artifact) throws IOException;
    }

    /**
     * Publishes and promotes {@code version}, a copy of the first model broken by {@code breakage},
     * and asserts that the function refuses it with {@code error}, keeps serving the version before
     * it through three reload intervals, and downloads its {@code file} once; then rolls back.
     */
    private void assertRefusedOnceAndNotLoadedAgain(String version, Breakage breakage, String file, String error)
            throws Exception {
        ModelRegistry registry = FaultyRegistryTestResource.registry();
        String serving = registry.current().orElseThrow().pointer().version();
        registry.publish(breakage.apply(
                TinyModels.copyAs(FaultyRegistryTestResource.firstModel(), dir.resolve(version), version)));
        String key = RegistryTestResource.REGISTRY.modelKey() + "/" + version + "/" + file;
        Rule counted = FaultyRegistryTestResource.proxy().inject(request -> request.keyEndsWith("/" + key),
                new FaultyS3Proxy.Delay(Duration.ZERO));
        try {
            registry.promote(version);
            awaitLastCheckOf(version, "failed");
            String refusedAt = given().when().get("/model").then().statusCode(200)
                    .body("version", equalTo(serving))
                    .body("lastCheck.error", containsString("InvalidArtifactException: " + REGISTRY + "/" + version
                            + error))
                    .extract().path("lastCheck.at");
            for (int i = 0; i < 3; i++) { // three reload intervals of traffic
                Thread.sleep(1000);
                assertAnsweredBy(serving);
            }
            assertEquals(refusedAt, given().when().get("/model").then().extract().path("lastCheck.at"),
                    "the refusal stands until current.json moves");
            assertEquals(1, counted.caught(), "the broken version was downloaded once");
        } finally {
            FaultyRegistryTestResource.proxy().lift(counted);
        }
        registry.rollback();
        awaitServed(serving);
    }

    /** The committed default model (5 MB) against this function's 1 MB limit. */
    @Test
    @Order(5)
    void aModelOverTheSizeLimitIsRefusedBeforeItsWeightsAreDownloaded() throws Exception {
        String version = "20270303T000000Z-large";
        ModelRegistry registry = FaultyRegistryTestResource.registry();
        String serving = registry.current().orElseThrow().pointer().version();
        registry.publish(TinyModels.copyAs(RegistryTestResource.DEFAULT_MODEL, dir.resolve("large"), version));
        Rule weights = FaultyRegistryTestResource.proxy().inject(
                request -> request.keyEndsWith("/" + version + "/" + ModelArtifact.WEIGHTS),
                new FaultyS3Proxy.Delay(Duration.ZERO));
        try {
            registry.promote(version);
            awaitLastCheckOf(version, "failed");
            given().when().get("/model").then().statusCode(200)
                    .body("version", equalTo(serving))
                    .body("lastCheck.error", containsString("ModelTooLargeException: " + REGISTRY + "/" + version))
                    .body("lastCheck.error", containsString("over the 1,048,576 this function may load"));
            assertAnsweredBy(serving);
            assertEquals(0, weights.caught(), "the weights were never fetched");
        } finally {
            FaultyRegistryTestResource.proxy().lift(weights);
        }
        registry.rollback();
        awaitServed(serving);
    }

    /**
     * S3 closing the connections of a check's download with no answer, then answering again: the
     * next check loads the version. A 100-swap scripts/chaos run once saw such swaps stuck for good;
     * that was its proxy out of heap (FaultyS3ProxyIT), not the function's S3 client, whose
     * connections kept alive through the fault are dropped and replaced without help.
     */
    @Test
    @Order(6)
    void aSwapCompletesWithinAFewReloadIntervalsOnceS3AnswersAgainAfterAnsweringNothing() throws Exception {
        assertSwapCompletesSoonAfter(new FaultyS3Proxy.Empty(), "20270304T000000Z-after-empty");
    }

    /** The same with S3 frozen during the download: the held requests go on once it thaws. */
    @Test
    @Order(7)
    void aSwapCompletesWithinAFewReloadIntervalsOnceAFrozenS3Thaws() throws Exception {
        assertSwapCompletesSoonAfter(new FaultyS3Proxy.Hang(), "20270304T000001Z-after-hang");
    }

    /**
     * Promotes a new {@code version} with {@code fault} on every request for its files, keeps the
     * fault on for 2 s (as scripts/chaos does) once a check met it, lifts it, and asserts the
     * version serves within five reload intervals (1 s each).
     */
    private void assertSwapCompletesSoonAfter(FaultyS3Proxy.Fault fault, String version) throws Exception {
        ModelRegistry registry = FaultyRegistryTestResource.registry();
        String serving = registry.current().orElseThrow().pointer().version();
        registry.publish(TinyModels.copyAs(FaultyRegistryTestResource.firstModel(), dir.resolve(version), version));
        FaultyS3Proxy proxy = FaultyRegistryTestResource.proxy();
        Rule rule = proxy.inject(request -> request.path().contains("/" + version + "/"), fault);
        try {
            registry.promote(version);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (rule.caught() == 0 && System.nanoTime() < deadline) {
                assertAnsweredBy(serving); // requests start the checks
                Thread.sleep(100);
            }
            assertTrue(rule.caught() > 0, "a check met the fault");
            for (long until = System.nanoTime() + Duration.ofSeconds(2).toNanos(); System.nanoTime() < until; ) {
                assertAnsweredBy(serving);
                Thread.sleep(100);
            }
        } finally {
            proxy.lift(rule);
        }
        long lifted = System.nanoTime();
        awaitServed(version);
        double seconds = (System.nanoTime() - lifted) / 1e9;
        System.out.printf("%s: %d requests for the new version's files met the fault; served %.1f s after it"
                + " was lifted%n", fault, rule.caught(), seconds);
        assertTrue(seconds < 5, "served " + seconds + " s after the fault was lifted");
    }

    private static void assertAnsweredBy(String version) {
        given().contentType(ContentType.JSON).body("{\"text\": \"still here\"}").when().post("/predict")
                .then().statusCode(200).body("model.version", equalTo(version));
    }

    /** Times {@code count} predictions one after another, each answered by {@code version}; in ms. */
    private List<Double> timeRequests(int count, String version) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/predict")).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"a charming film\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            millis.add((System.nanoTime() - start) / 1e6);
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(version, JSON.readTree(answer.body()).at("/model/version").asText());
        }
        return millis;
    }

    private static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private void awaitLastCheck(String result) throws InterruptedException {
        awaitLastCheckOf(null, result);
    }

    /** Waits until the last check is {@code result} about {@code version} (any, if null). */
    private void awaitLastCheckOf(String version, String result) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String seen = null;
        while (System.nanoTime() < deadline) {
            var check = given().when().get("/model").then().statusCode(200).extract().jsonPath();
            seen = check.getString("lastCheck.result") + " " + check.getString("lastCheck.version");
            if (result.equals(check.getString("lastCheck.result"))
                    && (version == null || version.equals(check.getString("lastCheck.version")))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the last check never became " + result + " of " + version + "; it is " + seen);
    }

    private void awaitServed(String version) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String served = null;
        while (System.nanoTime() < deadline && !version.equals(served)) {
            served = given().contentType(ContentType.JSON).body("{\"text\": \"a wonderful film\"}")
                    .when().post("/predict").then().statusCode(200).extract().path("model.version");
            Thread.sleep(100);
        }
        assertEquals(version, served);
    }
}
