package dev.transformerlambda.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.aws.FaultyLocalS3;
import dev.transformerlambda.aws.FaultyS3Proxy;
import dev.transformerlambda.cli.Main;
import dev.transformerlambda.aws.FaultyS3Proxy.Request;
import dev.transformerlambda.model.DefaultModelTest;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.training.TinyModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code publish}, {@code promote} and {@code rollback} as the command line makes them, through a
 * {@link FaultyS3Proxy}: each either completes or leaves the registry as it was, and
 * {@code current.json} never names a version that is not complete.
 */
class PublishUnderFaultsIT {

    private static final String VERSION = "20270401T000000Z-faults";

    @RegisterExtension
    static final FaultyLocalS3 S3 = new FaultyLocalS3("models");

    private static int registries;

    @TempDir
    Path dir;

    private RegistryUri uri;

    /** A registry of its own for each test, written through the proxy. */
    private ModelRegistry faulty() {
        uri = RegistryUri.parse("s3://models/publish-" + ++registries + "/sst2");
        return new ModelRegistry(S3.throughProxy(), uri);
    }

    private ModelRegistry operator() {
        return new ModelRegistry(S3.direct(), uri);
    }

    private static boolean puts(Request request, String file) {
        return request.method().equals("PUT") && request.keyEndsWith("/" + file);
    }

    @Test
    void aPublishCutOffBeforeItsManifestIsNeverPromotedIsListedIncompleteAndCleaned() throws Exception {
        ModelRegistry registry = faulty();
        S3.proxy().inject(request -> puts(request, ModelArtifact.WEIGHTS),
                new FaultyS3Proxy.Status(500, "InternalError"));

        assertThrows(Exception.class, () -> registry.publish(DefaultModelTest.DEFAULT_MODEL));
        S3.proxy().liftAll();
        List<ModelRegistry.IncompleteVersion> incomplete = operator().incomplete();
        assertEquals(1, incomplete.size(), "the tokenizer landed, the weights and manifest did not");
        String cutOff = incomplete.get(0).version();
        assertEquals(1, incomplete.get(0).files());

        assertThrows(RegistryException.class, () -> operator().promote(cutOff));
        assertEquals(Optional.empty(), operator().current(), "current.json was never written");
        assertTrue(operator().list().isEmpty(), "no complete version");
        String listed = command("list", "--registry", uri.toString());
        assertTrue(listed.matches("(?s).*" + cutOff + " +incomplete: 1 files .*never served.*"), listed);
        assertTrue(operator().clean(Duration.ofHours(1)).isEmpty(), "a recent upload may be under way: kept");

        String cleaned = command("clean", "--registry", uri.toString(), "--older-than", "PT0S");

        assertTrue(cleaned.contains("deleted " + uri + "/" + cutOff + ": 1 files"), cleaned);
        assertTrue(operator().incomplete().isEmpty(), "cleaned");
    }

    /** Runs the command line against the local S3 (past the proxy); its output. */
    private static String command(String... args) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(out, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--s3-endpoint", S3.server().endpoint().toString()));
        assertEquals(0, commandLine.execute(all.toArray(String[]::new)), out.toString());
        return out.toString();
    }

    /** The manifest landed but its answer was lost: the SDK's retry meets 412 and reads it back. */
    @Test
    void aPublishWhoseLastAnswerWasLostCompletesWithoutASecondCopy() throws Exception {
        ModelRegistry registry = faulty();
        Path artifact = TinyModels.copyAs(DefaultModelTest.DEFAULT_MODEL, dir.resolve("lost"), VERSION);
        FaultyS3Proxy.Rule lost = S3.proxy().inject(request -> puts(request, ModelArtifact.MANIFEST),
                new FaultyS3Proxy.LostAnswer(), 1);

        assertEquals(VERSION, registry.publish(artifact));

        assertEquals(1, lost.caught());
        assertEquals(List.of(VERSION), operator().list().stream().map(VersionInfo::version).toList());
        assertTrue(operator().incomplete().isEmpty());
        operator().verifyComplete(VERSION);
    }

    /** Every answer to the manifest's write lost: publish fails, and running it again completes it. */
    @Test
    void aPublishThatFailedOnLostAnswersSucceedsWhenRunAgain() throws Exception {
        ModelRegistry registry = faulty();
        Path artifact = TinyModels.copyAs(DefaultModelTest.DEFAULT_MODEL, dir.resolve("retried"), VERSION);
        S3.proxy().inject(request -> puts(request, ModelArtifact.MANIFEST), new FaultyS3Proxy.LostAnswer());

        assertThrows(Exception.class, () -> registry.publish(artifact));
        S3.proxy().liftAll();

        assertEquals(VERSION, registry.publish(artifact));
        assertEquals(List.of(VERSION), operator().list().stream().map(VersionInfo::version).toList());
    }

    @Test
    void aPromoteWhoseAnswerWasLostMovesThePointerOnce() throws Exception {
        ModelRegistry registry = faulty();
        String first = operator().publish(TinyModels.copyAs(DefaultModelTest.DEFAULT_MODEL, dir.resolve("1"),
                "20270401T000000Z-first"));
        operator().promote(first);
        String second = operator().publish(TinyModels.copyAs(DefaultModelTest.DEFAULT_MODEL, dir.resolve("2"),
                "20270401T000001Z-second"));
        S3.proxy().inject(request -> puts(request, RegistryUri.POINTER), new FaultyS3Proxy.LostAnswer(), 1);

        CurrentPointer pointer = registry.promote(second);

        assertEquals(second, pointer.version());
        assertEquals(first, pointer.previous());
        assertEquals(pointer.version(), operator().current().orElseThrow().pointer().version());
        assertEquals(first, operator().current().orElseThrow().pointer().previous());
    }

    @Test
    void aRollbackThatS3KeepsRefusingLeavesThePointerAsItWas() throws Exception {
        ModelRegistry registry = faulty();
        String first = operator().publish(TinyModels.copyAs(DefaultModelTest.DEFAULT_MODEL, dir.resolve("1"),
                "20270401T000000Z-first"));
        operator().promote(first);
        String second = operator().publish(TinyModels.copyAs(DefaultModelTest.DEFAULT_MODEL, dir.resolve("2"),
                "20270401T000001Z-second"));
        operator().promote(second);
        String etag = operator().current().orElseThrow().etag();
        S3.proxy().inject(request -> puts(request, RegistryUri.POINTER), new FaultyS3Proxy.Status(503, "SlowDown"));

        assertThrows(Exception.class, registry::rollback);

        ModelRegistry.PointerRead now = operator().current().orElseThrow();
        assertEquals(second, now.pointer().version());
        assertEquals(etag, now.etag(), "current.json was not rewritten");
    }

    /** promote checks every file before it moves the pointer; a check S3 fails stops it. */
    @Test
    void aPromoteWhoseFilesCannotBeCheckedLeavesThePointerAsItWas() throws Exception {
        ModelRegistry registry = faulty();
        String version = operator().publish(DefaultModelTest.DEFAULT_MODEL);
        S3.proxy().inject(
                request -> request.method().equals("HEAD") && request.keyEndsWith("/" + ModelArtifact.WEIGHTS),
                new FaultyS3Proxy.Status(500, "InternalError"));

        assertThrows(Exception.class, () -> registry.promote(version));

        assertEquals(Optional.empty(), operator().current());
    }
}
