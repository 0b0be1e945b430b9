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
    void aVersionIsNeverOverwritten() throws Exception {
        String v1 = registry.publish(models.get(0));

        RegistryException e = assertThrows(RegistryException.class, () -> registry.publish(models.get(0)));

        assertTrue(e.getMessage().contains(v1 + " already exists"), e.getMessage());
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

        assertTrue(e.getMessage().contains("was moved by someone else (it now points to " + v2 + ")"), e.getMessage());
        assertEquals(v2, registry.current().orElseThrow().pointer().version());
        assertEquals(3, registry.list().size(), "no version was lost");
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

        assertTrue(e.getMessage().contains("weights.params does not match the manifest"), e.getMessage());
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
