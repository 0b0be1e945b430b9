package dev.transformerlambda.training;

import dev.transformerlambda.aws.MissingKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.commons.io.FileUtils;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Where a training job keeps its latest checkpoint: a local directory, or an S3 prefix. Each
 * checkpoint is a directory of files written completely before a {@code LATEST} pointer names it,
 * so a job killed mid-write leaves the previous checkpoint intact.
 */
public interface CheckpointStore {

    String LATEST = "LATEST";

    /** Puts the latest checkpoint, if any, into {@code workDir} and returns its directory there. */
    Optional<Path> fetchLatest(Path workDir) throws IOException;

    /** Stores the complete checkpoint in {@code dir} as the latest, named {@code name}. */
    void store(Path dir, String name) throws IOException;

    /** A local directory, or {@code s3://bucket/prefix} through {@code s3}. */
    static CheckpointStore at(String location, Supplier<S3Client> s3) {
        if (location.startsWith("s3://")) {
            URI uri = URI.create(location);
            return new S3(s3.get(), uri.getHost(), uri.getPath().replaceAll("^/+|/+$", ""));
        }
        return new Local(Path.of(location));
    }

    /** Checkpoints in a local directory. */
    record Local(Path root) implements CheckpointStore {
        @Override
        public Optional<Path> fetchLatest(Path workDir) throws IOException {
            Path latest = root.resolve(LATEST);
            return Files.isRegularFile(latest)
                    ? Optional.of(root.resolve(Files.readString(latest).strip()))
                    : Optional.empty();
        }

        @Override
        public void store(Path dir, String name) throws IOException {
            Files.createDirectories(root);
            Path target = root.resolve(name);
            FileUtils.deleteDirectory(target.toFile());
            Path staging = root.resolve("." + name + ".partial");
            FileUtils.deleteDirectory(staging.toFile());
            Files.createDirectory(staging);
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.copy(file, staging.resolve(file.getFileName()));
                }
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            String previous = Files.isRegularFile(root.resolve(LATEST)) ? Files.readString(root.resolve(LATEST)).strip() : null;
            Path pointer = root.resolve("." + LATEST + ".partial");
            Files.writeString(pointer, name);
            Files.move(pointer, root.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (previous != null && !previous.equals(name)) {
                FileUtils.deleteDirectory(root.resolve(previous).toFile());
            }
        }
    }

    /** Checkpoints under an S3 prefix: {@code <prefix>/<name>/<file>} and {@code <prefix>/LATEST}. */
    record S3(S3Client s3, String bucket, String prefix) implements CheckpointStore {
        @Override
        public Optional<Path> fetchLatest(Path workDir) throws IOException {
            String name;
            try {
                name = s3.getObjectAsBytes(get(LATEST)).asUtf8String().strip();
            } catch (S3Exception e) {
                if (MissingKeys.isMissing(s3, bucket, prefix + "/" + LATEST, e)) {
                    return Optional.empty();
                }
                throw e;
            }
            Path dir = Files.createDirectories(workDir.resolve(name));
            for (String file : TrainingCheckpoint.FILES) {
                Files.deleteIfExists(dir.resolve(file));
                s3.getObject(get(name + "/" + file), dir.resolve(file));
            }
            return Optional.of(dir);
        }

        @Override
        public void store(Path dir, String name) throws IOException {
            for (String file : TrainingCheckpoint.FILES) {
                s3.putObject(PutObjectRequest.builder().bucket(bucket).key(prefix + "/" + name + "/" + file).build(),
                        RequestBody.fromFile(dir.resolve(file)));
            }
            s3.putObject(PutObjectRequest.builder().bucket(bucket).key(prefix + "/" + LATEST).build(),
                    RequestBody.fromString(name, StandardCharsets.UTF_8));
        }

        private GetObjectRequest get(String key) {
            return GetObjectRequest.builder().bucket(bucket).key(prefix + "/" + key).build();
        }
    }
}
