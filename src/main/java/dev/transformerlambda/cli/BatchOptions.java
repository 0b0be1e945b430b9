package dev.transformerlambda.cli;

import dev.transformerlambda.aws.AwsClients;
import java.net.URI;
import java.util.Optional;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.batch.BatchClient;

/** How the Batch commands reach AWS Batch. */
final class BatchOptions {

    @Option(names = "--batch-endpoint", paramLabel = "URL", description = "Another endpoint than AWS Batch's.")
    URI endpoint;

    @Option(names = "--region", description = "AWS region (default: the AWS SDK's chain, AWS_REGION).")
    String region;

    /** A new client; the caller closes it. */
    BatchClient client() {
        return AwsClients.batch(Optional.ofNullable(endpoint), Optional.ofNullable(region));
    }
}
