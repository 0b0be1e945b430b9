package dev.transformerlambda.serving;

import dev.transformerlambda.aws.LocalS3Server;
import dev.transformerlambda.model.DefaultModelTest;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.registry.RegistryUri;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Starts a local S3 server for a Quarkus test, publishes the committed default model into its
 * registry as the current version, and points the function at it with a 1 s reload interval.
 */
public class RegistryTestResource implements QuarkusTestResourceLifecycleManager {

    public static final RegistryUri REGISTRY = RegistryUri.parse("s3://models/registry/sst2");
    public static final Path DEFAULT_MODEL = DefaultModelTest.DEFAULT_MODEL;

    private static LocalS3Server server;
    private static S3Client s3;
    private static String firstVersion;

    @Override
    public Map<String, String> start() {
        try {
            server = LocalS3Server.start("models");
            s3 = server.client();
            ModelRegistry registry = registry();
            firstVersion = registry.publish(DEFAULT_MODEL);
            registry.promote(firstVersion);
            return Map.of(
                    "classifier.model-uri", REGISTRY.toString(),
                    "classifier.s3.endpoint-override", server.endpoint().toString(),
                    "classifier.s3.path-style", "true",
                    "classifier.reload-interval", "1s",
                    "classifier.cache-dir", Files.createTempDirectory("model-cache").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        try {
            if (s3 != null) {
                s3.close();
            }
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The registry the function serves from, for tests to publish into. */
    public static ModelRegistry registry() {
        return new ModelRegistry(s3, REGISTRY);
    }

    public static LocalS3Server server() {
        return server;
    }

    public static S3Client s3() {
        return s3;
    }

    /** The version current when the function started. */
    public static String firstVersion() {
        return firstVersion;
    }
}
