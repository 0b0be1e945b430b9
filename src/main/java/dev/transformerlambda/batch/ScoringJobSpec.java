package dev.transformerlambda.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One scoring job to submit: an array job of {@code shards} children, each running {@code score}
 * on its shard (AWS_BATCH_JOB_ARRAY_INDEX) of the same inputs with the same pinned model version.
 *
 * @param model a published version ({@code s3://bucket/prefix/name/VERSION}), pinned at submission
 * @param scoreArguments further {@code score} options (--text-field, --id-field, ...)
 * @param gpus GPUs each child reserves; 0 runs on the CPU queue and job definition
 */
public record ScoringJobSpec(
        String name,
        String queue,
        String definition,
        String model,
        String input,
        String output,
        int shards,
        List<String> scoreArguments,
        int gpus,
        int attempts,
        Duration timeout,
        Map<String, String> tags) {

    /** Batch's bounds on an array job's size; a job of one child is a plain job. */
    static final int MAX_SHARDS = 10_000;

    public ScoringJobSpec {
        scoreArguments = List.copyOf(scoreArguments);
        tags = Map.copyOf(tags);
        new TrainingJobSpec(name, queue, definition, List.of(), gpus, attempts, timeout, Map.of()); // same rules
        if (shards < 1 || shards > MAX_SHARDS) {
            throw new IllegalArgumentException("shards must be 1 to " + MAX_SHARDS + ", got " + shards);
        }
        for (String location : List.of(model, input, output)) {
            if (!location.startsWith("s3://")) {
                throw new IllegalArgumentException(location + ": a Batch job reads and writes S3; give an s3:// location");
            }
        }
    }

    /** The container's command: {@code score} with the options every child shares. */
    List<String> command() {
        List<String> command = new ArrayList<>(List.of("score", "--model", model, "--input", input,
                "--output", output));
        if (shards > 1) {
            command.addAll(List.of("--shards", Integer.toString(shards)));
        }
        command.addAll(scoreArguments);
        return command;
    }
}
