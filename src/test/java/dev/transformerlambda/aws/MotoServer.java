package dev.transformerlambda.aws;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * moto's AWS API emulator ({@code moto_server}, moto 5.2.1) as a process on loopback, for the
 * APIs no local server of the product's own speaks: AWS Batch (with the IAM and EC2 resources a
 * compute environment names). Its Batch API checks what a stub cannot: queues and job definitions
 * must exist, names, states and resource requirements are validated. A machine without moto fails
 * the test that needs it, saying what to install, rather than skipping it (as LintTest does for
 * cfn-lint and shellcheck).
 */
public final class MotoServer implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(60);
    static final String INSTALL = "moto_server is not on the PATH, so the Batch API was not checked;"
            + " install moto with its server (pip install 'moto[server]==5.2.1')";

    private final Process process;
    private final Path log;
    private final int port;

    private MotoServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    public static MotoServer start() throws IOException {
        int port = LocalServerProcess.freePort();
        Path log = Files.createTempFile("moto-server-", ".log");
        Process process;
        try {
            process = new ProcessBuilder(List.of("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port)))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            Files.deleteIfExists(log);
            return fail(INSTALL, e);
        }
        MotoServer server = new MotoServer(process, log, port);
        server.awaitReady();
        return server;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** An AWS CLI pointed at this server. */
    public AwsCli cli() {
        return new AwsCli(endpoint());
    }

    @Override
    public void close() throws IOException {
        // The pyenv shim execs Python, so the process is the server itself; its children go too.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(log);
    }

    private void awaitReady() throws IOException {
        try {
            LocalServerProcess.awaitAnswer(process, "moto_server", endpoint().resolve("/moto-api/"), status -> status == 200,
                    STARTUP);
        } catch (IOException e) {
            String output = Files.readString(log);
            close();
            throw new IOException(e.getMessage() + ": " + output, e);
        }
    }
}
