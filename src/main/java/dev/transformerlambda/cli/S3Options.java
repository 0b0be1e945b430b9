package dev.transformerlambda.cli;

import dev.transformerlambda.aws.AwsClients;
import java.net.URI;
import java.util.Optional;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

/** How commands reach S3: AWS by default, or an S3-compatible endpoint. */
final class S3Options {

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "An S3-compatible endpoint instead of AWS, for example http://127.0.0.1:9090.")
    URI endpoint;

    @Option(names = "--region", description = "AWS region (default: the AWS SDK's chain, AWS_REGION).")
    String region;

    /** Attempts of each S3 call: a command is a job that can wait out S3's throttling. */
    static final int ATTEMPTS = 8;

    /** A new client; the caller closes it. */
    S3Client client() {
        return AwsClients.s3ForJobs(Optional.ofNullable(endpoint), endpoint != null, Optional.ofNullable(region), ATTEMPTS);
    }
}
