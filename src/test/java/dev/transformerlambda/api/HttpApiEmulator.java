package dev.transformerlambda.api;

import dev.transformerlambda.aws.LocalServerProcess;
import io.quarkus.amazon.lambda.runtime.MockHttpEventServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * API Gateway's stand-in for a Quarkus test: Quarkus' mock HTTP event server turns RestAssured's
 * HTTP requests into HTTP API (payload 2.0) events, serves them to the function as Lambda's runtime
 * API, and turns the handler's answers back into HTTP. {@code POST /_lambda_} takes a raw event.
 */
public class HttpApiEmulator implements QuarkusTestResourceLifecycleManager {

    private MockHttpEventServer server;

    @Override
    public Map<String, String> start() {
        int port;
        try {
            port = LocalServerProcess.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = new MockHttpEventServer();
        server.start(port);
        return Map.of(
                // where the function's poll loop finds the runtime API
                "quarkus-internal.aws-lambda.test-api", "localhost:" + port + MockHttpEventServer.BASE_PATH,
                // where RestAssured sends its requests
                "quarkus.lambda.mock-event-server.test-port", String.valueOf(port));
    }

    @Override
    public void stop() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
