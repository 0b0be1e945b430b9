package dev.transformerlambda.cli;

import dev.transformerlambda.aws.S3Clients;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.registry.RegistryUri;
import java.net.URI;
import java.util.Optional;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

/** The options every registry command shares: which registry, and how to reach its S3. */
final class RegistryOptions {

    @Option(names = "--registry", required = true, paramLabel = "s3://BUCKET/PREFIX/NAME",
            description = "The model's registry location.")
    String registry;

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "An S3-compatible endpoint instead of AWS, for example http://127.0.0.1:9090.")
    URI endpoint;

    @Option(names = "--region", description = "AWS region (default: the AWS SDK's chain, AWS_REGION).")
    String region;

    /** Opens the registry; the caller closes the returned client. */
    Session open() {
        S3Client s3 = S3Clients.create(Optional.ofNullable(endpoint), endpoint != null, Optional.ofNullable(region));
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
