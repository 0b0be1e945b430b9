package dev.transformerlambda.serving;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.transformerlambda.api.HttpApiEmulator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A cold start while S3 is unreachable: not ready, 503 with a reason, then serving once S3 is back. */
@QuarkusTest
@WithTestResource(UnreachableRegistryTestResource.class)
@WithTestResource(HttpApiEmulator.class)
class ColdStartIT {

    @Test
    void answers503UntilS3IsBackThenServes() throws Exception {
        given().when().get("/health/ready").then().statusCode(503);
        given().contentType(ContentType.JSON).body("{\"text\": \"hello\"}").when().post("/predict")
                .then().statusCode(503)
                .body("error", equalTo("model_unavailable"))
                .body("message", containsString("no model is loaded yet from " + RegistryTestResource.REGISTRY));

        RegistryTestResource.server().restart();

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline && status != 200) {
            status = given().contentType(ContentType.JSON).body("{\"text\": \"hello\"}").when().post("/predict")
                    .then().extract().statusCode();
            Thread.sleep(200);
        }
        given().contentType(ContentType.JSON).body("{\"text\": \"hello\"}").when().post("/predict")
                .then().statusCode(200).body("model.version", equalTo(RegistryTestResource.firstVersion()));
        given().when().get("/health/ready").then().statusCode(200);
    }
}
