package dev.transformerlambda.serving;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.transformerlambda.api.HttpApiEmulator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A cold instance whose current.json names a damaged version: it refuses it once, not on every
 * check (each second while nothing is loaded), and loads the next version the pointer names.
 */
@QuarkusTest
@WithTestResource(RefusedAtStartRegistryTestResource.class)
@WithTestResource(HttpApiEmulator.class)
class ColdRefusalIT {

    @ConfigProperty(name = "classifier.cache-dir")
    Path cacheDir;

    @Test
    void aVersionRefusedWithNothingLoadedIsNotDownloadedAgainUntilThePointerMoves() throws Exception {
        String broken = RefusedAtStartRegistryTestResource.BROKEN;
        given().when().get("/health/ready").then().statusCode(503);
        given().contentType(ContentType.JSON).body("{\"text\": \"hello\"}").when().post("/predict")
                .then().statusCode(503).body("error", equalTo("model_unavailable"));
        String refusedAt = given().when().get("/model").then().statusCode(200)
                .body("lastCheck.result", equalTo("failed"))
                .body("lastCheck.version", equalTo(broken))
                .body("lastCheck.error", startsWith("InvalidArtifactException: " + RegistryTestResource.REGISTRY
                        + "/" + broken + ": weights.params does not match the manifest"))
                .body("lastCheck.error", not(containsString(cacheDir.toString())))
                .extract().path("lastCheck.at");

        for (int i = 0; i < 3; i++) { // three checks' worth of requests, a second apart
            Thread.sleep(1100);
            given().contentType(ContentType.JSON).body("{\"text\": \"hello\"}").when().post("/predict")
                    .then().statusCode(503);
        }

        assertEquals(refusedAt, given().when().get("/model").then().extract().path("lastCheck.at"),
                "the refused version was not downloaded and checked again");
        RegistryTestResource.registry().rollback();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline && status != 200) {
            Thread.sleep(200);
            status = given().contentType(ContentType.JSON).body("{\"text\": \"hello\"}").when().post("/predict")
                    .then().extract().statusCode();
        }
        given().contentType(ContentType.JSON).body("{\"text\": \"hello\"}").when().post("/predict")
                .then().statusCode(200).body("model.version", equalTo(RegistryTestResource.firstVersion()));
    }
}
