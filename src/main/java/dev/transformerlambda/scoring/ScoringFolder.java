package dev.transformerlambda.scoring;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A place a scoring job reads from or writes to: a local directory or an S3 prefix. Names are paths
 * below it. Writes are whole: a reader never sees half an object.
 */
public interface ScoringFolder {

    /** Where it is, for messages and the manifest. */
    String location();

    /** The full location of {@code name} in it, for messages. */
    default String locate(String name) {
        return location() + (location().endsWith("/") ? "" : "/") + name;
    }

    /** Every object below it, by name. */
    List<InputObject> list() throws IOException;

    /** The object from byte {@code start} to its end; refused if it no longer has {@code object}'s ETag. */
    InputStream open(InputObject object, long start) throws IOException;

    /** The whole object, or empty when there is none. */
    Optional<byte[]> read(String name) throws IOException;

    /** Writes (or replaces) {@code name} with the file's bytes, all at once. */
    void put(String name, Path file) throws IOException;

    /**
     * Writes {@code name} only if it does not exist yet; false when it did. Two writers racing
     * cannot both succeed.
     */
    boolean putIfAbsent(String name, byte[] bytes) throws IOException;

    /** A local path or an {@code s3://bucket/prefix}, as a folder. */
    static ScoringFolder at(String location, S3Access s3) {
        if (location.startsWith("s3://")) {
            return S3Folder.at(s3.client(), location);
        }
        return new LocalFolder(Path.of(location));
    }

    /** The S3 client, made only when a location is on S3. */
    @FunctionalInterface
    interface S3Access {
        software.amazon.awssdk.services.s3.S3Client client();
    }
}
