package dev.transformerlambda.serving;

import dev.transformerlambda.metrics.EmbeddedMetrics;
import dev.transformerlambda.metrics.EmbeddedMetrics.Unit;
import java.io.PrintStream;
import java.time.Instant;

/**
 * The function's metrics, written to standard output as Embedded Metric Format lines, which Lambda
 * sends to CloudWatch Logs and CloudWatch turns into metrics in {@link #NAMESPACE}. Every metric
 * has the model's name as a dimension ({@link #MODEL}); request metrics also come per served
 * version ({@link #MODEL_VERSION}). {@code template.yaml}'s alarms and dashboard use these names,
 * which {@code TemplatesTest} checks.
 */
public final class ServingMetrics {

    public static final String NAMESPACE = "TransformerLambda";

    public static final String MODEL = "Model";
    public static final String MODEL_VERSION = "ModelVersion";
    public static final String ERROR_CODE = "ErrorCode";
    public static final String RESULT = "Result";
    public static final String CAUSE = "Cause";

    /** Answered requests, errors included; texts classified; both per request line. */
    public static final String REQUESTS = "Requests";
    public static final String TEXTS = "Texts";
    /** The forward pass with tokenization and scoring, and the whole answer as the API sees it. */
    public static final String MODEL_LATENCY = "ModelLatency";
    public static final String HANDLER_LATENCY = "HandlerLatency";
    /** Error answers, by {@link #ERROR_CODE} (the {@code error} field of the JSON answer). */
    public static final String ERRORS = "Errors";
    /** Looks at the registry, by {@link #RESULT}; failed ones also by {@link #CAUSE}. */
    public static final String RELOAD_CHECKS = "ReloadChecks";
    public static final String FAILED = "failed";
    /** Versions swapped in while another served. */
    public static final String SWAPS = "ModelSwaps";
    /** The parts of loading a version, the cold start's included; a line per load. */
    public static final String LOAD_DOWNLOAD = "ModelDownloadTime";
    public static final String LOAD_ENGINE_WAIT = "EngineWaitTime";
    public static final String LOAD = "ModelLoadTime";
    public static final String LOAD_WARM_UP = "ModelWarmUpTime";
    /** From the JVM's start to the first model ready to serve: the init phase of a cold start. */
    public static final String INIT_TO_READY = "InitToReadyTime";

    private final String model;
    private final PrintStream out;

    /** Metrics of model {@code model} (its name) written to {@code out}. */
    public ServingMetrics(String model, PrintStream out) {
        this.model = model;
        this.out = out;
    }

    /** One answered request; {@code errorCode} null for a success, {@code version} null with no model. */
    public void request(String version, int texts, double modelMillis, double handlerMillis, String errorCode) {
        EmbeddedMetrics line = EmbeddedMetrics.in(NAMESPACE)
                .dimensions(MODEL)
                .dimension(MODEL, model)
                .metric(REQUESTS, 1, Unit.COUNT)
                .metric(HANDLER_LATENCY, handlerMillis, Unit.MILLISECONDS);
        if (version != null) {
            line.dimensions(MODEL, MODEL_VERSION).dimension(MODEL_VERSION, version);
        }
        if (errorCode == null) {
            line.metric(TEXTS, texts, Unit.COUNT).metric(MODEL_LATENCY, modelMillis, Unit.MILLISECONDS);
        } else {
            line.dimensions(MODEL, ERROR_CODE).dimension(ERROR_CODE, errorCode).metric(ERRORS, 1, Unit.COUNT);
        }
        write(line);
    }

    /** A look at the registry: {@code unchanged}, {@code loaded} or {@code failed} (with its cause). */
    public void reloadCheck(String result, String cause) {
        EmbeddedMetrics line = EmbeddedMetrics.in(NAMESPACE)
                .dimensions(MODEL, RESULT)
                .dimension(MODEL, model)
                .dimension(RESULT, result)
                .metric(RELOAD_CHECKS, 1, Unit.COUNT);
        if (cause != null) {
            line.dimensions(MODEL, RESULT, CAUSE).dimension(CAUSE, cause);
        }
        write(line);
    }

    /**
     * A version loaded: how long each part took, whether it replaced another ({@link #SWAPS}), and,
     * for the first, the time since the JVM started.
     */
    public void loaded(String version, LoadTimes times, boolean swapped, double initToReadyMillis) {
        EmbeddedMetrics line = EmbeddedMetrics.in(NAMESPACE)
                .dimensions(MODEL)
                .dimension(MODEL, model)
                .metric(LOAD_DOWNLOAD, times.downloadMillis(), Unit.MILLISECONDS)
                .metric(LOAD_ENGINE_WAIT, times.engineWaitMillis(), Unit.MILLISECONDS)
                .metric(LOAD, times.loadMillis(), Unit.MILLISECONDS)
                .metric(LOAD_WARM_UP, times.warmUpMillis(), Unit.MILLISECONDS)
                .metric(SWAPS, swapped ? 1 : 0, Unit.COUNT)
                .metric(INIT_TO_READY, initToReadyMillis, Unit.MILLISECONDS)
                .property(MODEL_VERSION, version);
        write(line);
    }

    /** The parts of loading one version, in milliseconds. */
    public record LoadTimes(double downloadMillis, double engineWaitMillis, double loadMillis,
            double warmUpMillis) {}

    private void write(EmbeddedMetrics line) {
        // One println per document: PrintStream writes it whole, so lines never interleave.
        out.println(line.toJson(Instant.now()));
    }
}
