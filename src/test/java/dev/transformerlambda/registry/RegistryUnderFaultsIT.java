package dev.transformerlambda.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.aws.FaultyLocalS3;
import dev.transformerlambda.aws.FaultyS3Proxy;
import dev.transformerlambda.aws.FaultyS3Proxy.Rule;
import dev.transformerlambda.model.InvalidArtifactException;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.ModelTooLargeException;
import dev.transformerlambda.model.DefaultModelTest;
import dev.transformerlambda.training.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The registry's reads as the serving function makes them (bounded by its timeouts), through a
 * {@link FaultyS3Proxy} in front of the local S3: what each misbehaviour of S3 turns into.
 */
class RegistryUnderFaultsIT {

    private static final ModelRegistry.ReadTimeouts TIMEOUTS =
            new ModelRegistry.ReadTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(10));

    @RegisterExtension
    static final FaultyLocalS3 S3 = new FaultyLocalS3("models");

    private static int registries;

    @TempDir
    Path dir;

    private RegistryUri uri;

    /** A registry of its own for each test, read through the proxy with the function's timeouts. */
    private ModelRegistry served() {
        uri = RegistryUri.parse("s3://models/faults-" + ++registries + "/sst2");
        return new ModelRegistry(S3.throughProxy(), uri, TIMEOUTS);
    }

    private ModelRegistry operator() {
        return new ModelRegistry(S3.direct(), uri);
    }

    /** 403 is what S3 answers for a missing current.json under the template's policy. */
    @Test
    void aRefusedPointerIsFollowedByAListingBoundedByTheSameTimeouts() {
        ModelRegistry registry = served();
        S3.proxy().inject(request -> request.keyEndsWith("/" + RegistryUri.POINTER),
                new FaultyS3Proxy.Status(403, "AccessDenied"));
        Rule listing = S3.proxy().inject(FaultyS3Proxy.Request::isListing, new FaultyS3Proxy.Hang());

        long start = System.nanoTime();
        SdkException failed = assertThrows(SdkException.class, registry::current);
        double seconds = (System.nanoTime() - start) / 1e9;

        assertTrue(listing.caught() > 0, "the refusal was followed by a listing");
        assertTrue(seconds < 5, "gave up on the stalled listing after " + seconds + " s: " + failed);
    }

    @Test
    void aManifestNamingAnotherVersionThanItsFolderIsRefusedForServingAndPromoting() throws Exception {
        ModelRegistry registry = served();
        Path artifact = TinyModels.copyAs(DefaultModelTest.DEFAULT_MODEL, dir.resolve("a"), "20270101T000000Z-a");
        String folder = "20270101T000000Z-b";
        for (String file : new String[] {ModelArtifact.TOKENIZER, ModelArtifact.WEIGHTS, ModelArtifact.REPORT,
                ModelArtifact.MANIFEST}) {
            S3.direct().putObject(PutObjectRequest.builder().bucket(uri.bucket()).key(uri.versionPrefix(folder) + file)
                    .build(), RequestBody.fromFile(artifact.resolve(file)));
        }

        InvalidArtifactException served = assertThrows(InvalidArtifactException.class,
                () -> registry.download(folder, dir.resolve("cache"), ModelRegistry.Contents.MODEL_ONLY));
        assertEquals(uri + "/" + folder + ": its manifest names version 20270101T000000Z-a, not its folder's "
                + folder + "; publish it under its own version", served.getMessage());
        assertThrows(InvalidArtifactException.class, () -> operator().promote(folder));
        assertTrue(operator().current().isEmpty(), "nothing was promoted");
    }

    @Test
    void aFileMissingFromAVersionIsNamedByItsKey() throws Exception {
        ModelRegistry registry = served();
        String version = operator().publish(DefaultModelTest.DEFAULT_MODEL);
        String key = uri.versionPrefix(version) + ModelArtifact.WEIGHTS;
        S3.proxy().inject(request -> request.keyEndsWith("/" + key), new FaultyS3Proxy.Status(404, "NoSuchKey"));

        RegistryException missing = assertThrows(RegistryException.class,
                () -> registry.download(version, dir.resolve("cache"), ModelRegistry.Contents.MODEL_ONLY));

        assertEquals(uri + "/" + version + " is incomplete: s3://" + uri.bucket() + "/" + key + " is missing",
                missing.getMessage());
    }

    /** The key is there (the listing shows it), so a 403 is a real refusal, not a missing file. */
    /** A file damaged on the way is fetched again before the version is called broken; damaged every time, it is. */
    @Test
    void aFileDamagedOnTheWayIsFetchedAgainBeforeTheVersionIsRefused() throws Exception {
        ModelRegistry registry = served();
        String version = operator().publish(DefaultModelTest.DEFAULT_MODEL);
        String key = uri.versionPrefix(version) + ModelArtifact.WEIGHTS;
        // 200 with S3's error document as the body: the weights arrive, but not the manifest's.
        Rule once = S3.proxy().inject(request -> request.method().equals("GET") && request.keyEndsWith("/" + key),
                new FaultyS3Proxy.Status(200, "Garbled"), 1);

        ModelRegistry.Downloaded downloaded =
                registry.download(version, dir.resolve("cache-once"), ModelRegistry.Contents.MODEL_ONLY);

        assertEquals(1, once.caught());
        assertEquals(version, downloaded.manifest().version());
        S3.proxy().inject(request -> request.method().equals("GET") && request.keyEndsWith("/" + key),
                new FaultyS3Proxy.Status(200, "Garbled"));
        assertThrows(InvalidArtifactException.class,
                () -> registry.download(version, dir.resolve("cache-always"), ModelRegistry.Contents.MODEL_ONLY));
    }

    @Test
    void aRefusedFileThatTheListingShowsStaysARefusal() throws Exception {
        ModelRegistry registry = served();
        String version = operator().publish(DefaultModelTest.DEFAULT_MODEL);
        String key = uri.versionPrefix(version) + ModelArtifact.WEIGHTS;
        S3.proxy().inject(request -> request.keyEndsWith("/" + key), new FaultyS3Proxy.Status(403, "AccessDenied"));

        S3Exception refused = assertThrows(S3Exception.class,
                () -> registry.download(version, dir.resolve("cache"), ModelRegistry.Contents.MODEL_ONLY));
        assertEquals(403, refused.statusCode());
    }

    @Test
    void aVersionOverTheSizeLimitIsRefusedBeforeAnyOfItsFilesIsFetched() throws Exception {
        ModelRegistry registry = served();
        String version = operator().publish(DefaultModelTest.DEFAULT_MODEL);
        Rule files = S3.proxy().inject(request -> request.path().contains("/" + version + "/")
                && !request.path().endsWith("/" + ModelArtifact.MANIFEST), new FaultyS3Proxy.Delay(Duration.ZERO));

        ModelTooLargeException tooLarge = assertThrows(ModelTooLargeException.class, () -> registry.download(
                version, dir.resolve("cache"), ModelRegistry.Contents.MODEL_ONLY, 1024 * 1024));

        assertTrue(tooLarge.getMessage().startsWith(uri + "/" + version + ": 5,"), tooLarge.getMessage());
        assertEquals(0, files.caught(), "only the manifest was read");
        assertTrue(Files.notExists(dir.resolve("cache").resolve(uri.name()).resolve(version)), "nothing cached");
    }

    /** How the function reads a version's report, within a request: its manifest read was unbounded. */
    @Test
    void aFileReadWholeGivesUpOnAFrozenS3WithinTheDownloadTimeout() throws Exception {
        ModelRegistry registry = served();
        String version = operator().publish(DefaultModelTest.DEFAULT_MODEL);
        S3.proxy().freeze();

        long start = System.nanoTime();
        assertThrows(SdkException.class, () -> registry.readFile(version, ModelArtifact.REPORT));
        double seconds = (System.nanoTime() - start) / 1e9;

        assertTrue(seconds < TIMEOUTS.download().toSeconds() + 5, "gave up after " + seconds + " s");
    }

    /** A body cut short is retried by the SDK; cut every time, the download fails and caches nothing. */
    @Test
    void aDownloadWhoseBodiesAreCutShortFailsAndCachesNothing() throws Exception {
        ModelRegistry registry = served();
        String version = operator().publish(DefaultModelTest.DEFAULT_MODEL);
        S3.proxy().inject(request -> request.keyEndsWith("/" + ModelArtifact.WEIGHTS), new FaultyS3Proxy.Truncated());

        long start = System.nanoTime();
        assertThrows(Exception.class,
                () -> registry.download(version, dir.resolve("cache"), ModelRegistry.Contents.MODEL_ONLY));
        double seconds = (System.nanoTime() - start) / 1e9;

        assertTrue(seconds < 5, "the short bodies were read as such, not waited on until the 10 s timeout: "
                + seconds + " s");
        S3.proxy().liftAll();
        assertTrue(Files.notExists(dir.resolve("cache").resolve(uri.name()).resolve(version)), "nothing cached");
        assertEquals(version, registry.download(version, dir.resolve("cache"), ModelRegistry.Contents.MODEL_ONLY)
                .manifest().version(), "downloads whole once S3 answers whole");
    }
}
