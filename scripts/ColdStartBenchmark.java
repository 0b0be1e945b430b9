import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cold start of the packaged function as Lambda runs it: a fresh JVM running Lambda's Runtime
 * Interface Client over Quarkus' function.zip (unpacked as in /var/task), AWS_LAMBDA_RUNTIME_API
 * pointing at a Runtime API emulator on loopback that hands out one event, an empty model cache,
 * the model in the local S3. Prints per run and as medians: process start to the first /next poll
 * (the init phase, model included), to the first answer, and the model's share of init.
 *
 *   java scripts/ColdStartBenchmark.java RUNS EVENT_FILE S3_ENDPOINT REGISTRY_URI
 *
 * scripts/benchmark-cold-start prepares all of that and runs this.
 */
public class ColdStartBenchmark {

    private static final String HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        String event = Files.readString(Path.of(args[1]));
        Path function = Path.of("target/function").toAbsolutePath();
        String classpath = Path.of("target/lambda-runtime").toAbsolutePath() + "/*:" + function + ":" + function + "/lib/*";
        List<double[]> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            double[] r = once(classpath, function, event, args[2], args[3], run);
            results.add(r);
            System.out.printf("run %d: init %.0f ms, first answer %.0f ms, of which the model %.0f ms%n", run, r[0], r[1], r[2]);
        }
        System.out.printf("median of %d runs: init %.0f ms, first answer %.0f ms, model (download, verify, load,"
                + " warm-up) %.0f ms%n", runs, median(results, 0), median(results, 1), median(results, 2));
    }

    private static double[] once(String classpath, Path function, String event, String endpoint, String registry,
            int run) throws Exception {
        CompletableFuture<Long> firstPoll = new CompletableFuture<>();
        CompletableFuture<String> answer = new CompletableFuture<>();
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext("/2018-06-01/runtime/", exchange -> handle(exchange, event, firstPoll, answer));
        api.setExecutor(Executors.newCachedThreadPool());
        api.start();
        Path cache = Files.createTempDirectory("cold-start-cache-");
        Path log = Files.createTempFile("cold-start-" + run + "-", ".log");
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", classpath, "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", HANDLER)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        // What Lambda sets for a function; the Runtime Interface Client relies on them.
        env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + api.getAddress().getPort());
        env.put("_HANDLER", HANDLER);
        env.put("LAMBDA_TASK_ROOT", function.toString());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "classifier");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "2048");
        env.put("AWS_REGION", "us-east-1");
        env.put("CLASSIFIER_MODEL_URI", registry);
        env.put("CLASSIFIER_S3_ENDPOINT_OVERRIDE", endpoint);
        env.put("CLASSIFIER_S3_PATH_STYLE", "true");
        env.put("CLASSIFIER_CACHE_DIR", cache.toString());
        long start = System.nanoTime();
        Process process = builder.start();
        try {
            long polled = firstPoll.get(120, TimeUnit.SECONDS);
            answer.get(120, TimeUnit.SECONDS);
            long answered = System.nanoTime();
            Matcher loaded = Pattern.compile("loaded \\S+ \\S+ from \\S+ in (\\d+) ms").matcher(Files.readString(log));
            return new double[] {(polled - start) / 1e6, (answered - start) / 1e6,
                    loaded.find() ? Double.parseDouble(loaded.group(1)) : Double.NaN};
        } catch (Exception e) {
            throw new IllegalStateException("run " + run + " failed; its log: " + Files.readString(log), e);
        } finally {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
            api.stop(0);
            Files.deleteIfExists(log);
        }
    }

    private static void handle(HttpExchange exchange, String event, CompletableFuture<Long> firstPoll,
            CompletableFuture<String> answer) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (path.endsWith("/invocation/next")) {
            if (!firstPoll.complete(System.nanoTime())) {
                return; // one event per run; later polls wait, as between Lambda invocations
            }
            var headers = exchange.getResponseHeaders();
            headers.add("Lambda-Runtime-Aws-Request-Id", "cold-start");
            headers.add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 30_000));
            headers.add("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:classifier");
            headers.add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
            // The client's native code crashes (SIGSEGV) on an event without these, empty or not.
            headers.add("Lambda-Runtime-Client-Context", "");
            headers.add("Lambda-Runtime-Cognito-Identity", "");
            headers.add("Content-Type", "application/json");
            reply(exchange, 200, event);
        } else if (path.endsWith("/response")) {
            answer.complete(body);
            reply(exchange, 202, "{}");
        } else if (path.endsWith("/error")) {
            answer.completeExceptionally(new IllegalStateException("the function reported an error: " + body));
            reply(exchange, 202, "{}");
        } else {
            reply(exchange, 404, "{}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static double median(List<double[]> results, int column) {
        double[] values = results.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }
}
