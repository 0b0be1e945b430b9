package dev.transformerlambda.cli;

import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.registry.ModelRegistry.PointerRead;
import dev.transformerlambda.registry.RegistryException;
import dev.transformerlambda.registry.RegistryUri;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where a command finds a model artifact: a local directory, a registry on S3 ({@code
 * s3://bucket/prefix/name}: its current version) or one published version ({@code
 * s3://bucket/prefix/name/VERSION}). What comes from S3 is downloaded and verified first.
 */
final class ModelLocation {

    static final String LABEL = "DIR|s3://BUCKET/PREFIX/NAME[/VERSION]";

    private ModelLocation() {}

    /**
     * {@code location} as one published version: a registry's current version now, so that a job
     * that runs later (or in many children) scores with the model chosen when it was submitted.
     */
    static String pin(String location, Supplier<S3Client> s3) throws IOException {
        RegistryUri uri = RegistryUri.parse(location);
        ModelRegistry registry = new ModelRegistry(s3.get(), uri);
        Optional<PointerRead> current = registry.current();
        if (current.isPresent()) {
            return "s3://" + uri.bucket() + "/" + uri.modelKey() + "/" + current.get().pointer().version();
        }
        int slash = uri.modelKey().lastIndexOf('/');
        if (slash > 0) {
            new ModelRegistry(s3.get(), new RegistryUri(uri.bucket(), uri.modelKey().substring(0, slash)))
                    .readManifest(uri.name());
            return location;
        }
        throw new RegistryException(location + " has no current version (no " + RegistryUri.POINTER + ")");
    }

    /**
     * The local artifact directory for {@code location}; one on S3 is downloaded under {@code work},
     * which the caller deletes.
     */
    static Path fetch(String location, Supplier<S3Client> s3, Path work) throws IOException {
        if (!location.startsWith("s3://")) {
            return Path.of(location);
        }
        RegistryUri uri = RegistryUri.parse(location);
        ModelRegistry registry = new ModelRegistry(s3.get(), uri);
        Optional<PointerRead> current = registry.current();
        if (current.isPresent()) {
            return registry.download(current.get().pointer().version(), work);
        }
        // No current.json there: the last segment may be a version of the registry above it.
        int slash = uri.modelKey().lastIndexOf('/');
        if (slash > 0) {
            ModelRegistry parent = new ModelRegistry(s3.get(),
                    new RegistryUri(uri.bucket(), uri.modelKey().substring(0, slash)));
            try {
                parent.readManifest(uri.name());
                return parent.download(uri.name(), work);
            } catch (RegistryException notAVersion) {
                // fall through to the message naming both readings
            }
        }
        throw new RegistryException(location + " is neither a registry with a current version (no "
                + RegistryUri.POINTER + ") nor a published version (no manifest.json)");
    }
}
