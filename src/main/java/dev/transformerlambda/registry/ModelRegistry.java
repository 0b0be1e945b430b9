package dev.transformerlambda.registry;

import dev.transformerlambda.aws.MissingKeys;
import dev.transformerlambda.digest.Sha256;
import dev.transformerlambda.json.Json;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ArtifactManifest.ArtifactFile;
import dev.transformerlambda.model.ArtifactManifest.Lineage;
import dev.transformerlambda.model.InvalidArtifactException;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.ModelTooLargeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.commons.io.FileUtils;
import org.jboss.logging.Logger;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One model's registry on S3. Versions are immutable: every file is written with {@code
 * If-None-Match: *}, the manifest last, so a reader that sees a manifest sees a complete version.
 * {@code current.json} moves with {@code If-Match} on the ETag read before, so of two racing
 * writers exactly one wins and the other is told, with nothing overwritten.
 *
 * <p>A conditional write that landed but whose answer was lost is retried by the SDK and answered
 * 412. So a 412 is never taken at its word: the object is read back, and the same content (or the
 * pointer already naming the version with the previous one expected) is success.
 */
public final class ModelRegistry {

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);
    private static final int PRECONDITION_FAILED = 412;
    private static final int NOT_MODIFIED = 304;
    private static final int NOT_FOUND = 404;
    /** S3 answers 409 when a conditional write races another write to the same key. */
    private static final int CONFLICT = 409;

    private final S3Client s3;
    private final RegistryUri uri;
    private final ReadTimeouts timeouts;

    /** A registry whose reads take as long as the client allows: the command line's. */
    public ModelRegistry(S3Client s3, RegistryUri uri) {
        this(s3, uri, null);
    }

    /** @param timeouts bounds on the reads a serving request waits for; null for the client's own */
    public ModelRegistry(S3Client s3, RegistryUri uri, ReadTimeouts timeouts) {
        this.s3 = s3;
        this.uri = uri;
        this.timeouts = timeouts;
    }

    /**
     * How long the serving function waits for S3 on the request path. API Gateway gives up after
     * 29 s; without bounds a frozen S3 held a request for 121 s (4 attempts of a 30 s read timeout).
     *
     * @param pointerAttempt one attempt to read {@code current.json}
     * @param pointerCall reading {@code current.json}, retries included
     * @param download downloading a whole version, every file together
     */
    public record ReadTimeouts(Duration pointerAttempt, Duration pointerCall, Duration download) {}

    public RegistryUri uri() {
        return uri;
    }

    /** The pointer as read, with its ETag for a later conditional request. */
    public record PointerRead(CurrentPointer pointer, String etag) {}

    /**
     * Uploads a verified artifact directory as a new version; it is not served until promoted.
     * Publishing the same artifact again is harmless: files already there with the same content
     * are kept, so an interrupted publish (files but no manifest) is completed by running it again.
     *
     * @return the version published
     * @throws RegistryException if that version exists with other content
     */
    public String publish(Path artifact) throws IOException {
        ArtifactManifest manifest = ModelArtifact.verify(artifact);
        String version = manifest.version();
        String prefix = uri.versionPrefix(version);
        for (ArtifactFile file : manifest.files()) {
            putOnce(version, prefix + file.path(), artifact.resolve(file.path()), file.sha256());
        }
        Path manifestFile = artifact.resolve(ModelArtifact.MANIFEST);
        putOnce(version, prefix + ModelArtifact.MANIFEST, manifestFile, Sha256.of(manifestFile));
        LOG.infof("published %s/%s", uri, version);
        return version;
    }

    /**
     * Writes {@code key} unless it exists; if it does with the same content (an earlier attempt, or
     * an SDK retry of this one, wrote it), that is success.
     */
    private void putOnce(String version, String key, Path file, String sha256) throws IOException {
        try {
            s3.putObject(PutObjectRequest.builder().bucket(uri.bucket()).key(key).ifNoneMatch("*").build(),
                    RequestBody.fromFile(file));
        } catch (S3Exception e) {
            if (e.statusCode() != PRECONDITION_FAILED && e.statusCode() != CONFLICT) {
                throw e;
            }
            String there;
            try (InputStream in = s3.getObject(GetObjectRequest.builder().bucket(uri.bucket()).key(key).build())) {
                there = Sha256.of(in);
            }
            if (!there.equalsIgnoreCase(sha256)) {
                throw new RegistryException(uri + "/" + version + " already exists with other content ("
                        + key.substring(key.lastIndexOf('/') + 1) + " differs); versions are never overwritten");
            }
            LOG.debugf("s3://%s/%s is already there with the same content", uri.bucket(), key);
        }
    }

    /** Reads {@code current.json}; empty if no version was ever promoted. */
    public Optional<PointerRead> current() throws RegistryException {
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(GetObjectRequest.builder()
                    .bucket(uri.bucket()).key(uri.pointerKey()).overrideConfiguration(pointerTimeouts()).build());
            return Optional.of(new PointerRead(parsePointer(bytes.asByteArray()), bytes.response().eTag()));
        } catch (S3Exception e) {
            if (MissingKeys.isMissing(s3, uri.bucket(), uri.pointerKey(), e, pointerTimeouts())) {
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
                    .bucket(uri.bucket()).key(uri.pointerKey()).ifNoneMatch(etag)
                    .overrideConfiguration(pointerTimeouts()).build());
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
     * Makes {@code version} the one served. Promoting the version already served changes nothing,
     * so its {@code previous} is kept for a rollback.
     *
     * @throws RegistryException if the version does not exist or is incomplete, or another writer
     *     moved the pointer since it was read (nothing is changed then)
     */
    public CurrentPointer promote(String version) throws IOException {
        return promote(version, current());
    }

    /**
     * Makes {@code version} the one served if {@code current.json} is still as {@code expected}
     * read it, for a caller that decided on what it read (the promotion gate compares with the
     * version served when it started, minutes before).
     *
     * @param expected the pointer as read, or empty if there was none
     * @throws PointerMovedException if the pointer moved since {@code expected} was read
     */
    public CurrentPointer promote(String version, Optional<PointerRead> expected) throws IOException {
        verifyComplete(version);
        if (expected.isPresent() && expected.get().pointer().version().equals(version)) {
            LOG.infof("%s already serves %s", uri, version);
            return expected.get().pointer();
        }
        return movePointer(expected, version, expected.map(c -> c.pointer().version()).orElse(null));
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
        verifyComplete(previous);
        return movePointer(Optional.of(current), previous, current.pointer().version());
    }

    /**
     * Checks that {@code version} is published completely: its manifest, and every file the
     * manifest lists with the size it lists (HEAD requests, nothing downloaded). A version
     * uploaded by hand may lack a file; serving it would fail on every instance.
     *
     * @return its manifest
     * @throws RegistryException naming what is missing
     */
    public ArtifactManifest verifyComplete(String version) throws IOException {
        ArtifactManifest manifest = readManifest(version);
        requireOwnVersion(manifest, version, uri + "/" + version);
        List<ArtifactFile> files = manifest.files() == null ? List.of() : manifest.files();
        if (files.isEmpty()) {
            throw new RegistryException(uri + "/" + version + ": the manifest lists no files");
        }
        for (ArtifactFile file : files) {
            HeadObjectResponse head;
            try {
                head = s3.headObject(HeadObjectRequest.builder().bucket(uri.bucket())
                        .key(uri.versionPrefix(version) + file.path()).build());
            } catch (S3Exception e) {
                if (e.statusCode() == NOT_FOUND) {
                    throw new RegistryException(uri + "/" + version + " is incomplete: " + file.path()
                            + " is missing; publish the version again");
                }
                throw e;
            }
            if (head.contentLength() == null || head.contentLength() != file.size()) {
                throw new RegistryException(uri + "/" + version + " is incomplete: " + file.path() + " has "
                        + head.contentLength() + " bytes where the manifest lists " + file.size());
            }
        }
        return manifest;
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
            s3.putObject(request.build(), RequestBody.fromBytes(Json.MAPPER.writeValueAsBytes(pointer)));
        } catch (S3Exception e) {
            if (e.statusCode() != PRECONDITION_FAILED && e.statusCode() != CONFLICT) {
                throw e;
            }
            Optional<CurrentPointer> now = current().map(PointerRead::pointer);
            if (now.isPresent() && now.get().version().equals(version)
                    && Objects.equals(now.get().previous(), previous)) {
                // Ours landed and its answer was lost; the SDK's retry met our own write.
                LOG.infof("%s already serves %s (previous: %s)", uri, version, previous);
                return now.get();
            }
            throw new PointerMovedException(uri, previous, now.map(CurrentPointer::version).orElse(null), version);
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

    /**
     * A version folder with no manifest: an upload cut off (or still under way, if recent). Never
     * served or promoted, since both read the manifest first.
     *
     * @param lastModified when its newest file was written
     */
    public record IncompleteVersion(String version, int files, long bytes, Instant lastModified) {}

    /** Version folders with files but no manifest, oldest first. */
    public List<IncompleteVersion> incomplete() {
        List<IncompleteVersion> found = new ArrayList<>();
        var pages = s3.listObjectsV2Paginator(ListObjectsV2Request.builder()
                .bucket(uri.bucket()).prefix(uri.modelKey() + "/").delimiter("/").build());
        for (CommonPrefix prefix : pages.commonPrefixes()) {
            String version = prefix.prefix().substring(uri.modelKey().length() + 1).replaceAll("/$", "");
            List<S3Object> objects = versionObjects(version);
            if (objects.stream().noneMatch(o -> o.key().equals(uri.versionPrefix(version) + ModelArtifact.MANIFEST))) {
                found.add(new IncompleteVersion(version, objects.size(), objects.stream().mapToLong(S3Object::size).sum(),
                        objects.stream().map(S3Object::lastModified).max(Comparator.naturalOrder()).orElse(Instant.EPOCH)));
            }
        }
        found.sort(Comparator.comparing(IncompleteVersion::version));
        return found;
    }

    /**
     * Deletes the incomplete versions whose newest file is older than {@code olderThan}: an upload
     * younger than that may still be under way, and deleting its files would make it fail.
     *
     * @return the versions deleted
     */
    public List<IncompleteVersion> clean(Duration olderThan) {
        Instant before = Instant.now().minus(olderThan);
        List<IncompleteVersion> deleted = new ArrayList<>();
        for (IncompleteVersion version : incomplete()) {
            if (version.lastModified().isBefore(before)) {
                for (S3Object object : versionObjects(version.version())) {
                    s3.deleteObject(DeleteObjectRequest.builder().bucket(uri.bucket()).key(object.key()).build());
                }
                LOG.infof("deleted the incomplete version %s/%s (%d files)", uri, version.version(), version.files());
                deleted.add(version);
            }
        }
        return deleted;
    }

    private List<S3Object> versionObjects(String version) {
        List<S3Object> objects = new ArrayList<>();
        s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(uri.bucket())
                .prefix(uri.versionPrefix(version)).build()).contents().forEach(objects::add);
        return objects;
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

    /** What a download fetches: every listed file, or only what loading the model needs. */
    public enum Contents {
        ALL,
        /** Without the training report: the function serving the model never reads it. */
        MODEL_ONLY
    }

    /**
     * Downloads a version, report included, into {@code cacheRoot/<name>/<version>} and verifies it;
     * a version already there and intact is not downloaded again.
     *
     * @return the local artifact directory
     * @throws InvalidArtifactException if the files do not match their manifest
     */
    public Path download(String version, Path cacheRoot) throws IOException {
        return download(version, cacheRoot, Contents.ALL).dir();
    }

    /** A downloaded version: its directory, and the manifest its files were verified against. */
    public record Downloaded(Path dir, ArtifactManifest manifest) {}

    /** As {@link #download(String, Path)}, fetching only {@code contents}. */
    public Downloaded download(String version, Path cacheRoot, Contents contents) throws IOException {
        return download(version, cacheRoot, contents, Long.MAX_VALUE);
    }

    /**
     * As {@link #download(String, Path, Contents)}, refusing a version whose files to fetch add up
     * to more than {@code maxBytes} before any is downloaded.
     *
     * @throws ModelTooLargeException if the version is larger than {@code maxBytes}
     */
    public Downloaded download(String version, Path cacheRoot, Contents contents, long maxBytes)
            throws IOException {
        Path target = cacheRoot.resolve(uri.name()).resolve(version);
        String name = uri + "/" + version;
        if (Files.isDirectory(target)) {
            try {
                ArtifactManifest manifest = ModelArtifact.verify(target, name);
                requireOwnVersion(manifest, version, name);
                requireFits(manifest, contents, maxBytes, name);
                LOG.debugf("%s/%s is cached in %s", uri, version, target);
                return new Downloaded(target, manifest);
            } catch (InvalidArtifactException e) {
                LOG.warnf("cached copy of %s is damaged, downloading again: %s", version, e.getMessage());
                FileUtils.deleteDirectory(target.toFile());
            }
        }
        Files.createDirectories(target.getParent());
        Path staging = Files.createTempDirectory(target.getParent(), "." + version + ".partial-");
        try {
            String prefix = uri.versionPrefix(version);
            long deadline = timeouts == null ? 0 : System.nanoTime() + timeouts.download().toNanos();
            getToFile(prefix + ModelArtifact.MANIFEST, staging.resolve(ModelArtifact.MANIFEST), deadline, name);
            ArtifactManifest manifest = ModelArtifact.readManifest(staging, name);
            requireOwnVersion(manifest, version, name);
            requireFits(manifest, contents, maxBytes, name);
            fetchFiles(manifest, contents, staging, prefix, deadline, name);
            ArtifactManifest verified;
            try {
                verified = ModelArtifact.verify(staging, name);
            } catch (InvalidArtifactException mismatch) {
                // A body damaged on the way (scripts/chaos met an empty weights file under S3 faults)
                // looks like a tampered version, which is refused for good: fetch once more first.
                LOG.warnf("%s did not match its manifest as downloaded; fetching its files again: %s", name,
                        mismatch.getMessage());
                fetchFiles(manifest, contents, staging, prefix, deadline, name);
                verified = ModelArtifact.verify(staging, name);
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            return new Downloaded(target, verified);
        } finally {
            FileUtils.deleteDirectory(staging.toFile());
        }
    }

    private void fetchFiles(ArtifactManifest manifest, Contents contents, Path staging, String prefix, long deadline,
            String name) throws IOException {
        for (ArtifactFile file : manifest.files()) {
            if (!fetched(file, contents)) {
                continue;
            }
            Path local = staging.resolve(file.path()).normalize();
            if (!local.startsWith(staging)) {
                throw new InvalidArtifactException(name + ": the manifest names a file outside the artifact: "
                        + file.path());
            }
            Files.createDirectories(local.getParent());
            Files.deleteIfExists(local);
            getToFile(prefix + file.path(), local, deadline, name);
        }
    }

    private static boolean fetched(ArtifactFile file, Contents contents) {
        return contents == Contents.ALL || !file.path().equals(ModelArtifact.REPORT);
    }

    /**
     * A manifest must name the version its folder is: served under either name, {@code GET /model}
     * and the metrics would report a version {@code current.json} never named, and a rollback would
     * aim at the wrong one. Refused rather than renamed, as whoever wrote it made a mistake to fix.
     */
    private static void requireOwnVersion(ArtifactManifest manifest, String version, String name)
            throws InvalidArtifactException {
        if (!version.equals(manifest.version())) {
            throw new InvalidArtifactException(name + ": its manifest names version " + manifest.version()
                    + ", not its folder's " + version + "; publish it under its own version");
        }
    }

    private static void requireFits(ArtifactManifest manifest, Contents contents, long maxBytes, String name)
            throws ModelTooLargeException {
        ModelArtifact.requireFits(manifest, file -> fetched(file, contents), maxBytes, name);
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
                    FileUtils.deleteDirectory(version.toFile());
                    deleted.add(version.getFileName().toString());
                }
            }
        }
        return deleted;
    }

    /** Reads a version's manifest; refuses one that does not exist. */
    public ArtifactManifest readManifest(String version) throws IOException {
        return findManifest(version).orElseThrow(() ->
                new RegistryException(uri + "/" + version + " does not exist (no manifest.json)"));
    }

    /**
     * Reads one file of a version whole, checked against the sha256 its manifest lists: for small
     * files a caller wants without downloading the version (the training report).
     *
     * @return its bytes, or empty if the manifest lists no such file
     * @throws InvalidArtifactException if the file does not match its manifest
     */
    public Optional<byte[]> readFile(String version, String path) throws IOException {
        ArtifactManifest manifest = readManifest(version);
        Optional<ArtifactFile> listed = manifest.files() == null ? Optional.empty()
                : manifest.files().stream().filter(f -> f.path().equals(path)).findFirst();
        if (listed.isEmpty()) {
            return Optional.empty();
        }
        String key = uri.versionPrefix(version) + path;
        byte[] bytes = s3.getObjectAsBytes(GetObjectRequest.builder().bucket(uri.bucket()).key(key)
                .overrideConfiguration(downloadTimeouts()).build()).asByteArray();
        if (!Sha256.of(bytes).equalsIgnoreCase(listed.get().sha256())) {
            throw new InvalidArtifactException(uri + "/" + version + ": " + path + " does not match the manifest");
        }
        return Optional.of(bytes);
    }

    private Optional<ArtifactManifest> findManifest(String version) throws IOException {
        try {
            // Bounded like the file it is read for: the function reads a report this way within a
            // request, which a frozen S3 could otherwise hold through the SDK's retries of 30 s reads.
            byte[] bytes = s3.getObjectAsBytes(GetObjectRequest.builder().bucket(uri.bucket())
                    .key(uri.versionPrefix(version) + ModelArtifact.MANIFEST)
                    .overrideConfiguration(downloadTimeouts()).build()).asByteArray();
            return Optional.of(Json.MAPPER.readValue(bytes, ArtifactManifest.class));
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Downloads {@code key} of version {@code name}; with timeouts, within what is left until {@code
     * deadline} (nanoTime). A missing key is named: the version is incomplete (uploaded by hand, in
     * any order, or a file deleted), which the next check may find mended.
     */
    private void getToFile(String key, Path file, long deadline, String name) throws IOException {
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(uri.bucket()).key(key);
        if (timeouts != null) {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                throw new IOException(uri + ": the download took longer than " + timeouts.download());
            }
            // Both set: a request's override replaces the client's, which bounds the pointer reads.
            request.overrideConfiguration(o -> o.apiCallTimeout(left).apiCallAttemptTimeout(left));
        }
        GetObjectRequest get = request.build();
        try {
            Long expected = s3.getObject(get, file).contentLength();
            long arrived = Files.size(file);
            // The SDK can take a body the connection cut short for the whole object; caught here it is
            // a failed download, retried at the next check, not a version refused for good.
            if (expected != null && expected != arrived) {
                throw new IOException(name + ": s3://" + uri.bucket() + "/" + key + " arrived with " + arrived + " of its "
                        + expected + " bytes; fetched again at the next check");
            }
        } catch (S3Exception e) {
            if (MissingKeys.isMissing(s3, uri.bucket(), key, e, get.overrideConfiguration()
                    .orElseGet(() -> AwsRequestOverrideConfiguration.builder().build()))) {
                throw new RegistryException(name + " is incomplete: s3://" + uri.bucket() + "/" + key
                        + " is missing", e);
            }
            throw e;
        }
    }

    /** One whole-file read with the download's bound, when this registry has timeouts. */
    private AwsRequestOverrideConfiguration downloadTimeouts() {
        AwsRequestOverrideConfiguration.Builder override = AwsRequestOverrideConfiguration.builder();
        if (timeouts != null) {
            override.apiCallTimeout(timeouts.download()).apiCallAttemptTimeout(timeouts.download());
        }
        return override.build();
    }

    private AwsRequestOverrideConfiguration pointerTimeouts() {
        AwsRequestOverrideConfiguration.Builder override = AwsRequestOverrideConfiguration.builder();
        if (timeouts != null) {
            override.apiCallAttemptTimeout(timeouts.pointerAttempt()).apiCallTimeout(timeouts.pointerCall());
        }
        return override.build();
    }

    private CurrentPointer parsePointer(byte[] bytes) throws RegistryException {
        try {
            CurrentPointer pointer = Json.MAPPER.readValue(bytes, CurrentPointer.class);
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
