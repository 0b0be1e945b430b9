package dev.transformerlambda.api;

import com.amazonaws.services.lambda.runtime.Context;
import dev.transformerlambda.serving.ModelService;
import io.quarkus.vertx.http.runtime.QuarkusHttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * What every answer tells the people running the function, errors included: the
 * {@value #VERSION_HEADER} header, the Lambda request id and the served model and version on every
 * log line written while answering (through the MDC, which Quarkus' JSON log format includes), and
 * one metrics line per request (see {@link dev.transformerlambda.serving.ServingMetrics}).
 */
public class RequestTelemetry {

    /** The version that answered; {@code none} when no model is loaded yet. */
    public static final String VERSION_HEADER = "X-Model-Version";
    /** The forward pass's share, as W3C Server-Timing: browsers' tools show it, and the metrics read it. */
    static final String SERVER_TIMING = "Server-Timing";
    static final String MODEL_TIMING = "model";
    static final String REQUEST_ID = "requestId";
    static final String MODEL = "model";
    static final String MODEL_VERSION = "modelVersion";
    private static final String STARTED = RequestTelemetry.class.getName() + ".started";

    private static final Logger LOG = Logger.getLogger(RequestTelemetry.class);

    private final ModelService models;

    RequestTelemetry(ModelService models) {
        this.models = models;
    }

    @ServerRequestFilter(preMatching = true)
    public void received(ContainerRequestContext request, HttpServerRequest http) {
        request.setProperty(STARTED, System.nanoTime());
        // Set by Quarkus' Lambda HTTP adapter; absent when the API is reached another way.
        Context lambda = http.headers() instanceof QuarkusHttpHeaders headers ? headers.getContextObject(Context.class) : null;
        if (lambda != null) {
            MDC.put(REQUEST_ID, lambda.getAwsRequestId());
        }
        MDC.put(MODEL, models.modelName());
        models.servedVersion().ifPresent(version -> MDC.put(MODEL_VERSION, version));
    }

    @ServerResponseFilter
    public void answered(ContainerRequestContext request, ContainerResponseContext response) {
        String version;
        int texts = 0;
        String errorCode = null;
        if (response.getEntity() instanceof PredictResponse prediction) {
            version = prediction.model().version();
            texts = prediction.predictions().size();
        } else {
            version = models.servedVersion().orElse(null);
            if (response.getEntity() instanceof ApiError error) {
                errorCode = error.error();
            }
        }
        response.getHeaders().putSingle(VERSION_HEADER, version == null ? "none" : version);
        Object started = request.getProperty(STARTED);
        double handlerMillis = started instanceof Long nanos ? (System.nanoTime() - nanos) / 1e6 : Double.NaN;
        models.metrics().request(version, texts, modelMillis(response), handlerMillis, errorCode);
        LOG.debugf("%s %s answered %d in %.2f ms", request.getMethod(), request.getUriInfo().getPath(),
                response.getStatus(), handlerMillis);
        MDC.remove(REQUEST_ID);
        MDC.remove(MODEL);
        MDC.remove(MODEL_VERSION);
    }

    /** Server-Timing {@code model;dur=1.234}, as PredictResource writes it; NaN when absent. */
    private static double modelMillis(ContainerResponseContext response) {
        String timing = response.getHeaderString(SERVER_TIMING);
        String prefix = MODEL_TIMING + ";dur=";
        if (timing == null || !timing.startsWith(prefix)) {
            return Double.NaN;
        }
        return Double.parseDouble(timing.substring(prefix.length()));
    }
}
