package dev.transformerlambda.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.cli.Main;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ModelArtifact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed mid-run, as a Spot reclamation kills a Batch job, and started again
 * with the same job id, continues from its last checkpoint and ends with a valid artifact.
 */
class CheckpointResumeIT {

    private static final int EPOCHS = 10;

    @TempDir
    Path dir;

    @Test
    void aKilledRunResumesAtItsCheckpointedEpochAndFinishes() throws Exception {
        Path log = dir.resolve("first.log");
        Process first = start(dir.resolve("model"), log);
        awaitLine(first, log, "checkpoint: epoch 2 saved");
        first.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        String firstOutput = Files.readString(log);
        assertFalse(firstOutput.contains("wrote "), "killed before the end: " + firstOutput);

        Path secondLog = dir.resolve("second.log");
        Process second = start(dir.resolve("model"), secondLog);
        assertTrue(second.waitFor(5, TimeUnit.MINUTES), "the resumed run finished");
        String output = Files.readString(secondLog);
        assertEquals(0, second.exitValue(), output);

        int resumedAt = Integer.parseInt(output.replaceAll("(?s).*resuming from the checkpoint of epoch (\\d+).*", "$1"));
        assertTrue(resumedAt >= 2, output);
        assertFalse(output.contains("epoch 1: train loss"), "epoch 1 was not run again: " + output);
        ArtifactManifest manifest = ModelArtifact.verify(dir.resolve("model"));
        assertEquals(EPOCHS, manifest.training().epochs(), "the history spans both processes");
        assertTrue(manifest.metrics().accuracy() >= 0.9, "accuracy " + manifest.metrics().accuracy());
    }

    @Test
    void aKilledDistillationResumesAtItsCheckpointWithoutScoringTheTextsAgain() throws Exception {
        String[] distill = {"distill", "--teacher", "src/main/models/sst2", "--augment-per-text", "5",
                "--teacher-cache", dir.resolve("teacher-cache").toString()};
        Path log = dir.resolve("first.log");
        Process first = start(dir.resolve("student"), log, distill, "--learning-rate", "0.003");
        awaitLine(first, log, "checkpoint: epoch 2 saved");
        first.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        assertTrue(Files.readString(log).contains("teacher logits: "), Files.readString(log));

        Path secondLog = dir.resolve("second.log");
        Process second = start(dir.resolve("student"), secondLog, distill, "--learning-rate", "0.003");
        assertTrue(second.waitFor(5, TimeUnit.MINUTES), "the resumed run finished");
        String output = Files.readString(secondLog);
        assertEquals(0, second.exitValue(), output);

        assertTrue(output.contains("from the cache"), "the teacher did not score the texts again: " + output);
        assertTrue(output.matches("(?s).*resuming from the checkpoint of epoch [2-9].*"), output);
        assertFalse(output.contains("epoch 1: train loss"), "epoch 1 was not run again: " + output);
        ArtifactManifest manifest = ModelArtifact.verify(dir.resolve("student"));
        assertEquals(EPOCHS, manifest.training().epochs(), "the history spans both processes");
        assertEquals("sst2", manifest.lineage().teacher().name());
    }

    @Test
    void aCorruptCheckpointIsRefusedWithAClearMessage() throws Exception {
        Path log = dir.resolve("first.log");
        Process first = start(dir.resolve("model"), log);
        assertTrue(first.waitFor(5, TimeUnit.MINUTES));
        Path checkpoint = latestCheckpoint();
        byte[] weights = Files.readAllBytes(checkpoint.resolve("weights.params"));
        weights[weights.length / 2] ^= 0x01;
        Files.write(checkpoint.resolve("weights.params"), weights);

        Process second = start(dir.resolve("model2"), dir.resolve("second.log"));
        assertTrue(second.waitFor(2, TimeUnit.MINUTES));

        String output = Files.readString(dir.resolve("second.log"));
        assertEquals(1, second.exitValue(), output);
        assertTrue(output.contains("is corrupt: weights.params is missing or does not match its sha256"), output);
    }

    @Test
    void aCheckpointOfAnotherConfigurationIsNotMixedIn() throws Exception {
        Process first = start(dir.resolve("model"), dir.resolve("first.log"));
        assertTrue(first.waitFor(5, TimeUnit.MINUTES));

        Process other = start(dir.resolve("model2"), dir.resolve("other.log"), "--learning-rate", "0.001");
        assertTrue(other.waitFor(2, TimeUnit.MINUTES));

        String output = Files.readString(dir.resolve("other.log"));
        assertEquals(1, other.exitValue(), output);
        assertTrue(output.contains("was written by a run with other data or options"), output);
    }

    private Path latestCheckpoint() throws IOException {
        Path jobDir = dir.resolve("checkpoints/job-42");
        return jobDir.resolve(Files.readString(jobDir.resolve("LATEST")).strip());
    }

    private Process start(Path output, Path log, String... extra) throws Exception {
        return start(output, log, new String[] {"train"}, extra);
    }

    /** {@code command} (train, or distill and its options) on the fixture, checkpointing as job-42. */
    private Process start(Path output, Path log, String[] command, String... extra) throws Exception {
        List<String> line = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        line.addAll(List.of(command));
        line.addAll(List.of("--data", fixture("sentiment-train.tsv"), "--eval-data", fixture("sentiment-dev.tsv"),
                "--output", output.toString(), "--name", "tiny", "--layers", "1", "--width", "32", "--heads", "2",
                "--ffn-size", "64", "--max-length", "32", "--vocabulary-size", "300", "--epochs", "" + EPOCHS,
                "--patience", "" + EPOCHS, "--batch-size", "16", "--dropout", "0.1",
                "--checkpoint", dir.resolve("checkpoints").toString(), "--job-id", "job-42"));
        if (extra.length == 0) {
            line.addAll(List.of("--learning-rate", "0.003"));
        } else {
            line.addAll(List.of(extra));
        }
        return new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitLine(Process process, Path log, String line) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.readString(log).contains(line)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the run ended before '" + line + "': " + Files.readString(log));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no '" + line + "' within 3 minutes: " + Files.readString(log));
    }

    private static String fixture(String name) throws Exception {
        return Path.of(CheckpointResumeIT.class.getResource("/fixtures/" + name).toURI()).toString();
    }
}
