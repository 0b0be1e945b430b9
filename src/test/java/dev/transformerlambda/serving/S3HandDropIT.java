package dev.transformerlambda.serving;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.aws.AwsCli;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import dev.transformerlambda.registry.CurrentPointer;
import dev.transformerlambda.registry.RegistryUri;
import dev.transformerlambda.training.TinyModels;
import dev.transformerlambda.api.HttpApiEmulator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * The README's hand path for publishing a model: its {@code aws s3 cp} commands, run as written
 * with the real AWS CLI against the local S3 ({@code --endpoint-url} added to each, as the README
 * says) while the function runs; the function, through the Lambda handler, serves the dropped
 * version within its reload interval.
 */
@QuarkusTest
@WithTestResource(RegistryTestResource.class)
@WithTestResource(HttpApiEmulator.class)
class S3HandDropIT {

    private static final List<String> TEXTS = List.of("a wonderful , charming film", "a dull and tedious movie");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    @Test
    void theReadmesAwsS3CpDropGoesLiveWithoutARedeploy() throws Exception {
        AwsCli.requireInstalled();
        // Where the README's commands expect the model: the output of its `train --output target/models/sst2-b`.
        Path model = dir.resolve("target/models/sst2-b");
        Files.createDirectories(model.getParent());
        TinyModels.train(model, 21);
        String version = JSON.readTree(model.resolve("manifest.json").toFile()).get("version").asText();
        // Other tests of this application may have promoted versions before this one runs.
        String before = currentPointer().version();
        given().when().get("/model").then().statusCode(200).body("version", equalTo(before));

        String script = readmeHandDrop()
                .replace("s3://my-bucket/models/sst2", RegistryTestResource.REGISTRY.toString())
                .replace("aws s3 ", "aws --endpoint-url " + RegistryTestResource.server().endpoint() + " s3 ");
        assertEquals(4, script.split("aws --endpoint-url ", -1).length - 1, "the README's four aws commands: " + script);
        runBash(script);

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String served = null;
        while (System.nanoTime() < deadline && !version.equals(served)) {
            Thread.sleep(200);
            served = given().when().get("/model").then().statusCode(200).extract().path("version");
        }
        assertEquals(version, served, "the dropped version went live within 30 s (reload interval 1 s)");
        Response answer = given().contentType(ContentType.JSON).body(JSON.writeValueAsString(Map.of("texts", TEXTS)))
                .when().post("/predict");
        answer.then().statusCode(200).body("model.version", equalTo(version));
        try (TextClassifier classifier = ModelArtifact.load(model)) {
            List<Prediction> expected = classifier.predict(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertEquals(expected.get(i).label(), answer.path("predictions[" + i + "].label"));
                assertEquals(expected.get(i).score(), answer.<Float>path("predictions[" + i + "].score"), 1e-5f);
            }
        }
        CurrentPointer pointer = currentPointer();
        assertEquals(new CurrentPointer(version, before, pointer.updated()), pointer,
                "current.json names the version served before as the previous one, for a rollback");
    }

    private static CurrentPointer currentPointer() throws Exception {
        return JSON.readValue(RegistryTestResource.s3().getObjectAsBytes(GetObjectRequest.builder()
                .bucket(RegistryTestResource.REGISTRY.bucket())
                .key(RegistryTestResource.REGISTRY.modelKey() + "/" + RegistryUri.POINTER).build()).asByteArray(),
                CurrentPointer.class);
    }

    /** The shell block under "A model can also be dropped in by hand" in the README. */
    private static String readmeHandDrop() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("A model can also be dropped in by hand");
        assertTrue(section >= 0, "the README no longer describes the hand drop");
        int start = readme.indexOf("```bash\n", section) + "```bash\n".length();
        return readme.substring(start, readme.indexOf("\n```", start) + 1);
    }

    private static void runBash(String script) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
                .directory(dir.toFile()).redirectErrorStream(true);
        AwsCli.configure(builder.environment());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), "the README's commands did not finish: " + output);
        assertEquals(0, process.exitValue(), "the README's commands failed:\n" + script + "\n" + output);
    }
}
