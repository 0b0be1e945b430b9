package dev.transformerlambda.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link FaultyS3Proxy} in a JVM of its own, as {@code scripts/chaos} runs it, with faults
 * switched over HTTP: what leaks in the proxy shows as it would there, in a heap of its own size.
 */
public final class FaultyS3ProxyProcess implements AutoCloseable {

    private final Process process;
    private final URI endpoint;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private FaultyS3ProxyProcess(Process process, URI endpoint, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.log = log;
    }

    /** Starts a proxy in front of {@code upstream} with a heap of {@code maxHeap} at most, as -Xmx takes it ({@code 128m}). */
    public static FaultyS3ProxyProcess start(URI upstream, String maxHeap) throws IOException {
        int port = LocalServerProcess.freePort();
        Path log = Files.createTempFile("faulty-s3-proxy", ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(List.of(java, "-XX:TieredStopAtLevel=1", "-Xmx" + maxHeap,
                "-cp", System.getProperty("java.class.path"), FaultyS3Proxy.class.getName(), upstream.toString(),
                String.valueOf(port)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        FaultyS3ProxyProcess proxy = new FaultyS3ProxyProcess(process, URI.create("http://127.0.0.1:" + port), log);
        try {
            // The control path answers 405 to a GET once the proxy listens.
            LocalServerProcess.awaitAnswer(process, "FaultyS3Proxy", proxy.endpoint.resolve(FaultyS3Proxy.CONTROL),
                    status -> status == 405, Duration.ofSeconds(30));
        } catch (IOException e) {
            proxy.close();
            throw new IOException(e.getMessage() + "; see " + log, e);
        }
        return proxy;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Every request from now on gets {@code kind}, as {@code FaultyS3Proxy}'s main takes it ({@code empty}, ...). */
    public void inject(String kind) {
        control("POST", "?kind=" + kind);
    }

    /** Lifts every fault. */
    public void liftAll() {
        control("DELETE", "");
    }

    /**
     * The HTTP connections the proxy's server still holds, open or not, counted in a heap
     * histogram (which collects garbage first): what a leak of dropped connections shows as.
     */
    public int heldConnections() throws IOException, InterruptedException {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        Process histogram = new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String lines = new String(histogram.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        histogram.waitFor();
        // "  12:   7   448  sun.net.httpserver.HttpConnection (jdk.httpserver@17...)": instances second.
        return lines.lines().filter(line -> line.contains(" sun.net.httpserver.HttpConnection "))
                .mapToInt(line -> Integer.parseInt(line.trim().split("\\s+")[1]))
                .findFirst().orElse(0);
    }

    /** What the proxy printed so far (its errors included). */
    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void control(String method, String query) {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(endpoint.resolve(FaultyS3Proxy.CONTROL + query))
                    .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 204) {
                throw new IllegalStateException(method + " " + FaultyS3Proxy.CONTROL + query + ": "
                        + answer.statusCode() + " " + answer.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
