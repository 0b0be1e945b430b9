package dev.transformerlambda.serving;

import com.amazonaws.services.lambda.runtime.Context;
import io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The function's Lambda entry point, {@code dev.transformerlambda.serving.FunctionHandler::handleRequest}:
 * Quarkus' stream handler, with libtorch loading beside Quarkus' boot (see {@link EnginePreload}).
 * Quarkus boots, reads the event and hands it to the application's one handler, {@link
 * dev.transformerlambda.api.HttpApiHandler}.
 *
 * <p>It implements no Lambda handler interface on purpose: Quarkus takes any implementation it
 * finds for the application's handler, and that must be the API's.
 */
public class FunctionHandler {

    static {
        EnginePreload.start();
    }

    private final QuarkusStreamHandler quarkus;

    public FunctionHandler() {
        try {
            quarkus = new QuarkusStreamHandler();
        } catch (RuntimeException e) {
            // Lambda's Runtime API (and scripts/run-local) get only the message of what the
            // constructor throws, and Quarkus' is "manual initialization failed": the reason (an
            // invalid setting, say) is the deepest cause's.
            throw new IllegalStateException("the function cannot start: " + reason(e), e);
        }
    }

    private static String reason(Throwable failure) {
        Throwable deepest = failure;
        while (deepest.getCause() != null && deepest.getCause() != deepest) {
            deepest = deepest.getCause();
        }
        String message = deepest.getMessage() == null ? deepest.getClass().getName() : deepest.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }

    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        quarkus.handleRequest(input, output, context);
    }
}
