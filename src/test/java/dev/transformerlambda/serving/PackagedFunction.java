package dev.transformerlambda.serving;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged function (a directory laid out by {@code scripts/assemble-function}) running as
 * Lambda runs it: its {@code bootstrap} in a fresh process, polling a {@link LambdaRuntimeEmulator}
 * on loopback. Closing it stops the process with SIGTERM, as Lambda does.
 */
public final class PackagedFunction implements AutoCloseable {

    public static final String HANDLER = "dev.transformerlambda.serving.FunctionHandler::handleRequest";
    /**
     * The user Lambda's stand-in runs the function as: nobody. Lambda runs an image as a user that
     * owns none of its files, which were written by root at image build.
     */
    public static final int LAMBDA_UID = 65534;
    private static final Pattern KILOBYTES = Pattern.compile("(\\d+) kB");

    private final LambdaRuntimeEmulator emulator;
    private final Process process;
    private final Path log;
    private final long startNanos;

    private PackagedFunction(LambdaRuntimeEmulator emulator, Process process, Path log, long startNanos) {
        this.emulator = emulator;
        this.process = process;
        this.log = log;
        this.startNanos = startNanos;
    }

    /**
     * Starts {@code functionDir/bootstrap} with Lambda's environment plus {@code settings}
     * (CLASSIFIER_* variables), its output going to {@code log}.
     */
    public static PackagedFunction start(Path functionDir, Map<String, String> settings, Path log) throws IOException {
        return start(List.of(), functionDir, settings, log);
    }

    /**
     * As {@link #start}, but as user {@link #LAMBDA_UID} (util-linux's {@code setpriv}), as Lambda
     * runs an image: only root can switch users, see {@link #canSwitchUser}.
     */
    public static PackagedFunction startAsLambdaUser(Path functionDir, Map<String, String> settings, Path log)
            throws IOException {
        String id = Integer.toString(LAMBDA_UID);
        return start(List.of("setpriv", "--reuid=" + id, "--regid=" + id, "--clear-groups", "--"),
                functionDir, settings, log);
    }

    /** Whether this process may start the function as another user: it runs as root. */
    public static boolean canSwitchUser() throws IOException {
        return uid(Path.of("/proc/self/status")) == 0;
    }

    private static PackagedFunction start(List<String> launcher, Path functionDir, Map<String, String> settings,
            Path log) throws IOException {
        LambdaRuntimeEmulator emulator = LambdaRuntimeEmulator.start();
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(functionDir.resolve("bootstrap").toString(), HANDLER));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(emulator.functionEnvironment(HANDLER, functionDir));
        // Lambda puts the execution role's credentials in the environment.
        builder.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "local", "AWS_SECRET_ACCESS_KEY", "local",
                "AWS_SESSION_TOKEN", "local"));
        builder.environment().putAll(settings);
        long start = System.nanoTime();
        try {
            return new PackagedFunction(emulator, builder.start(), log, start);
        } catch (IOException | RuntimeException e) {
            emulator.close();
            throw e;
        }
    }

    /** Waits for the end of the init phase (the first poll for an event); its length from process start. */
    public Duration awaitInit(Duration timeout) throws Exception {
        try {
            return Duration.ofNanos(emulator.awaitFirstPoll(timeout) - startNanos);
        } catch (Exception e) {
            throw new IllegalStateException("the function did not finish its init; its log:\n" + log(), e);
        }
    }

    /** Sends one event and returns the handler's answer (an API Gateway v2 response as JSON). */
    public String invoke(String event) throws Exception {
        return call(event).response();
    }

    /** Sends one event; the answer comes with the invocation's duration as Lambda bills it. */
    public LambdaRuntimeEmulator.Invocation call(String event) throws Exception {
        try {
            return emulator.invoke(event, Duration.ofMinutes(2));
        } catch (Exception e) {
            throw new IllegalStateException("the invocation failed; the function's log:\n" + log(), e);
        }
    }

    /** Time since the process was started. */
    public Duration sinceStart() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** The function's output so far. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /** Resident memory now, in MiB (Linux). */
    public double residentMiB() throws IOException {
        return procStatus("VmRSS:");
    }

    /** The most resident memory so far, in MiB (Linux). */
    public double peakResidentMiB() throws IOException {
        return procStatus("VmHWM:");
    }

    /** The user id the function runs as (Linux). */
    public int uid() throws IOException {
        return uid(Path.of("/proc", Long.toString(process.pid()), "status"));
    }

    private static int uid(Path procStatus) throws IOException {
        for (String line : Files.readAllLines(procStatus)) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.split("\\s+")[2]); // "Uid: real effective saved fs"
            }
        }
        throw new IOException("no Uid in " + procStatus);
    }

    private double procStatus(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith(field)) {
                Matcher kb = KILOBYTES.matcher(line);
                if (kb.find()) {
                    return Long.parseLong(kb.group(1)) / 1024.0;
                }
            }
        }
        throw new IOException("no " + field + " in /proc/" + process.pid() + "/status");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        emulator.close();
    }
}
