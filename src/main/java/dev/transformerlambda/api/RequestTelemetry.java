package dev.transformerlambda.api;

import com.amazonaws.services.lambda.runtime.Context;
import dev.transformerlambda.serving.ModelService;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * What every answer tells the people running the function, errors included: the
 * {@value #VERSION_HEADER} header, the Lambda request id and the served model and version on every
 * log line written while answering (through the MDC, which Quarkus' JSON log format includes), and
 * one metrics line per request (see {@link dev.transformerlambda.serving.ServingMetrics}).
 */
public final class RequestTelemetry {

    /** The version that answered; {@code none} when no model is loaded yet. */
    public static final String VERSION_HEADER = "X-Model-Version";
    /** The forward pass's share, as W3C Server-Timing: browsers' tools show it. */
    static final String SERVER_TIMING = "Server-Timing";
    static final String MODEL_TIMING = "model";
    static final String REQUEST_ID = "requestId";
    static final String MODEL = "model";
    static final String MODEL_VERSION = "modelVersion";

    private static final Logger LOG = Logger.getLogger(RequestTelemetry.class);

    private final ModelService models;

    RequestTelemetry(ModelService models) {
        this.models = models;
    }

    void received(Context lambda) {
        if (lambda != null && lambda.getAwsRequestId() != null) {
            MDC.put(REQUEST_ID, lambda.getAwsRequestId());
        }
        MDC.put(MODEL, models.modelName());
        models.servedVersion().ifPresent(version -> MDC.put(MODEL_VERSION, version));
    }

    /**
     * @param version the version that answered (null: none loaded)
     * @param startedNanos {@link System#nanoTime()} when the event arrived
     */
    void answered(String method, String path, ApiAnswer answer, String version, long startedNanos) {
        double handlerMillis = (System.nanoTime() - startedNanos) / 1e6;
        int texts = answer.body() instanceof PredictResponse prediction ? prediction.predictions().size() : 0;
        String errorCode = answer.body() instanceof ApiError error ? error.error() : null;
        models.metrics().request(version, texts, answer.modelMillis(), handlerMillis, errorCode);
        LOG.debugf("%s %s answered %d in %.2f ms", method, path, answer.status(), handlerMillis);
        MDC.remove(REQUEST_ID);
        MDC.remove(MODEL);
        MDC.remove(MODEL_VERSION);
    }
}
