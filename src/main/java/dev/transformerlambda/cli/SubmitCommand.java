package dev.transformerlambda.cli;

import dev.transformerlambda.batch.TrainingJobSpec;
import dev.transformerlambda.batch.TrainingJobs;
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
        // Lines under 80 columns: picocli wraps longer ones wherever it can, inside URIs too.
        footer = "%nExamples (--checkpoint: an attempt retried after a Spot reclamation resumes):%n"
                + "  transformer-lambda submit --job-name sst2 -- \\%n"
                + "      --name sst2 \\%n"
                + "      --data s3://my-data/sst2/train.tsv --eval-data s3://my-data/sst2/dev.tsv \\%n"
                + "      --checkpoint s3://my-models/checkpoints \\%n"
                + "      --publish s3://my-models/models/sst2 --promote-if-better%n"
                + "%nFine-tuning a pretrained encoder (shipped in the training image) on the GPU:%n"
                + "  transformer-lambda submit --job-name sst2-minilm -- --pretrained minilm \\%n"
                + "      --name sst2 \\%n"
                + "      --data s3://my-data/sst2/train.tsv --eval-data s3://my-data/sst2/dev.tsv \\%n"
                + "      --checkpoint s3://my-models/checkpoints \\%n"
                + "      --publish s3://my-models/models/sst2 --promote-if-better%n"
                + "%nOn the CPU queue and job definition (the GPU queue has only GPU instances):%n"
                + "  transformer-lambda submit --job-name sst2-small --gpus 0 -- \\%n"
                + "      --name sst2 \\%n"
                + "      --data s3://my-data/sst2/train.tsv --eval-data s3://my-data/sst2/dev.tsv \\%n"
                + "      --checkpoint s3://my-models/checkpoints \\%n"
                + "      --publish s3://my-models/models/sst2 --promote-if-better")
public final class SubmitCommand implements Callable<Integer> {

    /** infra/batch.yaml's queue and job definition names for a batch stack called transformer-lambda. */
    public static final String DEFAULT_NAME = "transformer-lambda-training";
    public static final String DEFAULT_CPU_NAME = DEFAULT_NAME + "-cpu";

    @Spec
    CommandSpec spec;

    @Mixin
    BatchOptions batchOptions;

    @Option(names = "--job-name", required = true, description = "The job's name.")
    String jobName;

    @Option(names = "--job-queue", description = "Job queue (default: $TRAINING_JOB_QUEUE or " + DEFAULT_NAME
            + "; with --gpus 0, $TRAINING_CPU_JOB_QUEUE or " + DEFAULT_CPU_NAME + ").")
    String jobQueue;

    @Option(names = "--job-definition", description = "Job definition (default: $TRAINING_JOB_DEFINITION or "
            + DEFAULT_NAME + "; with --gpus 0, $TRAINING_CPU_JOB_DEFINITION or " + DEFAULT_CPU_NAME + ").")
    String jobDefinition;

    @Option(names = "--gpus", defaultValue = "1",
            description = "GPUs to reserve; 0 runs on the CPU queue and job definition (default: ${DEFAULT-VALUE}).")
    int gpus;

    @Mixin
    JobOptions jobOptions;

    @Parameters(paramLabel = "TRAIN_ARGS", description = "The train command's arguments.")
    List<String> trainArguments = List.of();

    /** Where a job goes: a queue, and a job definition whose resources that queue's instances have. */
    record Target(String queue, String definition) {}

    /**
     * The queue and job definition given, else the environment's (scripts/deploy prints them), else
     * infra/batch.yaml's names. A CPU job needs the CPU pair: the GPU job definition reserves a GPU
     * whatever the request says, and the GPU queue has only GPU instances.
     */
    static Target target(int gpus, String queue, String definition, Map<String, String> environment) {
        boolean cpu = gpus == 0;
        String variable = cpu ? "TRAINING_CPU_JOB_" : "TRAINING_JOB_";
        String name = cpu ? DEFAULT_CPU_NAME : DEFAULT_NAME;
        return new Target(
                queue != null ? queue : environment.getOrDefault(variable + "QUEUE", name),
                definition != null ? definition : environment.getOrDefault(variable + "DEFINITION", name));
    }

    @Override
    public Integer call() {
        Target target = target(gpus, jobQueue, jobDefinition, System.getenv());
        TrainingJobSpec job = new TrainingJobSpec(jobName, target.queue(), target.definition(), trainArguments, gpus,
                jobOptions.attempts, jobOptions.timeout, jobOptions.allTags());
        if (jobOptions.attempts > 1 && trainArguments.stream().noneMatch(a -> a.equals("--checkpoint") || a.startsWith("--checkpoint="))) {
            spec.commandLine().getErr().printf("warning: without --checkpoint, an attempt retried after a Spot"
                    + " reclamation starts training over%n");
        }
        try (BatchClient batch = batchOptions.client()) {
            String id = new TrainingJobs(batch).submit(job);
            spec.commandLine().getOut().printf("submitted job %s (%s) to %s%n", id, jobName, target.queue());
        }
        return 0;
    }
}
