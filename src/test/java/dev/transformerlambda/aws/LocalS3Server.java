package dev.transformerlambda.aws;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.FileUtils;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for tests: Adobe S3Mock's executable jar, run as its own process on
 * loopback. It honours conditional writes (If-Match, If-None-Match), which the registry relies on.
 * It can be stopped and started again on the same port with the same data, to test an S3 outage.
 */
public final class LocalS3Server implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(90);

    private final Path jar;
    private final Path root;
    private final Path log;
    private final int port;
    private final String buckets;
    private Process process;

    private LocalS3Server(Path jar, Path root, int port, String buckets) {
        this.jar = jar;
        this.root = root;
        this.log = root.resolveSibling(root.getFileName() + ".log");
        this.port = port;
        this.buckets = buckets;
    }

    /** Starts a server holding the given (empty) buckets. */
    public static LocalS3Server start(String... buckets) throws IOException {
        Path jar = Path.of(System.getProperty("s3mock.jar", "target/s3mock/s3mock.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; Maven's process-resources phase copies it there");
        }
        LocalS3Server server = new LocalS3Server(
                jar, Files.createTempDirectory("local-s3-"), LocalServerProcess.freePort(), String.join(",", buckets));
        server.startProcess();
        return server;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** A client for this server; the caller closes it. */
    public S3Client client() {
        return AwsClients.s3(Optional.of(endpoint()), true, Optional.empty());
    }

    /** Stops the server process, keeping its data, as an outage would. */
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Starts the server again on the same port with the same data. */
    public void restart() throws IOException {
        stop();
        startProcess();
    }

    @Override
    public void close() throws IOException {
        stop();
        FileUtils.deleteDirectory(root.toFile());
        Files.deleteIfExists(log);
    }

    private void startProcess() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                "--server.address=127.0.0.1",
                "--server.port=0",
                "--com.adobe.testing.s3mock.http-port=" + port,
                "--com.adobe.testing.s3mock.store.root=" + root,
                "--com.adobe.testing.s3mock.store.retain-files-on-exit=true",
                "--com.adobe.testing.s3mock.store.initial-buckets=" + buckets,
                "--logging.level.root=WARN"));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        awaitReady();
    }

    private void awaitReady() throws IOException {
        try {
            LocalServerProcess.awaitAnswer(process, "S3Mock", endpoint(), status -> status < 500, STARTUP);
        } catch (IOException e) {
            stop();
            throw new IOException(e.getMessage() + "; see " + log, e);
        }
    }
}
