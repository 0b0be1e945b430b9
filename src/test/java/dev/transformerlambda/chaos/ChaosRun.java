package dev.transformerlambda.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.aws.AwsClients;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.registry.RegistryUri;
import dev.transformerlambda.training.TinyModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Drives {@code scripts/chaos}: against a running function whose S3 goes through a {@code
 * FaultyS3Proxy}, two clients send predictions while versions of both encoder families are promoted
 * in turn, each fault kind switched on during a swap and off after it. Prints, per fault kind and
 * in all, the requests, failures, latency percentiles, swaps completed and versions served that were
 * never promoted, then {@code N passed, N failed}; exits 1 if any check failed.
 *
 * <p>Arguments: FUNCTION_URL S3_ENDPOINT PROXY_URL REGISTRY SWAPS FAULT_SECONDS WORK_DIR.
 */
public final class ChaosRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KINDS = List.of("kind=hang", "kind=status&code=500&error=InternalError",
            "kind=status&code=503&error=SlowDown", "kind=empty", "kind=truncated", "kind=delay&ms=3000");
    private static final Duration SWAP_TIMEOUT = Duration.ofSeconds(90);

    /** One answer a client got. */
    private record Answer(double millis, int status, String version) {}

    private final URI function;
    private final URI proxy;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> promoted = Collections.synchronizedSet(new LinkedHashSet<>());
    private volatile String lastSeen;

    private ChaosRun(URI function, URI proxy) {
        this.function = function;
        this.proxy = proxy;
    }

    public static void main(String[] args) throws Exception {
        URI function = URI.create(args[0]);
        URI s3Endpoint = URI.create(args[1]);
        URI proxy = URI.create(args[2]);
        RegistryUri registryUri = RegistryUri.parse(args[3]);
        int swaps = Integer.parseInt(args[4]);
        Duration faultFor = Duration.ofSeconds(Long.parseLong(args[5]));
        Path work = Path.of(args[6]);
        System.exit(new ChaosRun(function, proxy).run(s3Endpoint, registryUri, swaps, faultFor, work) ? 0 : 1);
    }

    private boolean run(URI s3Endpoint, RegistryUri registryUri, int swaps, Duration faultFor, Path work)
            throws Exception {
        try (S3Client s3 = AwsClients.s3(Optional.of(s3Endpoint), true, Optional.empty())) {
            ModelRegistry registry = new ModelRegistry(s3, registryUri);
            registry.current().ifPresent(p -> promoted.add(p.pointer().version()));
            System.out.println("==> versions of both families: the default pre-LN model and a small fine-tuned BERT");
            String preLn = registry.publish(TinyModels.copyAs(Path.of("src/main/models/sst2"),
                    Files.createTempDirectory(work, "pre-ln").resolve("m"), "20990101T000000Z-chaos-preln"));
            Path bertModel = TinyModels.fineTuned(Files.createTempDirectory(work, "bert").resolve("m"), 7);
            String bert = registry.publish(bertModel);
            System.out.printf("    %s (pre-LN), %s (%s)%n", preLn, bert,
                    ModelArtifact.readManifest(bertModel).architecture());

            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                Thread client = new Thread(() -> send(running), "client-" + c);
                client.start();
                clients.add(client);
            }
            int passed = 0;
            int failed = 0;
            List<Answer> all = new ArrayList<>();
            int completedAll = 0;
            int swap = 0;
            for (int k = 0; k < KINDS.size(); k++) {
                String kind = KINDS.get(k);
                int perKind = swaps / KINDS.size() + (k < swaps % KINDS.size() ? 1 : 0);
                int from = answers.size();
                int completed = 0;
                for (int i = 0; i < perKind; i++, swap++) {
                    String next = swap % 2 == 0 ? bert : preLn;
                    promoted.add(next);
                    registry.promote(next);
                    control("POST", kind);
                    Thread.sleep(faultFor.toMillis());
                    control("DELETE", null);
                    if (awaitServed(next)) {
                        completed++;
                    } else {
                        System.out.printf("    swap %d to %s did not complete within %s of the fault clearing%n",
                                swap + 1, next, SWAP_TIMEOUT);
                    }
                }
                List<Answer> during;
                synchronized (answers) {
                    during = new ArrayList<>(answers.subList(from, answers.size()));
                }
                all.addAll(during);
                completedAll += completed;
                boolean ok = report(kind, during, completed, perKind);
                passed += ok ? 1 : 0;
                failed += ok ? 0 : 1;
            }
            running.set(false);
            for (Thread client : clients) {
                client.join();
            }
            boolean ok = report("all faults", all, completedAll, swap);
            passed += ok ? 1 : 0;
            failed += ok ? 0 : 1;
            System.out.printf("%d passed, %d failed%n", passed, failed);
            return failed == 0;
        } finally {
            control("DELETE", null);
        }
    }

    /** Prints one line of figures and whether the targets held. */
    private boolean report(String what, List<Answer> during, int completed, int swaps) {
        List<Double> millis = new ArrayList<>(during.stream().map(Answer::millis).toList());
        Collections.sort(millis);
        long failedRequests = during.stream().filter(a -> a.status() != 200).count();
        long neverPromoted = during.stream().filter(a -> a.status() == 200 && !promoted.contains(a.version())).count();
        double max = millis.isEmpty() ? 0 : millis.get(millis.size() - 1);
        boolean ok = failedRequests == 0 && neverPromoted == 0 && max < 1000 && completed == swaps && !millis.isEmpty();
        System.out.printf("%-6s %-45s requests %6d  failed %d  p50 %6.1f ms  p99 %6.1f ms  max %7.1f ms  swaps %d/%d"
                        + "  never promoted %d%n", ok ? "PASS" : "FAIL", what, during.size(), failedRequests,
                percentile(millis, 0.5), percentile(millis, 0.99), max, completed, swaps, neverPromoted);
        return ok;
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private boolean awaitServed(String version) throws InterruptedException {
        long deadline = System.nanoTime() + SWAP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (version.equals(lastSeen)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private void send(AtomicBoolean running) {
        HttpRequest request = HttpRequest.newBuilder(function.resolve("/predict")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"a gorgeous , witty , seductive movie .\"}"))
                .build();
        while (running.get()) {
            long start = System.nanoTime();
            Answer answer;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                JsonNode body = JSON.readTree(response.body());
                answer = new Answer((System.nanoTime() - start) / 1e6, response.statusCode(),
                        body.at("/model/version").asText(null));
                if (response.statusCode() == 200) {
                    lastSeen = answer.version();
                }
            } catch (Exception e) {
                answer = new Answer((System.nanoTime() - start) / 1e6, -1, e.toString());
            }
            answers.add(answer);
        }
    }

    private void control(String method, String query) {
        try {
            URI uri = proxy.resolve("/_faults" + (query == null ? "" : "?" + query));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 204) {
                throw new IllegalStateException(method + " " + uri + ": " + response.statusCode() + " " + response.body());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
