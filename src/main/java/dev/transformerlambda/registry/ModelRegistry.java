package dev.transformerlambda.registry;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ArtifactManifest.ArtifactFile;
import dev.transformerlambda.model.ArtifactManifest.Lineage;
import dev.transformerlambda.model.InvalidArtifactException;
import dev.transformerlambda.model.ModelArtifact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * One model's registry on S3. Versions are immutable: every file is written with {@code
 * If-None-Match: *}, the manifest last, so a reader that sees a manifest sees a complete version.
 * {@code current.json} moves with {@code If-Match} on the ETag read before, so of two racing
 * writers exactly one wins and the other is told, with nothing overwritten.
 */
public final class ModelRegistry {

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);
    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final int PRECONDITION_FAILED = 412;
    private static final int NOT_MODIFIED = 304;
    private static final int NOT_FOUND = 404;
    /** S3 answers 409 when a conditional write races another write to the same key. */
    private static final int CONFLICT = 409;

    private final S3Client s3;
    private final RegistryUri uri;

    public ModelRegistry(S3Client s3, RegistryUri uri) {
        this.s3 = s3;
        this.uri = uri;
    }

    public RegistryUri uri() {
        return uri;
    }

    /** The pointer as read, with its ETag for a later conditional request. */
    public record PointerRead(CurrentPointer pointer, String etag) {}

    /**
     * Uploads a verified artifact directory as a new version; it is not served until promoted.
     *
     * @return the version published
     * @throws RegistryException if that version exists already
     */
    public String publish(Path artifact) throws IOException {
        ArtifactManifest manifest = ModelArtifact.verify(artifact);
        String version = manifest.version();
        String prefix = uri.versionPrefix(version);
        try {
            for (ArtifactFile file : manifest.files()) {
                putNew(prefix + file.path(), RequestBody.fromFile(artifact.resolve(file.path())));
            }
            putNew(prefix + ModelArtifact.MANIFEST, RequestBody.fromFile(artifact.resolve(ModelArtifact.MANIFEST)));
        } catch (S3Exception e) {
            if (e.statusCode() == PRECONDITION_FAILED || e.statusCode() == CONFLICT) {
                throw new RegistryException(uri + "/" + version + " already exists; versions are never overwritten");
            }
            throw e;
        }
        LOG.infof("published %s/%s", uri, version);
        return version;
    }

    /** Reads {@code current.json}; empty if no version was ever promoted. */
    public Optional<PointerRead> current() throws RegistryException {
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(
                    GetObjectRequest.builder().bucket(uri.bucket()).key(uri.pointerKey()).build());
            return Optional.of(new PointerRead(parsePointer(bytes.asByteArray()), bytes.response().eTag()));
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Reads {@code current.json} only if its ETag differs from {@code etag}: one small conditional
     * request, answered 304 with no body while nothing changed.
     *
     * @return the new pointer, or empty if unchanged
     */
    public Optional<PointerRead> currentIfChanged(String etag) throws RegistryException {
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(GetObjectRequest.builder()
                    .bucket(uri.bucket()).key(uri.pointerKey()).ifNoneMatch(etag).build());
            return Optional.of(new PointerRead(parsePointer(bytes.asByteArray()), bytes.response().eTag()));
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_MODIFIED) {
                return Optional.empty();
            }
            if (e.statusCode() == NOT_FOUND) {
                throw new RegistryException(uri + "/" + RegistryUri.POINTER + " disappeared");
            }
            throw e;
        }
    }

    /**
     * Makes {@code version} the one served.
     *
     * @throws RegistryException if the version does not exist, or another writer moved the pointer
     *     since it was read (nothing is changed then)
     */
    public CurrentPointer promote(String version) throws IOException {
        readManifest(version);
        Optional<PointerRead> current = current();
        return movePointer(current, version, current.map(c -> c.pointer().version()).orElse(null));
    }

    /** Serves the previous version again; the version rolled back from becomes the previous one. */
    public CurrentPointer rollback() throws IOException {
        PointerRead current = current().orElseThrow(() ->
                new RegistryException(uri + " has no current version to roll back from"));
        String previous = current.pointer().previous();
        if (previous == null) {
            throw new RegistryException(uri + " has no previous version: " + current.pointer().version()
                    + " is the first ever promoted");
        }
        readManifest(previous);
        return movePointer(Optional.of(current), previous, current.pointer().version());
    }

    // Package-private so a test can replay a write based on a stale read, as a racing publisher would.
    CurrentPointer movePointer(Optional<PointerRead> expected, String version, String previous)
            throws IOException {
        CurrentPointer pointer = new CurrentPointer(version, previous, Instant.now().toString());
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(uri.bucket()).key(uri.pointerKey()).contentType("application/json");
        if (expected.isPresent()) {
            request.ifMatch(expected.get().etag());
        } else {
            request.ifNoneMatch("*");
        }
        try {
            s3.putObject(request.build(), RequestBody.fromBytes(JSON.writeValueAsBytes(pointer)));
        } catch (S3Exception e) {
            if (e.statusCode() == PRECONDITION_FAILED || e.statusCode() == CONFLICT) {
                String now = current().map(c -> c.pointer().version()).orElse("nothing");
                throw new RegistryException(uri + "/" + RegistryUri.POINTER + " was moved by someone else (it now"
                        + " points to " + now + "); nothing was changed, " + version + " is not current. Check with"
                        + " 'list' and promote again if still wanted.");
            }
            throw e;
        }
        LOG.infof("%s now serves %s (previous: %s)", uri, version, previous);
        return pointer;
    }

    /** Every published version, oldest first, with its metrics and which is current. */
    public List<VersionInfo> list() throws IOException {
        String current = current().map(c -> c.pointer().version()).orElse(null);
        List<VersionInfo> versions = new ArrayList<>();
        var pages = s3.listObjectsV2Paginator(ListObjectsV2Request.builder()
                .bucket(uri.bucket()).prefix(uri.modelKey() + "/").delimiter("/").build());
        for (CommonPrefix prefix : pages.commonPrefixes()) {
            String version = prefix.prefix().substring(uri.modelKey().length() + 1).replaceAll("/$", "");
            Optional<ArtifactManifest> manifest = findManifest(version);
            // A version without a manifest is an upload still in progress or one that failed.
            manifest.ifPresent(m -> versions.add(new VersionInfo(version, m.created(),
                    m.metrics().accuracy(), m.metrics().macroF1(), version.equals(current), m.architecture(),
                    origin(m.lineage()))));
        }
        versions.sort(Comparator.comparing(VersionInfo::version));
        return versions;
    }

    private static String origin(Lineage lineage) {
        if (lineage == null) {
            return "from scratch";
        }
        if (lineage.teacher() != null) {
            return "distilled from " + lineage.teacher().name() + " " + lineage.teacher().origin();
        }
        return lineage.pretrained() == null ? "from scratch" : "fine-tuned from " + lineage.pretrained().name();
    }

    /**
     * Downloads a version into {@code cacheRoot/<name>/<version>} and verifies it; a version already
     * there and intact is not downloaded again.
     *
     * @return the local artifact directory
     * @throws InvalidArtifactException if the files do not match their manifest
     */
    public Path download(String version, Path cacheRoot) throws IOException {
        Path target = cacheRoot.resolve(uri.name()).resolve(version);
        if (Files.isDirectory(target)) {
            try {
                ModelArtifact.verify(target);
                LOG.debugf("%s/%s is cached in %s", uri, version, target);
                return target;
            } catch (InvalidArtifactException e) {
                LOG.warnf("cached copy of %s is damaged, downloading again: %s", version, e.getMessage());
                ModelArtifact.delete(target);
            }
        }
        Files.createDirectories(target.getParent());
        Path staging = Files.createTempDirectory(target.getParent(), "." + version + ".partial-");
        try {
            String prefix = uri.versionPrefix(version);
            getToFile(prefix + ModelArtifact.MANIFEST, staging.resolve(ModelArtifact.MANIFEST));
            ArtifactManifest manifest = ModelArtifact.readManifest(staging);
            for (ArtifactFile file : manifest.files()) {
                Path local = staging.resolve(file.path()).normalize();
                if (!local.startsWith(staging)) {
                    throw new InvalidArtifactException(uri + "/" + version + ": the manifest names a file outside the"
                            + " artifact: " + file.path());
                }
                Files.createDirectories(local.getParent());
                getToFile(prefix + file.path(), local);
            }
            ModelArtifact.verify(staging);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            ModelArtifact.delete(staging);
        }
    }

    /**
     * Deletes every cached version of this model under {@code cacheRoot} but {@code keep}. A loaded
     * model needs its files no more, and Lambda's {@code /tmp} (512 MB by default) would fill in a
     * few swaps of a pretrained encoder's 90 MB versions otherwise.
     *
     * @return the versions deleted
     */
    public List<String> pruneCache(Path cacheRoot, String keep) throws IOException {
        Path dir = cacheRoot.resolve(uri.name());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> deleted = new ArrayList<>();
        try (var versions = Files.list(dir)) {
            for (Path version : versions.toList()) {
                if (!version.getFileName().toString().equals(keep)) {
                    ModelArtifact.delete(version);
                    deleted.add(version.getFileName().toString());
                }
            }
        }
        return deleted;
    }

    private ArtifactManifest readManifest(String version) throws IOException {
        return findManifest(version).orElseThrow(() ->
                new RegistryException(uri + "/" + version + " does not exist (no manifest.json)"));
    }

    private Optional<ArtifactManifest> findManifest(String version) throws IOException {
        try {
            byte[] bytes = s3.getObjectAsBytes(GetObjectRequest.builder().bucket(uri.bucket())
                    .key(uri.versionPrefix(version) + ModelArtifact.MANIFEST).build()).asByteArray();
            return Optional.of(JSON.readValue(bytes, ArtifactManifest.class));
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void putNew(String key, RequestBody body) {
        s3.putObject(PutObjectRequest.builder().bucket(uri.bucket()).key(key).ifNoneMatch("*").build(), body);
    }

    private void getToFile(String key, Path file) {
        s3.getObject(GetObjectRequest.builder().bucket(uri.bucket()).key(key).build(), file);
    }

    private CurrentPointer parsePointer(byte[] bytes) throws RegistryException {
        try {
            CurrentPointer pointer = JSON.readValue(bytes, CurrentPointer.class);
            if (pointer.version() == null || pointer.version().isBlank()) {
                throw new RegistryException(uri + "/" + RegistryUri.POINTER + " names no version");
            }
            return pointer;
        } catch (IOException e) {
            if (e instanceof RegistryException registryException) {
                throw registryException;
            }
            throw new RegistryException(uri + "/" + RegistryUri.POINTER + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
