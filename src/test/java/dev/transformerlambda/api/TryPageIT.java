package dev.transformerlambda.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.report.BrowserSession;
import dev.transformerlambda.serving.RegistryTestResource;
import dev.transformerlambda.training.TinyModels;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page to try the model ({@code GET /}) in a real headless Chromium, against the function
 * through the real handler path (Quarkus' mock HTTP event server in API Gateway's place), and the
 * served version's training report ({@code GET /model/report}) across a live swap. The limits are
 * set low here, so an over-long text is short to type and the OpenAPI document must say so.
 */
@QuarkusTest
@WithTestResource(RegistryTestResource.class)
@WithTestResource(HttpApiEmulator.class)
@WithTestResource(TryPageIT.LowLimits.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TryPageIT {

    static final int MAX_TEXT_CHARS = 200;
    static final int MAX_TEXTS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ANSWER = Duration.ofSeconds(30);

    /** Limits unlike the defaults, so an answer or document that states them shows it read them. */
    public static class LowLimits implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("classifier.limits.max-text-chars", Integer.toString(MAX_TEXT_CHARS),
                    "classifier.limits.max-texts", Integer.toString(MAX_TEXTS));
        }

        @Override
        public void stop() {}
    }

    @ConfigProperty(name = "quarkus.lambda.mock-event-server.test-port", defaultValue = "8081")
    int port;

    @TempDir
    static Path dir;

    @Test
    @Order(1)
    void thePageIsOneSelfContainedDocumentWhosePolicyAllowsOnlyItsOwnInlineCodeByHash() {
        Response page = given().when().get("/");
        page.then().statusCode(200).contentType("text/html")
                .header("X-Content-Type-Options", "nosniff");
        String policy = page.header("Content-Security-Policy");
        assertTrue(policy.startsWith("default-src 'none'"), policy);
        assertTrue(policy.contains("script-src 'sha256-") && policy.contains("style-src 'sha256-"), policy);
        assertTrue(policy.contains("connect-src 'self'"), policy);
        assertFalse(policy.contains("unsafe"), policy);
        String html = page.asString();
        assertFalse(html.contains("src="), "no script, image or frame fetched from anywhere");
        assertFalse(html.contains("http:") || html.contains("https:") || html.contains("href=\"//")
                || html.contains("url(") || html.contains("@import"), "no URL of another origin");
        assertFalse(html.contains("innerHTML") || html.contains("insertAdjacentHTML") || html.contains("document.write"),
                "nothing the API says is inserted as markup");
    }

    @Test
    @Order(2)
    void aTypedSentenceShowsItsLabelAScoreBarPerClassSummingToOneAndTheVersionThatAnswered() throws Exception {
        String sentence = "a gorgeous , witty , seductive movie .";
        JsonNode expected = JSON.readTree(given().contentType(ContentType.JSON)
                .body(JSON.writeValueAsString(Map.of("text", sentence))).when().post("/predict").asString());
        String served = given().when().get("/model").then().extract().path("version");
        try (BrowserSession browser = BrowserSession.open()) {
            openPage(browser);
            assertTrue(browser.evaluate("document.getElementById('model').textContent").asText().contains(served));

            browser.type("text", sentence);
            browser.click("classify");
            browser.await("document.getElementById('form').dataset.answers === '1'", ANSWER);

            JsonNode shown = browser.evaluate("({label: document.getElementById('label').textContent,"
                    + " version: document.getElementById('answered').dataset.version,"
                    + " answered: document.getElementById('answered').textContent,"
                    + " report: document.getElementById('report').textContent,"
                    + " error: !document.getElementById('error').hidden,"
                    + " bars: [...document.querySelectorAll('#scores li')].map(li => ({label: li.dataset.label,"
                    + "   score: Number(li.dataset.score), width: li.querySelector('.fill').getBoundingClientRect().width,"
                    + "   full: li.querySelector('.bar').getBoundingClientRect().width}))})");
            JsonNode prediction = expected.at("/predictions/0");
            assertFalse(shown.get("error").asBoolean(), shown.toString());
            assertEquals(prediction.get("label").asText(), shown.get("label").asText());
            assertEquals(served, shown.get("version").asText());
            assertTrue(shown.get("answered").asText().contains(served + " in "), shown.toString());
            assertTrue(shown.get("report").asText().contains(served), shown.toString());
            List<String> labels = given().when().get("/model").then().extract().path("labels");
            assertEquals(labels.size(), shown.get("bars").size(), "a bar per class");
            double sum = 0;
            for (JsonNode bar : shown.get("bars")) {
                double score = bar.get("score").asDouble();
                sum += score;
                assertEquals(prediction.at("/scores/" + bar.get("label").asText()).asDouble(), score, 1e-6);
                assertEquals(score, bar.get("width").asDouble() / bar.get("full").asDouble(), 0.01,
                        "the bar's length is its score: " + bar);
            }
            assertEquals(1.0, sum, 1e-5, "the scores sum to 1: " + shown);

            browser.screenshot(Path.of("target/screenshots/try-page.png"));
            assertNothingElseHappened(browser, List.of());
        }
    }

    @Test
    @Order(3)
    void anOverLongTextShowsThe413MessageAsTheApiWordsIt() throws Exception {
        String tooLong = "a fine film . ".repeat(MAX_TEXT_CHARS / 10).substring(0, MAX_TEXT_CHARS + 1);
        Response refused = given().contentType(ContentType.JSON).body(JSON.writeValueAsString(Map.of("text", tooLong)))
                .when().post("/predict");
        refused.then().statusCode(413).body("message", containsString("the limit is " + MAX_TEXT_CHARS));
        try (BrowserSession browser = BrowserSession.open()) {
            openPage(browser);
            browser.type("text", tooLong);
            browser.click("classify");
            browser.await("document.getElementById('form').dataset.answers === '1'", ANSWER);

            JsonNode shown = browser.evaluate("({error: document.getElementById('error').textContent,"
                    + " visible: !document.getElementById('error').hidden,"
                    + " result: !document.getElementById('result').hidden})");
            assertTrue(shown.get("visible").asBoolean() && !shown.get("result").asBoolean(), shown.toString());
            assertEquals("413 too_large: " + refused.path("message"), shown.get("error").asText());
            browser.screenshot(Path.of("target/screenshots/try-page-413.png"));
            // The browser itself logs the failed request; that is the only message allowed.
            assertNothingElseHappened(browser, List.of("413"));
        }
    }

    @Test
    @Order(4)
    void aTextHoldingMarkupIsShownAsTextAndNeverRuns() throws Exception {
        String markup = "<script>window.injected = 1; alert('script')</script>"
                + "<img src=\"/injected.png\" onerror=\"window.injected = 2; alert('img')\"> a <b>bold</b> claim";
        try (BrowserSession browser = BrowserSession.open()) {
            openPage(browser);
            browser.type("text", markup);
            browser.click("classify");
            browser.await("document.getElementById('form').dataset.answers === '1'", ANSWER);

            JsonNode shown = browser.evaluate("({echo: document.getElementById('echo').textContent,"
                    + " elements: document.getElementById('echo').childElementCount,"
                    + " scripts: document.scripts.length, images: document.images.length,"
                    + " injected: typeof window.injected})");
            assertEquals(markup, shown.get("echo").asText(), "shown as typed");
            assertEquals(0, shown.get("elements").asInt(), shown.toString());
            assertEquals(1, shown.get("scripts").asInt(), "only the page's own script");
            assertEquals(0, shown.get("images").asInt(), shown.toString());
            assertEquals("undefined", shown.get("injected").asText());
            assertEquals(List.of(), browser.dialogs());
            assertTrue(browser.requests().stream().noneMatch(r -> r.url().contains("injected")), browser.requests().toString());
            assertNothingElseHappened(browser, List.of());
        }
    }

    @Test
    @Order(5)
    void theOpenApiDocumentNamesThePageAndTheReportAndStatesTheConfiguredLimits() {
        given().when().get("/openapi").then().statusCode(200)
                .body(containsString("\n  /:\n"))
                .body(containsString("\n  /model/report:\n"))
                .body(containsString("maxItems: " + MAX_TEXTS + "\n"))
                .body(containsString("maxLength: " + MAX_TEXT_CHARS + "\n"))
                .body(containsString("up to " + MAX_TEXTS + " texts"))
                .body(not(containsString("${")));
    }

    /**
     * Each version's own report, before and after a live swap; a version published without one
     * answers 404. The reports render in the browser under their own policy with no error.
     */
    @Test
    @Order(6)
    void theReportIsTheServedVersionsOwnBeforeAndAfterALiveSwap() throws Exception {
        String first = RegistryTestResource.firstVersion();
        assertReportIs(first, RegistryTestResource.DEFAULT_MODEL);
        try (BrowserSession browser = BrowserSession.open()) {
            browser.navigate("http://127.0.0.1:" + port + "/model/report");
            assertTrue(browser.evaluate("document.title").asText().contains(first));
            browser.screenshot(Path.of("target/screenshots/model-report.png"));
            assertNothingElseHappened(browser, List.of());
        }

        ModelRegistry registry = RegistryTestResource.registry();
        Path trained = TinyModels.train(dir.resolve("v2"), 21);
        String second = registry.publish(trained);
        registry.promote(second);
        awaitServed(second);
        assertReportIs(second, trained);

        String third = registry.publish(withoutReport(trained, dir.resolve("v3"), second + "-noreport"));
        registry.promote(third);
        awaitServed(third);
        given().when().get("/model/report").then().statusCode(404).contentType(ContentType.JSON)
                .body("error", equalTo("not_found"))
                .body("message", containsString(third + " has no training report"));

        registry.rollback();
        awaitServed(second);
        assertReportIs(second, trained);
    }

    /** A registry failure is not kept: the next request reads the report again. */
    @Test
    @Order(7)
    void aReportTheRegistryCannotGiveNowIsA503AndIsReadOnceItCan() throws Exception {
        ModelRegistry registry = RegistryTestResource.registry();
        Path copy = TinyModels.copyAs(dir.resolve("v2"), dir.resolve("v4"), "20270101T000000Z-report-later");
        String fourth = registry.publish(copy);
        registry.promote(fourth);
        awaitServed(fourth);

        RegistryTestResource.server().stop();
        try {
            given().when().get("/model/report").then().statusCode(503).contentType(ContentType.JSON)
                    .body("error", equalTo("report_unavailable"))
                    .body("message", containsString("cannot read the training report of " + fourth));
        } finally {
            RegistryTestResource.server().restart();
        }
        // The copy's report is the one it was published with (it still names the version copied).
        given().when().get("/model/report").then().statusCode(200).contentType("text/html")
                .body(equalTo(Files.readString(copy.resolve(ModelArtifact.REPORT), StandardCharsets.UTF_8)));
    }

    private void openPage(BrowserSession browser) throws Exception {
        browser.navigate("http://127.0.0.1:" + port + "/");
        browser.await("document.getElementById('model').textContent.startsWith('Serving ')", ANSWER);
    }

    /** No console message, script error or dialog, and no request to anywhere but the function. */
    private void assertNothingElseHappened(BrowserSession browser, List<String> allowedNetworkErrors) {
        String origin = "http://127.0.0.1:" + port + "/";
        List<BrowserSession.Message> unexpected = browser.messages().stream()
                .filter(m -> !(m.source().equals("network") && allowedNetworkErrors.stream().anyMatch(m.text()::contains)))
                .filter(m -> !m.level().equals("verbose") && !m.level().equals("debug"))
                .toList();
        assertEquals(List.of(), unexpected, "the browser reported");
        List<BrowserSession.Request> elsewhere = browser.requests().stream()
                .filter(r -> !r.url().startsWith(origin) && !r.url().startsWith("data:")).toList();
        assertEquals(List.of(), elsewhere, "requests to another origin");
        assertEquals(List.of(), browser.dialogs());
    }

    private static void assertReportIs(String version, Path artifact) throws Exception {
        Response report = given().when().get("/model/report");
        report.then().statusCode(200).contentType("text/html")
                .header("Content-Security-Policy", startsWith("default-src 'none'"))
                .header("Content-Security-Policy", containsString("sandbox"));
        assertEquals(Files.readString(artifact.resolve(ModelArtifact.REPORT), StandardCharsets.UTF_8), report.asString(),
                "the report of " + version);
        assertTrue(report.asString().contains(version));
    }

    private static void awaitServed(String version) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String served = null;
        while (System.nanoTime() < deadline) {
            served = given().when().get("/model").then().statusCode(200).extract().path("version");
            if (version.equals(served)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(version + " was never served; " + served + " is");
    }

    /** A copy of {@code source} under {@code version}, published as a version without a report would be. */
    private static Path withoutReport(Path source, Path target, String version) throws Exception {
        TinyModels.copyAs(source, target, version);
        Files.delete(target.resolve(ModelArtifact.REPORT));
        Path manifestFile = target.resolve(ModelArtifact.MANIFEST);
        ObjectNode manifest = (ObjectNode) JSON.readTree(manifestFile.toFile());
        ArrayNode files = (ArrayNode) manifest.get("files");
        for (int i = files.size() - 1; i >= 0; i--) {
            if (files.get(i).path("path").asText().equals(ModelArtifact.REPORT)) {
                files.remove(i);
            }
        }
        JSON.writeValue(manifestFile.toFile(), manifest);
        return target;
    }
}
