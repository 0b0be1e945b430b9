package dev.transformerlambda.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.io.FileUtils;

/**
 * A real headless Chromium driven over the DevTools protocol, for pages that do something: open a
 * page, type into it, click, read what it shows. Every console message, script error, dialog and
 * request the page makes is recorded, so a test can also say that nothing else happened. The
 * protocol is JSON over a WebSocket, spoken here with the JDK's own client: no driver to install.
 */
public final class BrowserSession implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    /** A request the page made. */
    public record Request(String method, String url) {}

    /** A console message, script error or browser log entry. */
    public record Message(String source, String level, String text) {}

    private final Process process;
    private final Path profile;
    private final Path log;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private final List<Message> messages = new ArrayList<>();
    private final List<String> dialogs = new ArrayList<>();
    private final AtomicReference<CompletableFuture<Void>> loaded = new AtomicReference<>(new CompletableFuture<>());

    private BrowserSession(Process process, Path profile, Path log, URI page) throws Exception {
        this.process = process;
        this.profile = profile;
        this.log = log;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(page, new Listener()).get(30, TimeUnit.SECONDS);
        for (String domain : List.of("Page", "Runtime", "Log", "Network")) {
            send(domain + ".enable", JSON.createObjectNode());
        }
    }

    /** Starts Chromium with an empty profile and attaches to its first tab. */
    public static BrowserSession open() throws Exception {
        Path profile = Files.createTempDirectory("chromium-profile-");
        Path log = Files.createTempFile("chromium-", ".log");
        Process process = new ProcessBuilder(HeadlessBrowser.browser(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--remote-debugging-port=0", "--window-size=1000,1100", "about:blank")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            // With port 0 Chromium picks a free port and writes it here, first line.
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.isRegularFile(portFile) || Files.readAllLines(portFile).isEmpty()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("chromium did not open its DevTools port:\n" + Files.readString(log));
                }
                Thread.sleep(100);
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
            HttpResponse<String> targets = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/json/list")).build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode target : JSON.readTree(targets.body())) {
                if (target.path("type").asText().equals("page")) {
                    return new BrowserSession(process, profile, log,
                            URI.create(target.path("webSocketDebuggerUrl").asText()));
                }
            }
            throw new AssertionError("chromium has no page to drive: " + targets.body());
        } catch (Exception | AssertionError e) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            FileUtils.deleteDirectory(profile.toFile());
            Files.deleteIfExists(log);
            throw e;
        }
    }

    /** Opens {@code url} and waits for its load event. */
    public void navigate(String url) throws Exception {
        CompletableFuture<Void> next = new CompletableFuture<>();
        loaded.set(next);
        ObjectNode params = JSON.createObjectNode().put("url", url);
        JsonNode answer = send("Page.navigate", params);
        if (answer.has("errorText")) {
            throw new AssertionError("cannot open " + url + ": " + answer.get("errorText").asText());
        }
        next.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The value of a JavaScript expression in the page (a promise is awaited), as JSON. */
    public JsonNode evaluate(String expression) throws Exception {
        JsonNode answer = send("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (answer.has("exceptionDetails")) {
            throw new AssertionError(expression + " threw: " + answer.get("exceptionDetails"));
        }
        return answer.path("result").path("value");
    }

    /** Waits until {@code expression} is true in the page. */
    public void await(String expression, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!evaluate("Boolean(" + expression + ")").asBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page never got to " + expression + "; console: " + messages());
            }
            Thread.sleep(50);
        }
    }

    /** Focuses the element with {@code id} and types {@code text} into it, as a keyboard's input would. */
    public void type(String id, String text) throws Exception {
        evaluate("document.getElementById(" + JSON.writeValueAsString(id) + ").focus()");
        send("Input.insertText", JSON.createObjectNode().put("text", text));
    }

    /** Clicks the middle of the element with {@code id} with the mouse. */
    public void click(String id) throws Exception {
        JsonNode box = evaluate("(() => { const r = document.getElementById(" + JSON.writeValueAsString(id)
                + ").getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()");
        for (String type : List.of("mouseMoved", "mousePressed", "mouseReleased")) {
            send("Input.dispatchMouseEvent", JSON.createObjectNode().put("type", type)
                    .put("x", box.get("x").asDouble()).put("y", box.get("y").asDouble())
                    .put("button", "left").put("clickCount", 1));
        }
    }

    /** A screenshot of the viewport, asserted not to be blank. */
    public Path screenshot(Path file) throws Exception {
        JsonNode answer = send("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(answer.get("data").asText()));
        HeadlessBrowser.assertNotBlank(file);
        return file;
    }

    /** Every request the page made so far, in order. */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Every console message, uncaught script error and browser log entry so far. */
    public List<Message> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** The text of every alert, confirm or prompt the page opened (each is dismissed). */
    public List<String> dialogs() {
        synchronized (dialogs) {
            return List.copyOf(dialogs);
        }
    }

    @Override
    public void close() throws Exception {
        socket.abort();
        // Chromium's renderer and helper processes outlive the browser process for a moment and
        // keep writing into the profile: every one must be gone before it can be deleted.
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle each : all) {
            if (!each.onExit().completeOnTimeout(each, 30, TimeUnit.SECONDS).join().isAlive()) {
                continue;
            }
            each.destroyForcibly();
            each.onExit().completeOnTimeout(each, 30, TimeUnit.SECONDS).join();
        }
        for (int attempt = 1; ; attempt++) {
            try {
                FileUtils.deleteDirectory(profile.toFile());
                break;
            } catch (IOException stillWritten) {
                if (attempt == 10) {
                    throw stillWritten;
                }
                Thread.sleep(200);
            }
        }
        Files.deleteIfExists(log);
    }

    private JsonNode send(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        String message = JSON.writeValueAsString(JSON.createObjectNode().put("id", id).put("method", method)
                .set("params", params));
        synchronized (socket) {
            // One frame at a time: the JDK's WebSocket refuses a send while another is under way.
            socket.sendText(message, true).get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        JsonNode reply;
        try {
            reply = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            pending.remove(id);
        }
        if (reply.has("error")) {
            throw new AssertionError(method + " failed: " + reply.get("error"));
        }
        return reply.path("result");
    }

    private void onEvent(String method, JsonNode params) {
        switch (method) {
            case "Page.loadEventFired" -> loaded.get().complete(null);
            case "Network.requestWillBeSent" -> record(requests, new Request(
                    params.at("/request/method").asText(), params.at("/request/url").asText()));
            case "Runtime.consoleAPICalled" -> {
                StringBuilder text = new StringBuilder();
                params.path("args").forEach(arg -> text.append(arg.has("value") ? arg.get("value").asText()
                        : arg.path("description").asText()).append(' '));
                record(messages, new Message("console", params.path("type").asText(), text.toString().trim()));
            }
            case "Runtime.exceptionThrown" -> record(messages, new Message("script", "error",
                    params.at("/exceptionDetails/exception/description").asText(
                            params.at("/exceptionDetails/text").asText())));
            case "Log.entryAdded" -> record(messages, new Message(params.at("/entry/source").asText(),
                    params.at("/entry/level").asText(), params.at("/entry/text").asText()
                            + " " + params.at("/entry/url").asText("")));
            case "Page.javascriptDialogOpening" -> {
                record(dialogs, params.path("message").asText());
                // Answered from another thread: this one delivers the answer to the command.
                CompletableFuture.runAsync(() -> {
                    try {
                        send("Page.handleJavaScriptDialog", JSON.createObjectNode().put("accept", false));
                    } catch (Exception ignored) {
                        // the page is gone
                    }
                });
            }
            default -> {
                // not watched
            }
        }
    }

    private static <T> void record(List<T> list, T item) {
        synchronized (list) {
            list.add(item);
        }
    }

    /** Assembles frames into messages; answers complete their command, the rest are events. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode message = JSON.readTree(text);
                    if (message.has("id")) {
                        CompletableFuture<JsonNode> waiting = pending.get(message.get("id").asInt());
                        if (waiting != null) {
                            waiting.complete(message);
                        }
                    } else {
                        onEvent(message.path("method").asText(), message.path("params"));
                    }
                } catch (IOException e) {
                    record(messages, new Message("devtools", "error", "unreadable message: " + e));
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
