package dev.transformerlambda.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.transformerlambda.model.ModelArtifact;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import org.apache.commons.io.FileUtils;

/**
 * A training run's checkpoints: after every epoch, the weights, the best epoch's weights, the
 * optimiser's state and the random generator go to a {@link CheckpointStore}; at the start, the
 * latest one there is fetched and checked against the run's fingerprint, so a restarted job goes on
 * where it stopped and never from another run's state.
 */
final class Checkpointer {

    private final CheckpointStore store;
    private final Path staging;
    private final PrintWriter log;

    /** @param staging the run's staging directory, which holds the best epoch's weights */
    Checkpointer(CheckpointStore store, Path staging, PrintWriter log) {
        this.store = store;
        this.staging = staging;
        this.log = log;
    }

    /** A checkpoint to continue from, fetched into {@code dir}. */
    record Resume(Path dir, TrainingCheckpoint checkpoint) {

        /** Loads the checkpoint's latest weights into {@code block}. */
        void loadWeights(Block block, NDManager manager) throws IOException {
            ModelArtifact.readWeights(dir.resolve(TrainingCheckpoint.WEIGHTS), block, manager);
        }

        /** Puts the checkpoint's best weights where the run keeps its best epoch's. */
        void restoreBestWeights(Path staging) throws IOException {
            Files.copy(dir.resolve(TrainingCheckpoint.BEST_WEIGHTS), staging.resolve(ModelArtifact.WEIGHTS));
        }
    }

    /**
     * The latest checkpoint in the store, if any, fetched into the staging directory.
     *
     * @throws IOException if it cannot be read, or was saved by a run with another fingerprint
     */
    Optional<Resume> latest(String fingerprint) throws IOException {
        Optional<Path> latest = store.fetchLatest(staging.resolve(".resume"));
        return latest.isEmpty() ? Optional.empty()
                : Optional.of(new Resume(latest.get(), TrainingCheckpoint.read(latest.get(), fingerprint)));
    }

    /** Saves the end of an epoch: {@code block}'s weights, the best ones so far, and the rest of {@code state}. */
    void save(Block block, NDList optimizerState, Random random, TrainingCheckpoint state) throws IOException {
        Path dir = Files.createDirectories(staging.resolve(".checkpoint"));
        try {
            ModelArtifact.writeWeights(dir, block);
            Files.copy(staging.resolve(ModelArtifact.WEIGHTS), dir.resolve(TrainingCheckpoint.BEST_WEIGHTS));
            TrainingCheckpoint.write(dir, state, optimizerState, random);
            String name = String.format("epoch-%04d", state.epoch());
            store.store(dir, name);
            log.printf("checkpoint: epoch %d saved (%s)%n", state.epoch(), name);
        } finally {
            FileUtils.deleteDirectory(dir.toFile());
        }
    }

    /** Removes what resuming fetched, once the run no longer needs it. */
    void clean() throws IOException {
        FileUtils.deleteDirectory(staging.resolve(".resume").toFile());
    }
}
