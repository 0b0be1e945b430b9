package dev.transformerlambda.serving;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Lambda's side of the Runtime API on loopback, for running the packaged function as Lambda does:
 * the function's Runtime Interface Client long-polls {@code /invocation/next} for an event and
 * posts the answer to {@code /invocation/{id}/response}. Only the JDK is used, so the image build
 * can run it too (see {@link #main}).
 */
public final class LambdaRuntimeEmulator implements AutoCloseable {

    private static final String PREFIX = "/2018-06-01/runtime/";

    /**
     * An answered invocation: its request id (what the function's log lines carry), the handler's
     * response, and Lambda's billed duration (event out to answer in).
     */
    public record Invocation(String requestId, String response, long durationNanos) {}

    private static final class Pending {
        final String id;
        final String event;
        final CompletableFuture<Invocation> answer = new CompletableFuture<>();
        volatile long handedOut;

        Pending(String id, String event) {
            this.id = id;
            this.event = event;
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "runtime-api");
        thread.setDaemon(true);
        return thread;
    });
    private final BlockingQueue<Pending> events = new LinkedBlockingQueue<>();
    private final Map<String, Pending> inFlight = new ConcurrentHashMap<>();
    private final CompletableFuture<Long> firstPoll = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong();

    static {
        // The JDK's HttpServer leaves Nagle's algorithm on, and reads this once, when its first
        // server starts. With it on, an event or an answer of a few kB (32-64 texts) waited for the
        // Runtime Interface Client's delayed ACK: a 64-text request measured 85 ms billed instead of
        // 46 ms, and runs were bimodal. Lambda's own Runtime API does not stall so; this one must not
        // either. A JVM whose first HttpServer started earlier should pass -Dsun.net.httpserver.nodelay=true.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private LambdaRuntimeEmulator() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(PREFIX, this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** Starts the emulator on a free loopback port. */
    public static LambdaRuntimeEmulator start() throws IOException {
        return new LambdaRuntimeEmulator();
    }

    /**
     * The environment Lambda gives a function process: the Runtime API address, the handler and
     * the function's identity. The Runtime Interface Client reads them.
     */
    public Map<String, String> functionEnvironment(String handler, Path taskRoot) {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + server.getAddress().getPort());
        env.put("_HANDLER", handler);
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "classifier");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "2048");
        env.put("AWS_REGION", "us-east-1");
        return env;
    }

    /** When the function first asked for an event, in {@link System#nanoTime()}: its init is over. */
    public long awaitFirstPoll(Duration timeout) throws Exception {
        return firstPoll.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Hands {@code event} to the function and waits for its answer. */
    public Invocation invoke(String event, Duration timeout) throws Exception {
        Pending pending = new Pending("request-" + ids.incrementAndGet(), event);
        events.add(pending);
        return pending.answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (path.equals("invocation/next")) {
            firstPoll.complete(System.nanoTime());
            Pending next;
            try {
                next = events.take(); // long poll, as Lambda holds it between invocations
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            inFlight.put(next.id, next);
            var headers = exchange.getResponseHeaders();
            headers.add("Lambda-Runtime-Aws-Request-Id", next.id);
            headers.add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 30_000));
            headers.add("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:classifier");
            headers.add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
            // Lambda always sends these; the client's native code crashes (SIGSEGV) without them.
            headers.add("Lambda-Runtime-Client-Context", "");
            headers.add("Lambda-Runtime-Cognito-Identity", "");
            headers.add("Content-Type", "application/json");
            next.handedOut = System.nanoTime();
            reply(exchange, 200, next.event);
        } else if (path.startsWith("invocation/") && path.endsWith("/response")) {
            long answered = System.nanoTime();
            complete(path, pending -> pending.answer.complete(new Invocation(pending.id, body, answered - pending.handedOut)));
            reply(exchange, 202, "{}");
        } else if (path.startsWith("invocation/") && path.endsWith("/error")) {
            complete(path, pending -> pending.answer.completeExceptionally(
                    new IllegalStateException("the function reported an error: " + body)));
            reply(exchange, 202, "{}");
        } else if (path.equals("init/error")) {
            firstPoll.completeExceptionally(new IllegalStateException("the function's init failed: " + body));
            reply(exchange, 202, "{}");
        } else {
            reply(exchange, 404, "{}");
        }
    }

    private void complete(String path, Consumer<Pending> action) {
        String id = path.substring("invocation/".length(), path.lastIndexOf('/'));
        Pending pending = inFlight.remove(id);
        if (pending != null) {
            action.accept(pending);
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    /**
     * Runs a function command once under the emulator: sends each event file, prints each answer,
     * then stops the function with SIGTERM, as Lambda does, and waits for it to exit. The image build
     * uses this for the training run that writes the class archive (scripts/assemble-function).
     *
     * <pre>java -cp target/test-classes dev.transformerlambda.serving.LambdaRuntimeEmulator \
     *     TASK_ROOT EVENT_FILE... -- BOOTSTRAP HANDLER</pre>
     */
    public static void main(String[] args) throws Exception {
        int separator = List.of(args).indexOf("--");
        if (separator < 2 || args.length - separator - 1 < 2) {
            System.err.println("usage: LambdaRuntimeEmulator TASK_ROOT EVENT_FILE... -- BOOTSTRAP HANDLER");
            System.exit(2);
        }
        List<String> command = List.of(args).subList(separator + 1, args.length);
        String handler = command.get(command.size() - 1);
        try (LambdaRuntimeEmulator emulator = start()) {
            ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
            builder.environment().putAll(emulator.functionEnvironment(handler, Path.of(args[0])));
            Process function = builder.start();
            try {
                List<String> answers = new ArrayList<>();
                for (String file : List.of(args).subList(1, separator)) {
                    answers.add(emulator.invoke(Files.readString(Path.of(file)), Duration.ofMinutes(2)).response());
                }
                answers.forEach(System.out::println);
            } finally {
                function.destroy();
                if (!function.waitFor(2, TimeUnit.MINUTES)) {
                    function.destroyForcibly();
                }
            }
        }
    }
}
