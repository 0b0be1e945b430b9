package dev.transformerlambda.serving;

import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.training.TinyModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Like {@link RegistryTestResource}, but when the function starts {@code current.json} names a
 * version whose weights were damaged in S3, so it has no model to fall back on.
 */
public class RefusedAtStartRegistryTestResource extends RegistryTestResource {

    public static final String BROKEN = "20260101T000000Z-broken";

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        try {
            Path copy = TinyModels.copyAs(DEFAULT_MODEL, Files.createTempDirectory("broken").resolve("model"), BROKEN);
            ModelRegistry registry = registry();
            registry.publish(copy);
            byte[] weights = Files.readAllBytes(copy.resolve(ModelArtifact.WEIGHTS));
            weights[weights.length / 2] ^= 0x01;
            s3().putObject(PutObjectRequest.builder().bucket(REGISTRY.bucket())
                    .key(REGISTRY.modelKey() + "/" + BROKEN + "/" + ModelArtifact.WEIGHTS).build(),
                    RequestBody.fromBytes(weights));
            registry.promote(BROKEN);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
