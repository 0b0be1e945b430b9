package dev.transformerlambda.aws;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The AWS CLI ({@code aws}, a real client independent of the product's SDK) pointed at a local
 * endpoint with throw-away credentials, in us-east-1, and without the user's own configuration, so
 * a developer's profile or region cannot reach past the local server. A machine without it fails
 * the test that needs it, saying what to install.
 */
public final class AwsCli {

    public static final String REGION = "us-east-1";
    static final String INSTALL = "aws (the AWS CLI) is not on the PATH, so nothing was checked with it;"
            + " install it (pip install awscli, or AWS's installer)";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;

    public AwsCli(URI endpoint) {
        this.endpoint = endpoint;
    }

    /** What {@code aws} needs in its environment to talk to a local server only. */
    public static void configure(Map<String, String> environment) {
        environment.keySet().removeIf(name -> name.startsWith("AWS_"));
        environment.put("AWS_ACCESS_KEY_ID", "local");
        environment.put("AWS_SECRET_ACCESS_KEY", "local");
        environment.put("AWS_DEFAULT_REGION", REGION);
        environment.put("AWS_CONFIG_FILE", "/dev/null");
        environment.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        environment.put("AWS_EC2_METADATA_DISABLED", "true");
    }

    /** Fails, saying what to install, when there is no {@code aws} to run. */
    public static void requireInstalled() throws IOException, InterruptedException {
        try {
            Process process = new ProcessBuilder("aws", "--version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            process.waitFor();
        } catch (IOException e) {
            fail(INSTALL, e);
        }
    }

    /** Runs {@code aws ARGS...} against the endpoint and returns its JSON answer (null when it prints nothing). */
    public JsonNode json(String... args) throws IOException, InterruptedException {
        String output = run(args);
        return output.isBlank() ? null : JSON.readTree(output);
    }

    /** Runs {@code aws ARGS...} against the endpoint, failing with its message unless it succeeds. */
    public String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("aws", "--endpoint-url", endpoint.toString(),
                "--region", REGION, "--output", "json"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        configure(builder.environment());
        Path errors = Files.createTempFile("aws-cli-", ".err");
        builder.redirectError(errors.toFile());
        try {
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                return fail(INSTALL, e);
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within 2 minutes");
            }
            if (process.exitValue() != 0) {
                fail(String.join(" ", command) + " exited with " + process.exitValue() + ": " + Files.readString(errors));
            }
            return output;
        } finally {
            Files.deleteIfExists(errors);
        }
    }
}
