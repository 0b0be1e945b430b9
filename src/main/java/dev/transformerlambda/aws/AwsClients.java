package dev.transformerlambda.aws;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Builds the AWS clients the product uses: the small URLConnection HTTP client (no Apache or Netty
 * in a Lambda), credentials and region from the standard AWS chain, and optionally a local endpoint
 * (an S3-compatible server, a stub of the Batch API).
 */
public final class AwsClients {

    private AwsClients() {}

    /**
     * @param endpoint an endpoint to use instead of AWS's, for example {@code http://127.0.0.1:9090}
     * @param pathStyle address buckets as {@code endpoint/bucket/key}, as local servers need
     * @param region the region; without one, the SDK's chain decides ({@code AWS_REGION} in Lambda)
     */
    public static S3Client s3(Optional<URI> endpoint, boolean pathStyle, Optional<String> region) {
        return s3Builder(endpoint, pathStyle, region).build();
    }

    /**
     * A client for jobs (training, publishing, bulk scoring) that retries throttling ({@code 503
     * SlowDown}), 5xx answers and broken connections up to {@code attempts} times with the SDK's
     * backoff: a job can wait out a burst that would fail it, where a request of the function's
     * cannot.
     */
    public static S3Client s3ForJobs(Optional<URI> endpoint, boolean pathStyle, Optional<String> region, int attempts) {
        return s3Builder(endpoint, pathStyle, region)
                .overrideConfiguration(o -> o.retryStrategy(
                        AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(attempts).build()))
                .build();
    }

    private static S3ClientBuilder s3Builder(Optional<URI> endpoint, boolean pathStyle, Optional<String> region) {
        return configure(S3Client.builder(), endpoint, region)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
    }

    /** @param endpoint another endpoint than AWS's, for a local stub of the Batch API */
    public static BatchClient batch(Optional<URI> endpoint, Optional<String> region) {
        return configure(BatchClient.builder(), endpoint, region)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    private static <B extends AwsClientBuilder<B, ?>> B configure(
            B builder, Optional<URI> endpoint, Optional<String> region) {
        endpoint.ifPresent(builder::endpointOverride);
        region.map(Region::of).ifPresent(builder::region);
        if (endpoint.isPresent()) {
            // A local server ignores the region and the signature, but the SDK refuses to sign
            // without them; credentials set in the environment still take precedence.
            if (region.isEmpty() && unset("AWS_REGION", "aws.region")) {
                builder.region(Region.US_EAST_1);
            }
            if (unset("AWS_ACCESS_KEY_ID", "aws.accessKeyId") && unset("AWS_PROFILE", "aws.profile")) {
                builder.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
            }
        }
        return builder;
    }

    private static boolean unset(String environmentVariable, String systemProperty) {
        return System.getenv(environmentVariable) == null && System.getProperty(systemProperty) == null;
    }
}
