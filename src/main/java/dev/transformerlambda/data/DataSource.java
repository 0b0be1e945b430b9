package dev.transformerlambda.data;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Reads labelled data from a local path or an {@code s3://bucket/key} URI alike. */
public final class DataSource {

    private final Supplier<S3Client> s3;

    /** @param s3 gives the S3 client, asked for only when an {@code s3://} location is read */
    public DataSource(Supplier<S3Client> s3) {
        this.s3 = s3;
    }

    /** Reads and checks the data at {@code location}; the format comes from its extension. */
    public LabelledDataset read(String location) throws IOException {
        return open(location, DatasetReader::read);
    }

    /** Reads only the texts at {@code location}; a label column may be missing (see {@link DatasetReader#readTexts}). */
    public List<String> readTexts(String location) throws IOException {
        return open(location, DatasetReader::readTexts);
    }

    private interface Reader<T> {
        T read(String source, InputStream in) throws IOException;
    }

    private <T> T open(String location, Reader<T> reader) throws IOException {
        if (!location.startsWith("s3://")) {
            try (InputStream in = Files.newInputStream(Path.of(location))) {
                return reader.read(location, in);
            }
        }
        URI uri = URI.create(location);
        String key = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (uri.getHost() == null || key.isEmpty()) {
            throw new IllegalArgumentException(location + " is not an S3 object URI (s3://bucket/key)");
        }
        try (InputStream in = s3.get().getObject(GetObjectRequest.builder().bucket(uri.getHost()).key(key).build())) {
            return reader.read(location, in);
        } catch (NoSuchKeyException e) {
            throw new IOException(location + ": no such object", e);
        }
    }
}
