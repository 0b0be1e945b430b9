package dev.transformerlambda.scoring;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3 prefix as a {@link ScoringFolder}. A PutObject is visible whole or not at all, so parts need
 * no temporary names; the SDK retries throttling and 5xx answers with backoff.
 */
final class S3Folder implements ScoringFolder {

    private static final int PRECONDITION_FAILED = 412;
    private static final int CONFLICT = 409;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    S3Folder(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    /** {@code s3://bucket/prefix}: the objects below {@code prefix/}. */
    static S3Folder at(S3Client s3, String location) {
        String path = location.substring("s3://".length());
        int slash = path.indexOf('/');
        if (slash <= 0) {
            return new S3Folder(s3, slash < 0 ? path : path.substring(0, slash), "");
        }
        return new S3Folder(s3, path.substring(0, slash), path.substring(slash + 1));
    }

    @Override
    public String location() {
        return "s3://" + bucket + "/" + prefix;
    }

    @Override
    public List<InputObject> list() {
        List<InputObject> objects = new ArrayList<>();
        for (S3Object object : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
                .contents()) {
            objects.add(new InputObject(object.key().substring(prefix.length()), object.size(), object.eTag()));
        }
        return objects;
    }

    @Override
    public InputStream open(InputObject object, long start) throws IOException {
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(prefix + object.name())
                .ifMatch(object.etag());
        if (start > 0) {
            request.range("bytes=" + start + "-");
        }
        try {
            return s3.getObject(request.build());
        } catch (S3Exception e) {
            if (e.statusCode() == PRECONDITION_FAILED) {
                throw new UnreadableInputException(location() + object.name() + " changed since the job began (ETag "
                        + object.etag() + " no longer matches)", e);
            }
            throw new IOException("cannot read " + location() + object.name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<byte[]> read(String name) {
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + name)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public void put(String name, Path file) {
        s3.putObject(PutObjectRequest.builder().bucket(bucket).key(prefix + name).build(), RequestBody.fromFile(file));
    }

    @Override
    public boolean putIfAbsent(String name, byte[] bytes) {
        try {
            s3.putObject(PutObjectRequest.builder().bucket(bucket).key(prefix + name).ifNoneMatch("*").build(),
                    RequestBody.fromBytes(bytes));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == PRECONDITION_FAILED || e.statusCode() == CONFLICT) {
                return false;
            }
            throw e;
        }
    }
}
