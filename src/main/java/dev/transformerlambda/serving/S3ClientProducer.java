package dev.transformerlambda.serving;

import dev.transformerlambda.aws.AwsClients;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import software.amazon.awssdk.services.s3.S3Client;

/** The function's one S3 client, built from its configuration and closed on shutdown. */
@ApplicationScoped
public class S3ClientProducer {

    @Produces
    @ApplicationScoped
    S3Client s3(ServingConfig config) {
        return AwsClients.s3(config.s3().endpointOverride(), config.s3().pathStyle(), config.s3().region());
    }

    void close(@Disposes S3Client s3) {
        s3.close();
    }
}
