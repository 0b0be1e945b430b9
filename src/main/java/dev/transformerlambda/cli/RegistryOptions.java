package dev.transformerlambda.cli;

import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.registry.RegistryUri;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

/** The options every registry command shares: which registry, and how to reach its S3. */
final class RegistryOptions {

    @Option(names = "--registry", required = true, paramLabel = "s3://BUCKET/PREFIX/NAME",
            description = "The model's registry location.")
    String registry;

    @Mixin
    S3Options s3Options;

    /** Opens the registry; the caller closes the returned session. */
    Session open() {
        S3Client s3 = s3Options.client();
        return new Session(s3, new ModelRegistry(s3, RegistryUri.parse(registry)));
    }

    /** A registry and the client it uses, closed together. */
    record Session(S3Client s3, ModelRegistry registry) implements AutoCloseable {
        @Override
        public void close() {
            s3.close();
        }
    }
}
