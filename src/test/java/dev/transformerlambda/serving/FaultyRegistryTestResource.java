package dev.transformerlambda.serving;

import dev.transformerlambda.aws.FaultyS3Proxy;
import dev.transformerlambda.aws.LocalS3Server;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.training.TinyModels;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The function's registry on a local S3 it reaches only through a {@link FaultyS3Proxy}, so a test
 * can make S3 misbehave while the function serves; tests publish and promote straight to the
 * server. The first version is a tiny trained model, under the 1 MB model limit set here (the
 * committed default model is over it). The checks' S3 timeouts are long (30 s) and a check is
 * abandoned after 3 s, so a frozen S3 holds a check until a newer one replaces it.
 */
public class FaultyRegistryTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String MAX_MODEL_SIZE = "1M";

    private static LocalS3Server server;
    private static FaultyS3Proxy proxy;
    private static S3Client s3;
    private static String firstVersion;
    private static Path firstModel;

    @Override
    public Map<String, String> start() {
        try {
            server = LocalS3Server.start("models");
            proxy = FaultyS3Proxy.start(server.endpoint());
            s3 = server.client();
            firstModel = TinyModels.train(Files.createTempDirectory("faulty-registry").resolve("v1"), 31);
            ModelRegistry registry = registry();
            firstVersion = registry.publish(firstModel);
            registry.promote(firstVersion);
            return Map.of(
                    "classifier.model-uri", RegistryTestResource.REGISTRY.toString(),
                    "classifier.s3.endpoint-override", proxy.endpoint().toString(),
                    "classifier.s3.path-style", "true",
                    "classifier.s3.check-attempt-timeout", "30s",
                    "classifier.s3.check-timeout", "30s",
                    "classifier.reload-interval", "1s",
                    "classifier.reload-check-abandon-after", "3s",
                    "classifier.limits.max-model-size", MAX_MODEL_SIZE,
                    "classifier.cache-dir", Files.createTempDirectory("model-cache").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot train the first version", e);
        }
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (s3 != null) {
            s3.close();
        }
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The registry straight on the server, past the proxy: the operator's side, not the function's. */
    public static ModelRegistry registry() {
        return new ModelRegistry(s3, RegistryTestResource.REGISTRY);
    }

    /** What stands between the function and S3. */
    public static FaultyS3Proxy proxy() {
        return proxy;
    }

    public static String firstVersion() {
        return firstVersion;
    }

    /** The first version's artifact directory, to copy under other versions. */
    public static Path firstModel() {
        return firstModel;
    }
}
