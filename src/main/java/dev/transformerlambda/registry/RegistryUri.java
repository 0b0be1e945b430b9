package dev.transformerlambda.registry;

import java.net.URI;

/**
 * Where one model's versions live: {@code s3://bucket/prefix/name}, the last path segment being
 * the model's name.
 *
 * @param bucket the S3 bucket
 * @param modelKey the key prefix of the model, without a trailing slash, for example {@code models/sst2}
 */
public record RegistryUri(String bucket, String modelKey) {

    public static final String POINTER = "current.json";

    /** Parses {@code s3://bucket/prefix/name}. */
    public static RegistryUri parse(String uri) {
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a registry URI: " + uri + " (expected s3://bucket/prefix/name)");
        }
        String key = parsed.getPath() == null ? "" : parsed.getPath().replaceAll("^/+|/+$", "");
        if (!"s3".equals(parsed.getScheme()) || parsed.getHost() == null || key.isEmpty()) {
            throw new IllegalArgumentException("not a registry URI: " + uri + " (expected s3://bucket/prefix/name)");
        }
        return new RegistryUri(parsed.getHost(), key);
    }

    /** The model's name: the last segment of its key. */
    public String name() {
        return modelKey.substring(modelKey.lastIndexOf('/') + 1);
    }

    String pointerKey() {
        return modelKey + "/" + POINTER;
    }

    String versionPrefix(String version) {
        return modelKey + "/" + version + "/";
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + modelKey;
    }
}
