package dev.transformerlambda.serving;

import com.amazonaws.services.lambda.runtime.Context;
import io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The function's Lambda entry point, {@code dev.transformerlambda.serving.FunctionHandler::handleRequest}:
 * Quarkus' stream handler, with libtorch loading beside Quarkus' boot (see {@link EnginePreload}).
 *
 * <p>It implements no Lambda handler interface on purpose: Quarkus takes any implementation it
 * finds for the application's handler, and the HTTP extension already provides that one.
 */
public class FunctionHandler {

    static {
        EnginePreload.start();
    }

    private final QuarkusStreamHandler quarkus = new QuarkusStreamHandler();

    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        quarkus.handleRequest(input, output, context);
    }
}
