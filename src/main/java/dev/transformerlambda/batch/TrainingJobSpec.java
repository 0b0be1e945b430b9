package dev.transformerlambda.batch;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One training job to submit.
 *
 * @param name the job's name
 * @param queue the job queue
 * @param definition the job definition (image, role, logging), by name or ARN
 * @param trainArguments the arguments of {@code train}, the container's command after the entry point
 * @param gpus GPUs to reserve; 0 runs on the CPU (and needs a job definition that reserves none)
 * @param attempts how many times Batch may start the job; only Spot reclamation is retried
 * @param timeout how long one attempt may run
 * @param tags tags on the job (and propagated to its ECS task)
 */
public record TrainingJobSpec(
        String name,
        String queue,
        String definition,
        List<String> trainArguments,
        int gpus,
        int attempts,
        Duration timeout,
        Map<String, String> tags) {

    public TrainingJobSpec {
        trainArguments = List.copyOf(trainArguments);
        tags = Map.copyOf(tags);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,127}")) {
            throw new IllegalArgumentException("job name '" + name + "': letters, digits, - and _, up to 128");
        }
        if (gpus < 0) {
            throw new IllegalArgumentException("gpus must be 0 (a CPU job) or more, got " + gpus);
        }
        if (attempts < 1 || attempts > 10) {
            throw new IllegalArgumentException("attempts must be 1 to 10, got " + attempts);
        }
        if (timeout.toSeconds() < 60) {
            throw new IllegalArgumentException("Batch needs a timeout of at least 60 s, got " + timeout);
        }
    }
}
