package dev.transformerlambda.api;

import dev.transformerlambda.serving.ModelUnavailableException;
import dev.transformerlambda.serving.ReportUnavailableException;
import org.jboss.logging.Logger;

/**
 * Every failure's answer in one place, always as {@link ApiError} JSON: never a stack trace, and
 * never a 500 for bad input.
 */
public final class ApiErrors {

    /** The codes of the answers that are the function's own failures (a 5xx), for alarms. */
    public static final String INTERNAL = "internal";
    public static final String MODEL_UNAVAILABLE = "model_unavailable";
    /** A 5xx too, but no alarm's business: the model still serves while its report cannot be read. */
    static final String REPORT_UNAVAILABLE = "report_unavailable";

    private static final Logger LOG = Logger.getLogger(ApiErrors.class);

    private ApiErrors() {}

    // Throwable, not Exception: an Error (out of memory, a link error) must still answer JSON.
    static ApiAnswer answer(Throwable failure) {
        if (failure instanceof ApiException refused) {
            return ApiAnswer.error(refused.status(), refused.code(), refused.getMessage());
        }
        if (failure instanceof ModelUnavailableException unavailable) {
            return ApiAnswer.error(503, MODEL_UNAVAILABLE, unavailable.getMessage());
        }
        if (failure instanceof ReportUnavailableException unavailable) {
            LOG.warn(unavailable.getMessage(), unavailable.getCause());
            return ApiAnswer.error(503, REPORT_UNAVAILABLE, unavailable.getMessage());
        }
        LOG.error("unexpected error while answering a request", failure);
        return ApiAnswer.error(500, INTERNAL, "an internal error occurred; it has been logged");
    }
}
