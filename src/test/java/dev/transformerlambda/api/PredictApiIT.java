package dev.transformerlambda.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import dev.transformerlambda.serving.RegistryTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The HTTP API through the real Lambda handler: RestAssured's requests reach Quarkus' mock event
 * server, which turns them into API Gateway v2 events for the function.
 */
@QuarkusTest
@WithTestResource(RegistryTestResource.class)
@WithTestResource(HttpApiEmulator.class)
class PredictApiIT {

    private static final List<String> TEXTS = List.of(
            "a gorgeous , witty , seductive movie .",
            "a dull , lifeless and painfully boring mess .",
            "the plot is thin but the acting is wonderful .");

    @Test
    void predictsOneText() {
        given().contentType(ContentType.JSON).body("{\"text\": \"a gorgeous , witty , seductive movie .\"}")
                .when().post("/predict")
                .then().statusCode(200)
                .body("model.name", equalTo("sst2"))
                .body("model.version", equalTo(RegistryTestResource.firstVersion()))
                .body("predictions", hasSize(1))
                .body("predictions[0].label", equalTo("positive"))
                .body("predictions[0].scores.negative", notNullValue());
    }

    @Test
    void predictsManyTextsInOrderExactlyAsTheCommandLineDoes() throws Exception {
        Response response = given().contentType(ContentType.JSON)
                .body(new ObjectMapper().writeValueAsString(java.util.Map.of("texts", TEXTS)))
                .when().post("/predict");

        response.then().statusCode(200).body("predictions", hasSize(3));
        try (TextClassifier classifier = ModelArtifact.load(RegistryTestResource.DEFAULT_MODEL)) {
            List<Prediction> expected = classifier.predict(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertEquals(expected.get(i).label(), response.path("predictions[" + i + "].label"));
                assertEquals(expected.get(i).score(), response.<Float>path("predictions[" + i + "].score"), 1e-6f);
            }
        }
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "{\"text\": |400|malformed_json",
        "{\"text\": \"a\"} xyz|400|malformed_json",
        "{\"text\": \"a\"} {\"text\": \"b\"}|400|malformed_json",
        "[\"a list\"]|400|invalid_request",
        "{}|400|invalid_request",
        "{\"text\": \"a\", \"texts\": [\"b\"]}|400|invalid_request",
        "{\"text\": 42}|400|invalid_request",
        "{\"text\": \"   \"}|400|invalid_request",
        "{\"texts\": \"not a list\"}|400|invalid_request",
        "{\"texts\": []}|400|invalid_request",
        "{\"texts\": [\"ok\", null]}|400|invalid_request",
    })
    void badInputGetsA400WithACodeAndAMessage(String body, int status, String code) {
        given().contentType(ContentType.JSON).body(body)
                .when().post("/predict")
                .then().statusCode(status)
                .contentType(ContentType.JSON)
                .body("error", equalTo(code))
                .body("message", notNullValue());
    }

    @Test
    void anEmptyBodyIsA400() {
        given().contentType(ContentType.JSON).when().post("/predict")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
    }

    @Test
    void requestsOverTheLimitsGetA413() {
        String tooManyTexts = "{\"texts\": [" + String.join(",", java.util.Collections.nCopies(65, "\"ok\"")) + "]}";
        given().body(tooManyTexts).when().post("/predict")
                .then().statusCode(413).body("error", equalTo("too_large"))
                .body("message", containsString("the limit is 64"));

        String longText = "{\"text\": \"" + "a".repeat(2001) + "\"}";
        given().body(longText).when().post("/predict")
                .then().statusCode(413).body("message", containsString("2001 characters; the limit is 2000"));

        String hugeBody = "{\"text\": \"ok\", \"padding\": \"" + "x".repeat(300_000) + "\"}";
        given().body(hugeBody).when().post("/predict")
                .then().statusCode(413).body("message", containsString("bytes; the limit is 262144"));
    }

    @Test
    void unknownPathsAndMethodsAnswerJsonErrors() {
        given().when().get("/nope").then().statusCode(404).contentType(ContentType.JSON).body("error", equalTo("not_found"));
        Response get = given().when().get("/predict");
        get.then().statusCode(405).contentType(ContentType.JSON).body("error", equalTo("method_not_allowed"));
        assertEquals(Set.of("POST", "OPTIONS"), allowed(get));
        Response post = given().contentType(ContentType.JSON).body("{}").when().post("/model");
        post.then().statusCode(405);
        assertEquals(Set.of("GET", "HEAD", "OPTIONS"), allowed(post));
    }

    @Test
    void headAnswersAsGetWithoutABodyAndOptionsNamesTheMethodsOfEveryRoute() {
        String version = RegistryTestResource.firstVersion();
        given().when().head("/model").then().statusCode(200).contentType(ContentType.JSON)
                .header(RequestTelemetry.VERSION_HEADER, version)
                .body(equalTo(""));
        given().when().head("/").then().statusCode(200).contentType("text/html").body(equalTo(""));
        HttpApiHandler.ROUTES.forEach((path, method) -> {
            Response options = given().when().options(path);
            options.then().statusCode(204);
            assertEquals(method.equals("GET") ? Set.of("GET", "HEAD", "OPTIONS") : Set.of(method, "OPTIONS"),
                    allowed(options), path);
        });
        Response head = given().when().head("/predict");
        head.then().statusCode(405);
        assertEquals(Set.of("POST", "OPTIONS"), allowed(head));
        given().when().options("/nope").then().statusCode(404);
    }

    /** The methods an Allow header names; the mock event server splits one header into several. */
    private static Set<String> allowed(Response response) {
        return response.headers().getValues("Allow").stream()
                .flatMap(value -> java.util.Arrays.stream(value.split(",")))
                .map(String::trim).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void aTrailingSlashNamesTheSameResource() {
        given().contentType(ContentType.JSON).body("{\"text\": \"fine\"}").when().post("/predict/")
                .then().statusCode(200).body("predictions", hasSize(1));
    }

    @Test
    void aBodyApiGatewaySentInBase64IsDecodedAndAnEventFromElsewhereIsRefused() throws Exception {
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode event = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.readTree(Files.readString(Path.of("events/predict-one.json")));
        String body = event.get("body").asText();
        event.put("body", java.util.Base64.getEncoder().encodeToString(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        event.put("isBase64Encoded", true);
        JsonNode answer = invoke(json, json.writeValueAsString(event));
        assertEquals(200, answer.get("statusCode").asInt());
        assertEquals("positive", json.readTree(answer.get("body").asText()).at("/predictions/0/label").asText());

        JsonNode notAnApiEvent = invoke(json, "{\"text\": \"a direct invocation, not through API Gateway\"}");
        assertEquals(400, notAnApiEvent.get("statusCode").asInt());
        assertEquals("invalid_request", json.readTree(notAnApiEvent.get("body").asText()).get("error").asText());

        event.put("body", "not base64 at all!");
        JsonNode refused = invoke(json, json.writeValueAsString(event));
        assertEquals(400, refused.get("statusCode").asInt());
        assertEquals("invalid_request", json.readTree(refused.get("body").asText()).get("error").asText());
    }

    @Test
    void everyAnswerNamesTheServedVersionInAHeaderErrorsIncluded() {
        String version = RegistryTestResource.firstVersion();
        given().contentType(ContentType.JSON).body("{\"text\": \"fine\"}").when().post("/predict")
                .then().statusCode(200).header(RequestTelemetry.VERSION_HEADER, version)
                .header("Server-Timing", org.hamcrest.Matchers.startsWith("model;dur="));
        given().contentType(ContentType.JSON).body("{\"text\": 42}").when().post("/predict")
                .then().statusCode(400).header(RequestTelemetry.VERSION_HEADER, version);
        given().body("{\"texts\": [" + String.join(",", java.util.Collections.nCopies(65, "\"ok\"")) + "]}")
                .when().post("/predict").then().statusCode(413).header(RequestTelemetry.VERSION_HEADER, version);
        given().when().get("/nope").then().statusCode(404).header(RequestTelemetry.VERSION_HEADER, version);
        given().when().get("/predict").then().statusCode(405).header(RequestTelemetry.VERSION_HEADER, version);
        given().when().get("/model").then().statusCode(200).header(RequestTelemetry.VERSION_HEADER, version);
    }

    @Test
    void modelInfoShowsTheManifestSummaryAndTheLastCheck() {
        given().when().get("/model")
                .then().statusCode(200)
                .body("name", equalTo("sst2"))
                .body("version", equalTo(RegistryTestResource.firstVersion()))
                .body("labels", equalTo(List.of("negative", "positive")))
                .body("metrics.accuracy", notNullValue())
                .body("metrics.confusionMatrix", hasSize(2))
                .body("loadedAt", notNullValue())
                .body("source", equalTo(RegistryTestResource.REGISTRY + "/" + RegistryTestResource.firstVersion()))
                .body("lastCheck.result", notNullValue());
    }

    @Test
    void isReadyWithAModelAndServesItsOpenApiDocument() {
        given().when().get("/health/ready").then().statusCode(200).contentType(ContentType.JSON)
                .body("status", equalTo("UP")).body("checks[0].name", equalTo("model"));
        given().when().get("/openapi").then().statusCode(200).contentType("application/yaml")
                .body(containsString("/predict"));
    }

    @Test
    void theSampleEventsAnswerThroughTheLambdaRuntimeApiPath() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode one = invokeEventFile(json, "events/predict-one.json");
        assertEquals(200, one.get("statusCode").asInt());
        assertEquals("positive", json.readTree(one.get("body").asText()).at("/predictions/0/label").asText());

        JsonNode many = invokeEventFile(json, "events/predict-many.json");
        assertEquals(3, json.readTree(many.get("body").asText()).get("predictions").size());

        JsonNode bad = invokeEventFile(json, "events/bad-request.json");
        assertEquals(400, bad.get("statusCode").asInt());
        assertEquals("invalid_request", json.readTree(bad.get("body").asText()).get("error").asText());

        JsonNode model = invokeEventFile(json, "events/model-info.json");
        assertEquals(200, model.get("statusCode").asInt());
        assertFalse(json.readTree(model.get("body").asText()).get("version").asText().isEmpty());
    }

    private static JsonNode invokeEventFile(ObjectMapper json, String eventFile) throws Exception {
        return invoke(json, Files.readString(Path.of(eventFile)));
    }

    /** Posts a raw HTTP API event; the answer is the handler's own response object. */
    private static JsonNode invoke(ObjectMapper json, String event) throws Exception {
        String response = given().contentType(ContentType.JSON).body(event)
                .when().post("/_lambda_")
                .then().statusCode(200).extract().asString();
        return json.readTree(response);
    }
}
