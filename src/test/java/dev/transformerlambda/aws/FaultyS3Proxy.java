package dev.transformerlambda.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A loopback HTTP proxy in front of the local S3 that misbehaves on request, for tests: while a
 * rule matches a request, the proxy holds it unanswered (a frozen S3), answers an S3 error of its
 * own (403, 404, 500, 503 SlowDown), closes the connection with no answer, cuts the body short, or
 * answers late; every other request goes through to the real server unchanged.
 *
 * <p>A small proxy of its own rather than WireMock: it needs to forward S3's signed requests and
 * conditional writes byte for byte and to match on S3's own terms (a listing, a key), and the JDK's
 * HTTP server and client do that in one class, with no Jetty beside Quarkus on the test classpath.
 * A held request is released, and passed on, when its rule is lifted: a frozen S3 that thaws.
 */
public final class FaultyS3Proxy implements AutoCloseable {

    /** Headers the JDK's client sets itself and refuses from the caller. */
    private static final Set<String> RESTRICTED =
            Set.of("connection", "content-length", "expect", "host", "upgrade", "transfer-encoding", "date");

    /** What a rule matches on: the request as S3 reads it. */
    public record Request(String method, String path, String query) {

        /** A ListObjectsV2 request. */
        public boolean isListing() {
            return query != null && query.contains("list-type=2");
        }

        /** A request for the object whose key ends with {@code suffix}. */
        public boolean keyEndsWith(String suffix) {
            return !isListing() && path.endsWith(suffix);
        }
    }

    /** How a matched request is answered. */
    public sealed interface Fault {}

    /** Held unanswered until the rule is lifted, then passed on. */
    public record Hang() implements Fault {}

    /** Answered {@code status} with S3's error document for {@code code}. */
    public record Status(int status, String code) implements Fault {}

    /** The connection closed with no answer at all. */
    public record Empty() implements Fault {}

    /** The real answer's headers, then half its body, then the connection closed. */
    public record Truncated() implements Fault {}

    /** The real answer, {@code delay} late. */
    public record Delay(Duration delay) implements Fault {}

    /** Passed on to the real server, which acts on it; then the connection closed with no answer. */
    public record LostAnswer() implements Fault {}

    /** A rule in force: the requests it matches, what they get, and how many it caught. */
    public static final class Rule {
        private final Predicate<Request> matches;
        private final Fault fault;
        private final int times;
        private final CountDownLatch lifted = new CountDownLatch(1);
        private final AtomicInteger caught = new AtomicInteger();

        private Rule(Predicate<Request> matches, Fault fault, int times) {
            this.matches = matches;
            this.fault = fault;
            this.times = times;
        }

        /** Takes {@code request} if it matches and the rule has catches left. */
        private boolean take(Request request) {
            if (!matches.test(request)) {
                return false;
            }
            for (int n = caught.get(); n < times; n = caught.get()) {
                if (caught.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
            return false;
        }

        /** Requests this rule caught so far. */
        public int caught() {
            return caught.get();
        }
    }

    private final URI upstream;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "faulty-s3");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient client;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    private FaultyS3Proxy(URI upstream, int port) throws IOException {
        this.upstream = upstream;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(threads)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", this::handle);
        // No bucket name starts with an underscore, so this path never shadows S3's.
        server.createContext(CONTROL, this::control);
        // One thread per request: a held request must not hold up the others.
        server.setExecutor(threads);
        server.start();
    }

    /** A proxy in front of {@code upstream}, passing everything on until told otherwise. */
    public static FaultyS3Proxy start(URI upstream) throws IOException {
        return new FaultyS3Proxy(upstream, 0);
    }

    /** Where a script switches faults: {@code POST /_faults?kind=...} for every request, {@code DELETE} lifts them. */
    public static final String CONTROL = "/_faults";

    /**
     * Runs the proxy on its own, for {@code scripts/chaos}: {@code FaultyS3Proxy UPSTREAM PORT}. A
     * fault for every request is switched on with {@code POST /_faults?kind=KIND}, KIND one of
     * {@code hang}, {@code status&code=503&error=SlowDown}, {@code empty}, {@code truncated},
     * {@code delay&ms=2000}, {@code lost}; {@code DELETE /_faults} lifts every fault.
     */
    public static void main(String[] args) throws Exception {
        FaultyS3Proxy proxy = new FaultyS3Proxy(URI.create(args[0]), Integer.parseInt(args[1]));
        System.out.println("FaultyS3Proxy on " + proxy.endpoint() + " in front of " + args[0]);
        Thread.currentThread().join();
    }

    /** Parses a control request's fault. */
    static Fault parse(String query) {
        Map<String, String> params = new HashMap<>();
        for (String pair : (query == null ? "" : query).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        String kind = params.getOrDefault("kind", "");
        return switch (kind) {
            case "hang" -> new Hang();
            case "status" -> new Status(Integer.parseInt(params.getOrDefault("code", "500")),
                    params.getOrDefault("error", "InternalError"));
            case "empty" -> new Empty();
            case "truncated" -> new Truncated();
            case "delay" -> new Delay(Duration.ofMillis(Long.parseLong(params.getOrDefault("ms", "1000"))));
            case "lost" -> new LostAnswer();
            default -> throw new IllegalArgumentException("unknown fault kind '" + kind + "'");
        };
    }

    private void control(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status = 204;
            String message = null;
            try {
                switch (exchange.getRequestMethod()) {
                    case "POST" -> inject(request -> true, parse(exchange.getRequestURI().getRawQuery()));
                    case "DELETE" -> liftAll();
                    default -> {
                        status = 405;
                        message = "POST or DELETE";
                    }
                }
            } catch (IllegalArgumentException e) {
                status = 400;
                message = e.getMessage();
            }
            if (message == null) {
                exchange.sendResponseHeaders(status, -1);
            } else {
                byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A client of the proxy; the caller closes it. */
    public S3Client client() {
        return AwsClients.s3(Optional.of(endpoint()), true, Optional.empty());
    }

    /** From now on, requests {@code matches} accepts get {@code fault}; the first matching rule wins. */
    public Rule inject(Predicate<Request> matches, Fault fault) {
        return inject(matches, fault, Integer.MAX_VALUE);
    }

    /** As {@link #inject(Predicate, Fault)}, for the first {@code times} matching requests only. */
    public Rule inject(Predicate<Request> matches, Fault fault, int times) {
        Rule rule = new Rule(matches, fault, times);
        rules.add(rule);
        return rule;
    }

    /** Every request held until {@link #lift}: S3 frozen. */
    public Rule freeze() {
        return inject(request -> true, new Hang());
    }

    /** Ends {@code rule}; requests it holds go on to the real server. */
    public void lift(Rule rule) {
        rules.remove(rule);
        rule.lifted.countDown();
    }

    /** Ends every rule. */
    public void liftAll() {
        for (Rule rule : List.copyOf(rules)) {
            lift(rule);
        }
    }

    @Override
    public void close() {
        liftAll();
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            Request request = new Request(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery());
            byte[] body = exchange.getRequestBody().readAllBytes();
            Rule rule = rules.stream().filter(r -> r.take(request)).findFirst().orElse(null);
            Fault fault = rule == null ? null : rule.fault;
            if (fault == null) {
                forward(exchange, body, false);
            } else if (fault instanceof Hang) {
                rule.lifted.await();
                forward(exchange, body, false);
            } else if (fault instanceof Status status) {
                reply(exchange, status.status(), status.code());
            } else if (fault instanceof Truncated) {
                forward(exchange, body, true);
            } else if (fault instanceof Delay delay) {
                TimeUnit.NANOSECONDS.sleep(delay.delay().toNanos());
                forward(exchange, body, false);
            } else if (fault instanceof LostAnswer) {
                send(exchange, body);
                throw new Dropped("the answer is lost on purpose");
            } else {
                throw new Dropped("no answer, on purpose");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // An IOException goes on to the server, which then closes and forgets the connection: a
        // fault's Dropped, or a client that gave up on a held or slow answer (nothing to tell it).
    }

    private void forward(HttpExchange exchange, byte[] body, boolean truncate)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> answer = send(exchange, body);
        String method = exchange.getRequestMethod();
        answer.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.startsWith(":") && !lower.equals("transfer-encoding") && !lower.equals("connection")
                    && !lower.equals("content-length")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        byte[] bytes = answer.body();
        int status = answer.statusCode();
        if (method.equals("HEAD") || status == 304 || status == 204) {
            // No body may follow; S3's Content-Length still says how large the object is.
            answer.headers().firstValue("Content-Length")
                    .ifPresent(length -> exchange.getResponseHeaders().set("Content-Length", length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        OutputStream out = exchange.getResponseBody();
        int end = truncate ? bytes.length / 2 : bytes.length;
        // In chunks: the JDK's server grows a connection's write buffer to twice the largest single
        // write and keeps it for the connection's life, so one write of a 5 MB body held 10 MB per
        // kept-alive connection.
        for (int from = 0; from < end; from += CHUNK) {
            out.write(bytes, from, Math.min(CHUNK, end - from));
        }
        if (truncate) {
            out.flush();
            throw new Dropped("the answer is cut short on purpose");
        }
        out.close();
    }

    private static final int CHUNK = 64 * 1024;

    /**
     * Thrown out of the handler on purpose to drop the connection: after half a body (the client
     * reads fewer bytes than announced; closing the exchange alone would leave it waiting for
     * them), or before any answer. The JDK's server closes and forgets a connection only when its
     * handler throws: one closed by {@code exchange.close()} with no answer, or whose answer failed
     * to go out, stays in the server's sets for good, with its write buffer, and under {@code
     * scripts/chaos}'s "no answer" fault the proxy ran out of its 128 MB heap that way.
     */
    private static final class Dropped extends IOException {
        Dropped(String why) {
            super(why);
        }
    }

    /** Sends the request on to the real server; its answer. */
    private HttpResponse<byte[]> send(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        String method = exchange.getRequestMethod();
        HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery())))
                .method(method, body.length == 0 && !method.equals("PUT") && !method.equals("POST")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
            }
        });
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void reply(HttpExchange exchange, int status, String code) throws IOException {
        byte[] bytes = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>"
                + code + " (injected by FaultyS3Proxy)</Message><RequestId>faulty</RequestId></Error>")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
