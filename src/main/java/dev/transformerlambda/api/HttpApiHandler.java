package dev.transformerlambda.api;

import ai.djl.translate.TranslateException;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.serving.ModelReports;
import dev.transformerlambda.serving.ModelService;
import dev.transformerlambda.serving.ServingConfig;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP API, as the function's Lambda handler for API Gateway HTTP API (payload 2.0) events:
 * {@code POST /predict}, {@code GET /model}, {@code GET /model/report}, {@code GET /health/ready},
 * {@code GET /openapi} and the page to try the model, {@code GET /}; HEAD wherever GET is answered
 * and OPTIONS everywhere, every other path or method a JSON error.
 *
 * <p>A plain handler on purpose, not Quarkus' HTTP adaptation (RESTEasy on a virtual Vert.x
 * channel): that layer cost 1.5-2.7 ms of every request, more than the model's forward pass for one
 * text, and most of the framework's start (see docs/performance.md). Six routes do not need a
 * router.
 */
@Singleton
public class HttpApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** Every path the API answers, with its one method. */
    public static final Map<String, String> ROUTES = Map.of(
            "/", "GET",
            "/predict", "POST",
            "/model", "GET",
            "/model/report", "GET",
            "/health/ready", "GET",
            "/openapi", "GET");

    private final ModelService models;
    private final ServingConfig config;
    private final ObjectMapper json;
    private final RequestTelemetry telemetry;
    private final ApiAnswer openApi;
    private final Pages pages;

    HttpApiHandler(ModelService models, ModelReports reports, ServingConfig config, ObjectMapper json) {
        this.models = models;
        this.config = config;
        this.json = json;
        this.telemetry = new RequestTelemetry(models);
        this.openApi = new ApiAnswer(200, OpenApiDocument.render(config.limits()), "application/yaml", Map.of(),
                Double.NaN);
        this.pages = new Pages(reports);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        long started = System.nanoTime();
        telemetry.received(context);
        String method = method(event);
        String path = path(event);
        ApiAnswer answer;
        try {
            answer = route(method, path, event);
        } catch (Throwable failure) {
            answer = ApiErrors.answer(failure);
        }
        String version = answer.body() instanceof PredictResponse prediction
                ? prediction.model().version()
                : models.servedVersion().orElse(null);
        APIGatewayV2HTTPResponse response = respond(answer, version, method.equals("HEAD"));
        telemetry.answered(method, path, answer, version, started);
        return response;
    }

    private ApiAnswer route(String method, String path, APIGatewayV2HTTPEvent event) throws TranslateException {
        if (method.isEmpty()) {
            // Invoked directly (aws lambda invoke, a test event) with something else.
            throw ApiException.badRequest("invalid_request", "the function takes API Gateway HTTP API events"
                    + " (payload format 2.0, see events/); this one has no requestContext.http.method");
        }
        String allowed = ROUTES.get(path);
        if (allowed == null) {
            throw ApiException.notFound(path);
        }
        if (method.equals("OPTIONS")) {
            return new ApiAnswer(204, null, ApiAnswer.JSON, Map.of("Allow", allow(allowed)), Double.NaN);
        }
        if (!allowed.equals(method) && !(method.equals("HEAD") && allowed.equals("GET"))) {
            return ApiAnswer.error(405, "method_not_allowed", path + " answers " + allow(allowed) + ", not " + method)
                    .withHeader("Allow", allow(allowed));
        }
        return switch (path) {
            case "/" -> pages.tryPage();
            case "/predict" -> predict(body(event));
            case "/model" -> ApiAnswer.json(200, models.status());
            case "/health/ready" -> {
                boolean ready = models.ready();
                yield ApiAnswer.json(ready ? 200 : 503, Readiness.of(ready));
            }
            case "/model/report" -> pages.report();
            case "/openapi" -> openApi;
            default -> throw new IllegalStateException("a route without an answer: " + path);
        };
    }

    private ApiAnswer predict(String body) throws TranslateException {
        PredictRequest request = PredictRequest.parse(body, config.limits(), json);
        ModelService.Result result = models.predict(request.texts());
        PredictResponse prediction = new PredictResponse(
                new PredictResponse.ModelRef(result.manifest().name(), result.manifest().version()),
                result.predictions());
        return new ApiAnswer(200, prediction, ApiAnswer.JSON, Map.of(), result.modelNanos() / 1e6);
    }

    /** A GET route answers HEAD too (its headers without the body), and every route OPTIONS. */
    private static String allow(String method) {
        return method.equals("GET") ? "GET, HEAD, OPTIONS" : method + ", OPTIONS";
    }

    private APIGatewayV2HTTPResponse respond(ApiAnswer answer, String version, boolean headersOnly) {
        String body;
        try {
            body = answer.body() == null || headersOnly ? ""
                    : answer.body() instanceof String text ? text : json.writeValueAsString(answer.body());
        } catch (JsonProcessingException | RuntimeException e) {
            return respond(ApiErrors.answer(e), version, headersOnly);
        }
        Map<String, String> headers = new HashMap<>(answer.headers());
        if (answer.body() != null) {
            headers.put("Content-Type", answer.contentType());
        }
        headers.put(RequestTelemetry.VERSION_HEADER, version == null ? "none" : version);
        if (!Double.isNaN(answer.modelMillis())) {
            headers.put(RequestTelemetry.SERVER_TIMING, String.format(Locale.ROOT, "%s;dur=%.3f",
                    RequestTelemetry.MODEL_TIMING, answer.modelMillis()));
        }
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(answer.status())
                .withHeaders(headers)
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }

    private static String method(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPEvent.RequestContext context = event == null ? null : event.getRequestContext();
        String method = context == null || context.getHttp() == null ? null : context.getHttp().getMethod();
        return method == null ? "" : method.toUpperCase(Locale.ROOT);
    }

    /** The request's path; one trailing slash does not make it another resource. */
    private static String path(APIGatewayV2HTTPEvent event) {
        if (event == null) {
            return "/";
        }
        String path = event.getRawPath();
        if (path == null && event.getRequestContext() != null && event.getRequestContext().getHttp() != null) {
            path = event.getRequestContext().getHttp().getPath();
        }
        if (path == null || path.isEmpty()) {
            return "/";
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** API Gateway sends a body it takes for binary in base64. */
    private static String body(APIGatewayV2HTTPEvent event) {
        String body = event.getBody();
        if (body == null || !event.getIsBase64Encoded()) {
            return body;
        }
        try {
            return new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_request", "the body is marked base64 but is not: " + e.getMessage());
        }
    }
}
