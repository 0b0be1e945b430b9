import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Warm latency of the running local function through the Lambda event path: sends an API Gateway
 * v2 event file to the mock event server's /_lambda_ endpoint N times, one at a time, and prints
 * the median, 99th percentile and mean. Run with `java scripts/LatencyBenchmark.java` (no build).
 *
 *   java scripts/LatencyBenchmark.java events/predict-one.json 1000 [http://localhost:8080]
 */
public class LatencyBenchmark {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java scripts/LatencyBenchmark.java EVENT_FILE REQUESTS [FUNCTION_URL]");
            System.exit(2);
        }
        String event = Files.readString(Path.of(args[0]));
        int requests = Integer.parseInt(args[1]);
        URI target = URI.create((args.length > 2 ? args[2] : "http://localhost:8080") + "/_lambda_");
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(target).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(event)).build();
        for (int i = 0; i < Math.min(200, requests); i++) { // warm up the JIT on both sides
            http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        double[] millis = new double[requests];
        int failed = 0;
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            millis[i] = (System.nanoTime() - start) / 1e6;
            if (response.statusCode() != 200 || !response.body().contains("\"statusCode\":200")) {
                failed++;
            }
        }
        Arrays.sort(millis);
        System.out.printf("%s: %d requests through %s, %d failed%n", args[0], requests, target, failed);
        System.out.printf("median %.2f ms   p99 %.2f ms   mean %.2f ms   max %.2f ms%n",
                millis[requests / 2], millis[(int) Math.ceil(requests * 0.99) - 1],
                Arrays.stream(millis).average().orElse(0), millis[requests - 1]);
    }
}
