package dev.transformerlambda.serving;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.api.HttpApiEmulator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A cold start while S3 is unreachable: not ready, 503 with a reason, then ready and serving once S3 is back. */
@QuarkusTest
@WithTestResource(UnreachableRegistryTestResource.class)
@WithTestResource(HttpApiEmulator.class)
class ColdStartIT {

    /**
     * Readiness probes are the only traffic once S3 is back: each may start the reload check, so
     * the instance turns ready on its own, with no prediction to trigger the load.
     */
    @Test
    void answers503UntilS3IsBackThenTurnsReadyOnReadinessProbesAloneAndServes() throws Exception {
        given().when().get("/health/ready").then().statusCode(503);
        given().contentType(ContentType.JSON).body("{\"text\": \"hello\"}").when().post("/predict")
                .then().statusCode(503)
                .body("error", equalTo("model_unavailable"))
                .body("message", containsString("no model is loaded yet from " + RegistryTestResource.REGISTRY));

        RegistryTestResource.server().restart();
        long back = System.nanoTime();

        long deadline = back + Duration.ofSeconds(60).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline && status != 200) {
            Thread.sleep(200);
            status = given().when().get("/health/ready").then().extract().statusCode();
        }
        double seconds = (System.nanoTime() - back) / 1e9;
        assertEquals(200, status, "ready once S3 is back");
        // With nothing loaded the check is due every second; loading takes a moment on top.
        assertTrue(seconds < 1 + 10, "ready " + seconds + " s after S3 came back");
        given().when().get("/model").then().statusCode(200)
                .body("version", equalTo(RegistryTestResource.firstVersion()));
        given().contentType(ContentType.JSON).body("{\"text\": \"hello\"}").when().post("/predict")
                .then().statusCode(200).body("model.version", equalTo(RegistryTestResource.firstVersion()));
    }
}
