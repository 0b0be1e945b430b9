package dev.transformerlambda.serving;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.cli.Main;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.training.TinyModels;
import dev.transformerlambda.api.HttpApiEmulator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * New versions go live without a redeploy, through the Lambda handler, while a client keeps
 * sending requests; broken versions and S3 outages leave the serving model in place. The steps
 * build on each other, so they run in order against one function.
 */
@QuarkusTest
@WithTestResource(RegistryTestResource.class)
@WithTestResource(HttpApiEmulator.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveSwapIT {

    private static final List<String> TEXTS = List.of("a wonderful , charming film", "a dull and tedious movie");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    @ConfigProperty(name = "quarkus.lambda.mock-event-server.test-port", defaultValue = "8081")
    int port;

    private static String secondVersion;

    @ConfigProperty(name = "classifier.cache-dir")
    Path cacheDir;

    /** The default model is a pre-LN encoder; v2, a fine-tuned BERT, swaps in across families. */
    @Test
    @Order(1)
    void aPromotedVersionGoesLiveWithinTheIntervalWithoutAFailedOrMixedAnswer() throws Exception {
        Path v2 = TinyModels.fineTuned(dir.resolve("v2"), 11);
        Map<String, List<Prediction>> expected = new HashMap<>();
        expected.put(RegistryTestResource.firstVersion(), predictLocally(RegistryTestResource.DEFAULT_MODEL));
        ModelRegistry registry = RegistryTestResource.registry();
        secondVersion = registry.publish(v2);
        expected.put(secondVersion, predictLocally(v2));

        List<Answer> answers = new ArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread client = new Thread(() -> sendContinuously(running, answers));
        client.start();
        while (answerCount(answers) < 5) {
            Thread.sleep(20);
        }
        long promotedAt = System.nanoTime();
        registry.promote(secondVersion);
        long deadline = promotedAt + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && !lastVersionIs(answers, secondVersion)) {
            Thread.sleep(50);
        }
        Thread.sleep(500);
        running.set(false);
        client.join();

        List<Answer> snapshot;
        synchronized (answers) {
            snapshot = List.copyOf(answers);
        }
        assertTrue(snapshot.size() > 10, "the client kept sending: " + snapshot.size());
        for (Answer answer : snapshot) {
            assertEquals(200, answer.status(), "no failed request: " + answer);
        }
        int firstV2 = indexOfFirst(snapshot, secondVersion);
        assertTrue(firstV2 > 0, "v1 answered first, then v2");
        for (int i = 0; i < snapshot.size(); i++) {
            Answer answer = snapshot.get(i);
            assertEquals(i < firstV2 ? RegistryTestResource.firstVersion() : secondVersion, answer.version(),
                    "answers switch once and never go back");
            List<Prediction> fromVersion = expected.get(answer.version());
            for (int t = 0; t < TEXTS.size(); t++) {
                assertEquals(fromVersion.get(t).label(), answer.labels().get(t), "each answer comes from one model");
                assertEquals(fromVersion.get(t).score(), answer.scores().get(t), 1e-5f);
            }
        }
        double switchSeconds = (snapshot.get(firstV2).sentAtNanos() - promotedAt) / 1e9;
        // The interval is 1 s; loading a version takes a moment on top.
        assertTrue(switchSeconds < 1 + 10, "switched " + switchSeconds + " s after the promote");
        System.out.printf("swap: first answer from %s %.2f s after promote, %d answers, 0 failed%n",
                secondVersion, switchSeconds, snapshot.size());
        given().when().get("/model").then().statusCode(200)
                .body("architecture", equalTo("bert-encoder-classifier"))
                .body("lineage.pretrained.name", equalTo(dir.resolve("v2-checkpoint").toString()));
        try (var cached = Files.list(cacheDir.resolve(registry.uri().name()))) {
            assertEquals(List.of(secondVersion), cached.map(p -> p.getFileName().toString()).toList(),
                    "the download cache keeps only the version served");
        }
    }

    @Test
    @Order(2)
    void aVersionWhoseWeightsDoNotMatchItsManifestIsRefusedAndTheOldKeepsServing() throws Exception {
        Path v3 = TinyModels.train(dir.resolve("v3"), 12);
        ModelRegistry registry = RegistryTestResource.registry();
        String third = registry.publish(v3);
        byte[] weights = Files.readAllBytes(v3.resolve(ModelArtifact.WEIGHTS));
        weights[weights.length / 3] ^= 0x01;
        RegistryTestResource.s3().putObject(PutObjectRequest.builder().bucket(registry.uri().bucket())
                .key(registry.uri().modelKey() + "/" + third + "/" + ModelArtifact.WEIGHTS).build(),
                RequestBody.fromBytes(weights));
        registry.promote(third);

        awaitLastCheck("failed");
        String refusedAt = given().when().get("/model").then().extract().path("lastCheck.at");
        Thread.sleep(2500); // more than two reload intervals
        assertEquals(refusedAt, given().when().get("/model").then().extract().path("lastCheck.at"),
                "a refused version is not fetched again until current.json moves");

        given().when().get("/model").then().statusCode(200)
                .body("version", equalTo(secondVersion))
                .body("lastCheck.version", equalTo(third))
                .body("lastCheck.error", containsString(RegistryTestResource.REGISTRY + "/" + third
                        + ": weights.params does not match the manifest"))
                .body("lastCheck.error", not(containsString(cacheDir.toString())));
        given().contentType(ContentType.JSON).body("{\"text\": \"still here\"}").when().post("/predict")
                .then().statusCode(200).body("model.version", equalTo(secondVersion));
        registry.rollback();
    }

    @Test
    @Order(3)
    void whileS3IsUnreachableTheLoadedModelKeepsServing() throws Exception {
        awaitLastCheck("unchanged");
        RegistryTestResource.server().stop();
        try {
            awaitLastCheck("failed");
            given().contentType(ContentType.JSON).body("{\"text\": \"s3 is down\"}").when().post("/predict")
                    .then().statusCode(200).body("model.version", equalTo(secondVersion));
            given().when().get("/health/ready").then().statusCode(200);
        } finally {
            RegistryTestResource.server().restart();
        }
        awaitLastCheck("unchanged");
    }

    /**
     * S3 frozen rather than down: connections are accepted and never answered. The request that
     * triggers the check is answered at once by the loaded model while the check waits beside it,
     * and the check gives up after its timeout (5 s by default), where without one it took 121 s.
     */
    @Test
    @Order(4)
    void whileS3AcceptsConnectionsButNeverAnswersTheRequestThatChecksIsAnsweredAtOnce() throws Exception {
        awaitLastCheck("unchanged");
        RegistryTestResource.server().stop();
        try (BlackHole frozen = new BlackHole(RegistryTestResource.server().endpoint().getPort())) {
            Thread.sleep(1500); // past the reload interval: the next request checks
            HttpClient http = HttpClient.newBuilder().build();
            long start = System.nanoTime();
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/predict")).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"s3 is frozen\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            double seconds = (System.nanoTime() - start) / 1e9;

            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(secondVersion, JSON.readTree(answer.body()).at("/model/version").asText());
            assertTrue(seconds < 1, "answered after " + seconds + " s");
            awaitLastCheck("failed");
            assertTrue(frozen.accepted() > 0, "the check did reach the frozen server");
            given().when().get("/model").then().statusCode(200)
                    .body("version", equalTo(secondVersion))
                    .body("lastCheck.result", equalTo("failed"))
                    .body("lastCheck.error", containsString("timeout"));
            System.out.printf("frozen S3: the request that checked was answered in %.2f s%n", seconds);
        } finally {
            RegistryTestResource.server().restart();
        }
        awaitLastCheck("unchanged");
    }

    /**
     * A version that cannot be loaded in the function's memory: DJL reserves a tensor's bytes
     * before reading them, and 2 GB is over the direct memory (1 GB in tests, the 128 MB heap's
     * worth in Lambda). The OutOfMemoryError must not reach the client as a bare 500.
     */
    @Test
    @Order(5)
    void anErrorWhileLoadingAVersionLeavesTheOldModelServing() throws Exception {
        String tooBig = "20270101T000000Z-toobig";
        Path artifact = TinyModels.declareHugeTensor(
                TinyModels.copyAs(RegistryTestResource.DEFAULT_MODEL, dir.resolve("too-big"), tooBig));
        ModelRegistry registry = RegistryTestResource.registry();
        registry.publish(artifact);
        registry.promote(tooBig);

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String checked = null;
        while (System.nanoTime() < deadline && !tooBig.equals(checked)) {
            given().contentType(ContentType.JSON).body("{\"text\": \"still here\"}").when().post("/predict")
                    .then().statusCode(200).contentType(ContentType.JSON).body("model.version", equalTo(secondVersion));
            checked = given().when().get("/model").then().statusCode(200).extract().path("lastCheck.version");
            Thread.sleep(200);
        }

        given().when().get("/model").then().statusCode(200)
                .body("version", equalTo(secondVersion))
                .body("lastCheck.version", equalTo(tooBig))
                .body("lastCheck.result", equalTo("failed"))
                .body("lastCheck.error", containsString("OutOfMemoryError"));
        given().when().get("/health/ready").then().statusCode(200);
        registry.rollback();
        awaitLastCheck("unchanged");
    }

    @Test
    @Order(6)
    void aModelTrainedFromS3DataIntoTheRegistryIsServedWithNoStepByHand() throws Exception {
        for (String name : List.of("sentiment-train.tsv", "sentiment-dev.tsv")) {
            RegistryTestResource.s3().putObject(PutObjectRequest.builder().bucket("models").key("data/" + name).build(),
                    RequestBody.fromFile(Path.of(LiveSwapIT.class.getResource("/fixtures/" + name).toURI())));
        }
        StringWriter out = new StringWriter();
        CommandLine train = Main.commandLine();
        train.setOut(new PrintWriter(out, true));
        train.setErr(new PrintWriter(out, true));

        int exit = train.execute("train", "--name", "sst2", "--data", "s3://models/data/sentiment-train.tsv",
                "--eval-data", "s3://models/data/sentiment-dev.tsv", "--publish", RegistryTestResource.REGISTRY.toString(),
                "--promote-if-better", "--promotion-margin", "1", "--s3-endpoint",
                RegistryTestResource.server().endpoint().toString(), "--layers", "1", "--width", "32", "--heads", "2",
                "--ffn-size", "64", "--max-length", "32", "--vocabulary-size", "300", "--epochs", "3",
                "--batch-size", "16", "--learning-rate", "0.003", "--seed", "99");

        assertEquals(0, exit, out.toString());
        String trained = RegistryTestResource.registry().current().orElseThrow().pointer().version();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String served = null;
        while (System.nanoTime() < deadline && !trained.equals(served)) {
            served = given().contentType(ContentType.JSON).body("{\"text\": \"a wonderful film\"}")
                    .when().post("/predict").then().statusCode(200).extract().path("model.version");
            Thread.sleep(100);
        }
        assertEquals(trained, served);
    }

    private void awaitLastCheck(String result) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String seen = null;
        while (System.nanoTime() < deadline) {
            seen = given().when().get("/model").then().statusCode(200).extract().path("lastCheck.result");
            if (result.equals(seen)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the last check never became " + result + "; it is " + seen);
    }

    /** A server on 127.0.0.1 that accepts connections and holds them without ever answering: a frozen S3. */
    private static final class BlackHole implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> held = new ArrayList<>();
        private final Thread acceptor;

        BlackHole(int port) throws IOException {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket socket = server.accept();
                        synchronized (held) {
                            held.add(socket);
                        }
                    }
                } catch (IOException closed) {
                    // close() ends the loop
                }
            });
            acceptor.start();
        }

        int accepted() {
            synchronized (held) {
                return held.size();
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            acceptor.join();
            synchronized (held) {
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }

    private static List<Prediction> predictLocally(Path artifact) throws Exception {
        try (TextClassifier classifier = ModelArtifact.load(artifact)) {
            return classifier.predict(TEXTS);
        }
    }

    /** One answer the client got. */
    private record Answer(long sentAtNanos, int status, String version, List<String> labels, List<Float> scores) {}

    private void sendContinuously(AtomicBoolean running, List<Answer> answers) {
        HttpClient http = HttpClient.newHttpClient();
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("texts", TEXTS));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        while (running.get()) {
            long sent = System.nanoTime();
            Answer answer;
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/predict"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(), HttpResponse.BodyHandlers.ofString());
                JsonNode json = JSON.readTree(response.body());
                List<String> labels = new ArrayList<>();
                List<Float> scores = new ArrayList<>();
                json.path("predictions").forEach(p -> {
                    labels.add(p.path("label").asText());
                    scores.add((float) p.path("score").asDouble());
                });
                answer = new Answer(sent, response.statusCode(), json.at("/model/version").asText(), labels, scores);
            } catch (Exception e) {
                answer = new Answer(sent, -1, e.toString(), List.of(), List.of());
            }
            synchronized (answers) {
                answers.add(answer);
            }
        }
    }

    private static int answerCount(List<Answer> answers) {
        synchronized (answers) {
            return answers.size();
        }
    }

    private static boolean lastVersionIs(List<Answer> answers, String version) {
        synchronized (answers) {
            return !answers.isEmpty() && version.equals(answers.get(answers.size() - 1).version());
        }
    }

    private static int indexOfFirst(List<Answer> answers, String version) {
        for (int i = 0; i < answers.size(); i++) {
            if (version.equals(answers.get(i).version())) {
                return i;
            }
        }
        return -1;
    }
}
