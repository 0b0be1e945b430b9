package dev.transformerlambda.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.aws.LocalS3Server;
import dev.transformerlambda.model.InvalidArtifactException;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.registry.ModelRegistry.PointerRead;
import dev.transformerlambda.training.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** The registry against a real S3-compatible server (S3Mock) started for this class. */
class ModelRegistryIT {

    private static LocalS3Server server;
    private static S3Client s3;
    private static List<Path> models;

    @TempDir
    static Path dir;

    private ModelRegistry registry;

    @BeforeAll
    static void startS3AndTrainModels() throws Exception {
        server = LocalS3Server.start("models");
        s3 = server.client();
        models = new ArrayList<>();
        for (int seed = 1; seed <= 4; seed++) {
            models.add(TinyModels.train(dir.resolve("model" + seed), seed));
        }
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
        server.close();
    }

    @BeforeEach
    void freshRegistryPrefix(org.junit.jupiter.api.TestInfo test) {
        registry = new ModelRegistry(s3, RegistryUri.parse("s3://models/" + test.getTestMethod().orElseThrow().getName() + "/sst2"));
    }

    @Test
    void publishedVersionsAreListedWithMetricsAndOnlyPromotedOnesAreCurrent() throws Exception {
        String v1 = registry.publish(models.get(0));
        String v2 = registry.publish(models.get(1));
        assertTrue(registry.current().isEmpty(), "publishing alone serves nothing");

        registry.promote(v1);

        List<VersionInfo> versions = registry.list();
        assertEquals(List.of(v1, v2).stream().sorted().toList(), versions.stream().map(VersionInfo::version).toList());
        assertEquals(List.of(v1), versions.stream().filter(VersionInfo::current).map(VersionInfo::version).toList());
        assertTrue(versions.get(0).accuracy() > 0.5);
    }

    @Test
    void promoteAndRollbackMoveThePointerAndRememberThePrevious() throws Exception {
        String v1 = registry.publish(models.get(0));
        String v2 = registry.publish(models.get(1));

        registry.promote(v1);
        CurrentPointer afterPromote = registry.promote(v2);
        assertEquals(new CurrentPointer(v2, v1, afterPromote.updated()), afterPromote);

        CurrentPointer afterRollback = registry.rollback();
        assertEquals(v1, afterRollback.version());
        assertEquals(v2, afterRollback.previous());
        assertEquals(v1, registry.current().orElseThrow().pointer().version());
    }

    @Test
    void theServingDownloadLeavesTheTrainingReportBehind(@TempDir Path cache) throws Exception {
        assertTrue(Files.isRegularFile(models.get(0).resolve(ModelArtifact.REPORT)), "trained models carry a report");
        String v1 = registry.publish(models.get(0));

        Path served = registry.download(v1, cache.resolve("serving"), ModelRegistry.Contents.MODEL_ONLY).dir();
        Path everything = registry.download(v1, cache.resolve("cli"));

        assertFalse(Files.exists(served.resolve(ModelArtifact.REPORT)));
        ModelArtifact.verify(served);
        assertTrue(Files.isRegularFile(everything.resolve(ModelArtifact.REPORT)));
    }

    /** A retry after a lost answer, or a second run of the same job, publishes the same bytes again. */
    @Test
    void publishingTheSameArtifactAgainSucceedsAndChangesNothing() throws Exception {
        String v1 = registry.publish(models.get(0));
        String etag = manifestEtag(v1);

        assertEquals(v1, registry.publish(models.get(0)));

        assertEquals(etag, manifestEtag(v1), "the manifest was not rewritten");
        assertEquals(List.of(v1), registry.list().stream().map(VersionInfo::version).toList());
    }

    @Test
    void aDifferentArtifactUnderAPublishedVersionIsRefused() throws Exception {
        String v1 = registry.publish(models.get(0));
        Path impostor = TinyModels.copyAs(models.get(1), dir.resolve("impostor-" + System.nanoTime()), v1);

        RegistryException e = assertThrows(RegistryException.class, () -> registry.publish(impostor));

        // Trained on other seeds' training parts, the two differ from their tokenizers on.
        assertTrue(e.getMessage().matches(".*" + v1 + " already exists with other content \\(\\S+ differs\\).*"),
                e.getMessage());
        registry.download(v1, dir.resolve("cache-" + System.nanoTime())); // still the original, intact
    }

    /** A publish killed after the files and before the manifest is completed by running it again. */
    @Test
    void anInterruptedPublishIsCompletedByPublishingAgain() throws Exception {
        Path artifact = models.get(0);
        String version = ModelArtifact.verify(artifact).version();
        for (String file : List.of(ModelArtifact.TOKENIZER, ModelArtifact.WEIGHTS)) {
            s3.putObject(PutObjectRequest.builder().bucket("models")
                    .key(registry.uri().modelKey() + "/" + version + "/" + file).build(),
                    RequestBody.fromFile(artifact.resolve(file)));
        }
        assertTrue(registry.list().isEmpty(), "no manifest, no version");

        assertEquals(version, registry.publish(artifact));

        assertEquals(List.of(version), registry.list().stream().map(VersionInfo::version).toList());
        registry.promote(version);
    }

    /**
     * The SDK retries a write whose answer was lost; the retry meets the write it repeats and gets
     * 412. Replayed here: the same conditional write twice, on the same read.
     */
    @Test
    void aPromoteRetriedAfterItLandedIsASuccess() throws Exception {
        String v1 = registry.publish(models.get(0));
        String v2 = registry.publish(models.get(1));
        assertEquals(v1, registry.movePointer(Optional.empty(), v1, null).version());
        assertEquals(v1, registry.movePointer(Optional.empty(), v1, null).version(), "the first ever, retried");
        PointerRead read = registry.current().orElseThrow();
        registry.movePointer(Optional.of(read), v2, v1);

        CurrentPointer retried = registry.movePointer(Optional.of(read), v2, v1);

        assertEquals(v2, retried.version());
        assertEquals(v1, retried.previous());
        assertEquals(new CurrentPointer(v2, v1, retried.updated()), registry.current().orElseThrow().pointer());
    }

    @Test
    void promotingTheVersionAlreadyServedKeepsItsPrevious() throws Exception {
        String v1 = registry.publish(models.get(0));
        String v2 = registry.publish(models.get(1));
        registry.promote(v1);
        registry.promote(v2);
        String etag = registry.current().orElseThrow().etag();

        CurrentPointer again = registry.promote(v2);

        assertEquals(v1, again.previous());
        assertEquals(etag, registry.current().orElseThrow().etag(), "current.json was not rewritten");
        assertEquals(v1, registry.rollback().version());
    }

    @Test
    void anIncompleteVersionIsNotPromoted() throws Exception {
        Path artifact = models.get(2);
        String version = ModelArtifact.verify(artifact).version();
        String prefix = registry.uri().modelKey() + "/" + version + "/";
        for (String file : List.of(ModelArtifact.MANIFEST, ModelArtifact.TOKENIZER)) {
            s3.putObject(PutObjectRequest.builder().bucket("models").key(prefix + file).build(),
                    RequestBody.fromFile(artifact.resolve(file)));
        }

        RegistryException missing = assertThrows(RegistryException.class, () -> registry.promote(version));
        assertTrue(missing.getMessage().contains(version + " is incomplete: weights.params is missing"),
                missing.getMessage());

        byte[] weights = Files.readAllBytes(artifact.resolve(ModelArtifact.WEIGHTS));
        s3.putObject(PutObjectRequest.builder().bucket("models").key(prefix + ModelArtifact.WEIGHTS).build(),
                RequestBody.fromBytes(java.util.Arrays.copyOf(weights, weights.length / 2)));
        RegistryException truncated = assertThrows(RegistryException.class, () -> registry.promote(version));
        assertTrue(truncated.getMessage().contains("weights.params has " + weights.length / 2 + " bytes where the"
                + " manifest lists " + weights.length), truncated.getMessage());
        assertTrue(registry.current().isEmpty(), "nothing was promoted");
    }

    /**
     * The promotion gate reads current.json, scores for minutes, then promotes; a rollback made
     * meanwhile must not be undone.
     */
    @Test
    void aPromotionDecidedOnAPointerThatMovedSinceIsRefusedNamingBothVersions() throws Exception {
        String v1 = registry.publish(models.get(0));
        String v2 = registry.publish(models.get(1));
        String v3 = registry.publish(models.get(2));
        registry.promote(v1);
        registry.promote(v2);
        Optional<PointerRead> comparedWith = registry.current();

        registry.rollback(); // an operator, while the gate scores v3 against v2

        PointerMovedException e = assertThrows(PointerMovedException.class,
                () -> registry.promote(v3, comparedWith));
        assertEquals(v2, e.expected());
        assertEquals(v1, e.found());
        assertTrue(e.getMessage().contains("named " + v2 + " when read and now names " + v1), e.getMessage());
        assertEquals(new CurrentPointer(v1, v2, null),
                new CurrentPointer(registry.current().orElseThrow().pointer().version(),
                        registry.current().orElseThrow().pointer().previous(), null), "the rollback stands");
    }

    @Test
    void promotingAnUnknownVersionOrRollingBackTheFirstIsRefused() throws Exception {
        assertTrue(assertThrows(RegistryException.class, () -> registry.promote("20260101T000000Z-000000"))
                .getMessage().contains("does not exist"));
        registry.promote(registry.publish(models.get(0)));
        assertTrue(assertThrows(RegistryException.class, () -> registry.rollback())
                .getMessage().contains("no previous version"));
    }

    /**
     * Two publishers racing: both read current.json, A moves it first, B then writes on what it
     * read. The interleaving is replayed step by step rather than left to threads: S3Mock checks
     * If-Match and writes without a lock, so two truly simultaneous writes can both pass there,
     * where S3 itself serializes them.
     */
    @Test
    void ofTwoRacingPublishersTheSecondIsRefusedAndNothingIsLost() throws Exception {
        String v1 = registry.publish(models.get(0));
        String v2 = registry.publish(models.get(1));
        String v3 = registry.publish(models.get(2));
        registry.promote(v1);
        PointerRead readByB = registry.current().orElseThrow();

        registry.promote(v2); // A wins the race
        RegistryException e = assertThrows(RegistryException.class,
                () -> registry.movePointer(Optional.of(readByB), v3, v1)); // B writes on what it read

        assertTrue(e.getMessage().contains("was moved by someone else: it named " + v1 + " when read and now names "
                + v2), e.getMessage());
        assertEquals(v2, registry.current().orElseThrow().pointer().version());
        assertEquals(3, registry.list().size(), "no version was lost");
    }

    private String manifestEtag(String version) {
        return s3.headObject(HeadObjectRequest.builder().bucket("models")
                .key(registry.uri().modelKey() + "/" + version + "/" + ModelArtifact.MANIFEST).build()).eTag();
    }

    @Test
    void downloadVerifiesAndReusesAnIntactCachedCopy() throws Exception {
        String v1 = registry.publish(models.get(0));
        Path cache = dir.resolve("cache-" + System.nanoTime());

        Path first = registry.download(v1, cache);
        assertEquals(ModelArtifact.verify(models.get(0)).version(), ModelArtifact.verify(first).version());
        long modified = Files.getLastModifiedTime(first.resolve(ModelArtifact.WEIGHTS)).toMillis();

        Path second = registry.download(v1, cache);
        assertEquals(first, second);
        assertEquals(modified, Files.getLastModifiedTime(second.resolve(ModelArtifact.WEIGHTS)).toMillis());
    }

    @Test
    void aVersionTamperedWithInS3IsRefusedOnDownload() throws Exception {
        String v1 = registry.publish(models.get(0));
        byte[] weights = Files.readAllBytes(models.get(0).resolve(ModelArtifact.WEIGHTS));
        weights[weights.length / 2] ^= 0x10;
        s3.putObject(PutObjectRequest.builder().bucket("models")
                .key(registry.uri().modelKey() + "/" + v1 + "/" + ModelArtifact.WEIGHTS).build(),
                RequestBody.fromBytes(weights));

        InvalidArtifactException e = assertThrows(InvalidArtifactException.class,
                () -> registry.download(v1, dir.resolve("cache-tampered")));

        assertTrue(e.getMessage().startsWith(registry.uri() + "/" + v1 + ": weights.params does not match the"
                + " manifest"), "names the version and the file: " + e.getMessage());
        assertFalse(e.getMessage().contains(dir.toString()), "not this machine's paths: " + e.getMessage());
        assertFalse(Files.exists(dir.resolve("cache-tampered/sst2/" + v1)), "nothing half-downloaded is kept");
    }

    @Test
    void conditionalReadOfThePointerIsEmptyWhileUnchanged() throws Exception {
        registry.promote(registry.publish(models.get(0)));
        PointerRead read = registry.current().orElseThrow();

        assertTrue(registry.currentIfChanged(read.etag()).isEmpty());

        registry.promote(registry.publish(models.get(1)));
        assertTrue(registry.currentIfChanged(read.etag()).isPresent());
    }
}
