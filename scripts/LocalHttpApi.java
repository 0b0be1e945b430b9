import io.quarkus.amazon.lambda.runtime.MockHttpEventServer;

/**
 * The local stand-in for API Gateway in front of the function, for scripts/run-local: Quarkus'
 * Lambda mock HTTP event server (the one its dev mode runs) turns each HTTP request on PORT into an
 * API Gateway v2 event, hands it to whatever polls the Lambda runtime API under
 * http://127.0.0.1:PORT/_lambda_, and answers with the function's response.
 *
 *   java -cp "target/local-http-api/*:target/cli-lib/*" scripts/LocalHttpApi.java PORT
 */
public class LocalHttpApi {

    /** What this prints before the function's reason when it reports it cannot start; scripts/run-local shows the reason. */
    static final String INIT_ERROR = "init error: ";

    public static void main(String[] args) throws Exception {
        MockHttpEventServer server = new MockHttpEventServer() {
            @Override
            public void setupRoutes() {
                // Lambda's Runtime API takes a function's init error; the mock server has no such
                // route, so it queued the report as an HTTP request for the very function that had
                // failed, and the Runtime Interface Client waited on it forever instead of exiting.
                router.post(BASE_PATH + "/2018-06-01/runtime/init/error").handler(context ->
                        context.request().body().onSuccess(body -> {
                            String message;
                            try {
                                message = new io.vertx.core.json.JsonObject(body).getString("errorMessage", body.toString());
                            } catch (RuntimeException notJson) {
                                message = body.toString();
                            }
                            System.err.println(INIT_ERROR + message);
                            System.err.flush();
                            context.response().setStatusCode(202).end("{\"status\":\"OK\"}");
                        }));
                super.setupRoutes();
            }
        };
        server.start(Integer.parseInt(args[0]));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                // stopping anyway
            }
        }));
        Thread.currentThread().join();
    }
}
