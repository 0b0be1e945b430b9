package dev.transformerlambda.aws;

import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Tells a missing S3 key from a refused read.
 *
 * <p>S3 answers 404 for a missing key only to a caller allowed to list the bucket, and it decides
 * that without an {@code s3:prefix}: a role that may list only under a prefix condition (the
 * function's and the training job's, which keep to their own prefixes on purpose) gets 403 for a
 * key that is simply not there yet. Such a role may list the key's own prefix, so a listing tells
 * the two apart: the key absent from it is missing; the key present, or the listing refused too,
 * is a real refusal and stays an error.
 */
public final class MissingKeys {

    private static final int NOT_FOUND = 404;
    private static final int FORBIDDEN = 403;

    private MissingKeys() {}

    /** Whether {@code refused}, the answer to reading {@code key}, means the key does not exist. */
    public static boolean isMissing(S3Client s3, String bucket, String key, S3Exception refused) {
        return isMissing(s3, bucket, key, refused, AwsRequestOverrideConfiguration.builder().build());
    }

    /**
     * As {@link #isMissing(S3Client, String, String, S3Exception)}, the listing bounded by {@code
     * timeouts}: a caller that bounded its read must not then wait on an unbounded listing.
     */
    public static boolean isMissing(S3Client s3, String bucket, String key, S3Exception refused,
            AwsRequestOverrideConfiguration timeouts) {
        if (refused.statusCode() == NOT_FOUND) {
            return true;
        }
        if (refused.statusCode() != FORBIDDEN) {
            return false;
        }
        try {
            return s3.listObjectsV2(list -> list.bucket(bucket).prefix(key).maxKeys(1)
                            .overrideConfiguration(timeouts)).contents().stream()
                    .noneMatch(object -> object.key().equals(key));
        } catch (S3Exception listingRefused) {
            return false;
        }
    }
}
