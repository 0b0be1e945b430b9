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

    public static void main(String[] args) throws Exception {
        MockHttpEventServer server = new MockHttpEventServer();
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
