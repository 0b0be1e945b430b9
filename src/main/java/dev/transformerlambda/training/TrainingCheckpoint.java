package dev.transformerlambda.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.transformerlambda.digest.Sha256;
import dev.transformerlambda.json.Json;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ClassificationMetrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The state of a training run at the end of an epoch: enough to continue it elsewhere as if it had
 * not stopped. The weights, the best epoch's weights, the optimiser's moments and the shuffling
 * RNG are files beside {@code checkpoint.json}, which holds the rest and each file's sha256.
 *
 * @param fingerprint identifies the data and options; a checkpoint of another run is refused
 * @param epoch the last epoch completed
 * @param stepsDone optimiser steps so far
 * @param bestEpoch the epoch with the best evaluation accuracy so far
 * @param best that epoch's evaluation metrics
 * @param history every epoch so far
 * @param sha256 each other file's sha256
 */
record TrainingCheckpoint(String fingerprint, int epoch, int stepsDone, int bestEpoch, ClassificationMetrics best,
        List<ArtifactManifest.Epoch> history, Map<String, String> sha256) {

    static final String METADATA = "checkpoint.json";
    static final String WEIGHTS = "weights.params";
    static final String BEST_WEIGHTS = "best.params";
    static final String OPTIMIZER = "optimizer.ndlist";
    static final String RANDOM = "random.bin";
    static final List<String> FILES = List.of(METADATA, WEIGHTS, BEST_WEIGHTS, OPTIMIZER, RANDOM);

    /** The state files; the caller writes {@link #WEIGHTS} and {@link #BEST_WEIGHTS} into {@code dir}. */
    static TrainingCheckpoint write(Path dir, TrainingCheckpoint withoutHashes, NDList optimizerState, Random random)
            throws IOException {
        Files.write(dir.resolve(OPTIMIZER), optimizerState.encode());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(random);
        }
        Files.write(dir.resolve(RANDOM), bytes.toByteArray());
        Map<String, String> hashes = new LinkedHashMap<>();
        for (String file : FILES.subList(1, FILES.size())) {
            hashes.put(file, Sha256.of(Files.readAllBytes(dir.resolve(file))));
        }
        TrainingCheckpoint complete = new TrainingCheckpoint(withoutHashes.fingerprint(), withoutHashes.epoch(),
                withoutHashes.stepsDone(), withoutHashes.bestEpoch(), withoutHashes.best(), withoutHashes.history(),
                hashes);
        Json.INDENTED.writeValue(dir.resolve(METADATA).toFile(), complete);
        return complete;
    }

    /**
     * Reads and checks a checkpoint directory.
     *
     * @throws IOException naming what is wrong: unreadable, a file that does not match its sha256,
     *     or a checkpoint written by a run with other data or options
     */
    static TrainingCheckpoint read(Path dir, String expectedFingerprint) throws IOException {
        TrainingCheckpoint checkpoint;
        try {
            checkpoint = Json.MAPPER.readValue(dir.resolve(METADATA).toFile(), TrainingCheckpoint.class);
        } catch (IOException e) {
            throw new IOException("the checkpoint in " + dir + " is unreadable (" + e.getMessage()
                    + "); delete it to start over", e);
        }
        if (!expectedFingerprint.equals(checkpoint.fingerprint())) {
            throw new IOException("the checkpoint in " + dir + " was written by a run with other data or options;"
                    + " refusing to mix it in. Use another checkpoint location, or delete it to start over");
        }
        for (String file : FILES.subList(1, FILES.size())) {
            Path path = dir.resolve(file);
            String expected = checkpoint.sha256() == null ? null : checkpoint.sha256().get(file);
            if (expected == null || !Files.isRegularFile(path) || !expected.equals(Sha256.of(Files.readAllBytes(path)))) {
                throw new IOException("the checkpoint in " + dir + " is corrupt: " + file
                        + " is missing or does not match its sha256; delete it to start over");
            }
        }
        return checkpoint;
    }

    NDList optimizerState(Path dir, NDManager manager) throws IOException {
        return NDList.decode(manager, Files.readAllBytes(dir.resolve(OPTIMIZER)));
    }

    Random random(Path dir) throws IOException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Files.readAllBytes(dir.resolve(RANDOM))))) {
            return (Random) in.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException("the checkpoint's RNG state is unreadable", e);
        }
    }

    static String fingerprint(TrainingOptions options, String trainSha256, String evaluationSha256) {
        return Sha256.of(options + "|" + trainSha256 + "|" + evaluationSha256);
    }
}
