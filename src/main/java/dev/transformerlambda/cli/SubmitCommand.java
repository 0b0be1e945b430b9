package dev.transformerlambda.cli;

import dev.transformerlambda.batch.TrainingJobSpec;
import dev.transformerlambda.batch.TrainingJobs;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import software.amazon.awssdk.services.batch.BatchClient;

/** {@code submit}: runs {@code train} as an AWS Batch job. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Submit a training job to AWS Batch; the arguments after -- go to its train command.",
        footer = "%nExample:%n  transformer-lambda submit --job-name sst2 -- --data s3://my-data/sst2/train.tsv \\%n"
                + "      --eval-data s3://my-data/sst2/dev.tsv --publish s3://my-models/models/sst2 --promote-if-better%n"
                + "%nFine-tuning a pretrained encoder (shipped in the training image) on the GPU:%n"
                + "  transformer-lambda submit --job-name sst2-minilm -- --pretrained minilm \\%n"
                + "      --data s3://my-data/sst2/train.tsv --eval-data s3://my-data/sst2/dev.tsv \\%n"
                + "      --checkpoint s3://my-models/checkpoints --publish s3://my-models/models/sst2 --promote-if-better")
public final class SubmitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BatchOptions batchOptions;

    @Option(names = "--job-name", required = true, description = "The job's name.")
    String jobName;

    @Option(names = "--job-queue", defaultValue = "${env:TRAINING_JOB_QUEUE:-transformer-lambda-training}",
            description = "Job queue (default: $TRAINING_JOB_QUEUE or ${DEFAULT-VALUE}).")
    String jobQueue;

    @Option(names = "--job-definition", defaultValue = "${env:TRAINING_JOB_DEFINITION:-transformer-lambda-training}",
            description = "Job definition (default: $TRAINING_JOB_DEFINITION or ${DEFAULT-VALUE}).")
    String jobDefinition;

    @Option(names = "--gpus", defaultValue = "1", description = "GPUs to reserve; 0 for CPU (default: ${DEFAULT-VALUE}).")
    int gpus;

    @Option(names = "--attempts", defaultValue = "3",
            description = "Attempts; only Spot reclamation is retried (default: ${DEFAULT-VALUE}).")
    int attempts;

    @Option(names = "--timeout", defaultValue = "PT4H", description = "Longest attempt, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag on the job; repeatable.")
    Map<String, String> tags = new LinkedHashMap<>();

    @Parameters(paramLabel = "TRAIN_ARGS", description = "The train command's arguments.")
    List<String> trainArguments = List.of();

    @Override
    public Integer call() {
        Map<String, String> allTags = new LinkedHashMap<>(Map.of("project", "transformer-lambda"));
        allTags.putAll(tags);
        TrainingJobSpec job = new TrainingJobSpec(jobName, jobQueue, jobDefinition, trainArguments, gpus, attempts,
                timeout, allTags);
        try (BatchClient batch = batchOptions.client()) {
            String id = new TrainingJobs(batch).submit(job);
            spec.commandLine().getOut().printf("submitted job %s (%s) to %s%n", id, jobName, jobQueue);
        }
        return 0;
    }
}
