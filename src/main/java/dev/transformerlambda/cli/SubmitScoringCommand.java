package dev.transformerlambda.cli;

import dev.transformerlambda.aws.AwsClients;
import dev.transformerlambda.batch.ScoringJobSpec;
import dev.transformerlambda.batch.ScoringJobs;
import dev.transformerlambda.batch.TrainingJobs;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code submit-scoring}: runs {@code score} over an S3 prefix as an AWS Batch array job. */
@Command(name = "submit-scoring", mixinStandardHelpOptions = true,
        description = "Score every text under an S3 prefix with an AWS Batch array job: each child scores one shard;"
                + " the arguments after -- go to each child's score command.",
        footer = "%nExample (a registry's current version is pinned when the job is submitted):%n"
                + "  transformer-lambda submit-scoring --job-name reviews-2026 --shards 16 \\%n"
                + "      --model s3://my-models/models/sst2 \\%n"
                + "      --input s3://my-data/scoring-input/reviews/ \\%n"
                + "      --output s3://my-data/scoring-output/reviews-2026/ -- --id-field review_id")
public final class SubmitScoringCommand implements Callable<Integer> {

    /** infra/batch.yaml's scoring job definitions for a stack called transformer-lambda. */
    public static final String DEFAULT_DEFINITION = "transformer-lambda-scoring";
    public static final String DEFAULT_GPU_DEFINITION = DEFAULT_DEFINITION + "-gpu";

    private static final Set<String> FINAL_STATES = Set.of("SUCCEEDED", "FAILED");

    @Spec
    CommandSpec spec;

    @Mixin
    BatchOptions batchOptions;

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "An S3-compatible endpoint instead of AWS.")
    URI s3Endpoint;

    @Option(names = "--job-name", required = true, description = "The job's name.")
    String jobName;

    @Option(names = "--model", required = true, paramLabel = "s3://BUCKET/PREFIX/NAME[/VERSION]",
            description = "A registry (its current version, pinned now) or one published version.")
    String model;

    @Option(names = "--input", required = true, paramLabel = "s3://BUCKET/PREFIX", description = "The texts to score.")
    String input;

    @Option(names = "--output", required = true, paramLabel = "s3://BUCKET/PREFIX", description = "Where the parts go.")
    String output;

    @Option(names = "--shards", defaultValue = "4", description = "Children of the array job (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--gpus", defaultValue = "0", description = "GPUs per child; above 0 the GPU queue and job"
            + " definition, for the larger encoders (default: ${DEFAULT-VALUE}, the CPU queue).")
    int gpus;

    @Option(names = "--job-queue", description = "Job queue (default: $TRAINING_CPU_JOB_QUEUE or "
            + SubmitCommand.DEFAULT_CPU_NAME + "; with --gpus, $TRAINING_JOB_QUEUE or " + SubmitCommand.DEFAULT_NAME + ").")
    String jobQueue;

    @Option(names = "--job-definition", description = "Job definition (default: $SCORING_JOB_DEFINITION or "
            + DEFAULT_DEFINITION + "; with --gpus, $SCORING_GPU_JOB_DEFINITION or " + DEFAULT_GPU_DEFINITION + ").")
    String jobDefinition;

    @Mixin
    JobOptions jobOptions;

    @Option(names = "--follow", description = "Wait for the job, printing its children's states as they change.")
    boolean follow;

    @Option(names = "--poll", defaultValue = "PT30S", description = "How often --follow asks (default: ${DEFAULT-VALUE}).")
    Duration poll;

    @Parameters(paramLabel = "SCORE_ARGS", description = "Further options of each child's score command.")
    List<String> scoreArguments = List.of();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String pinned;
        try (S3Client s3 = AwsClients.s3(Optional.ofNullable(s3Endpoint), s3Endpoint != null,
                Optional.ofNullable(batchOptions.region))) {
            pinned = ModelLocation.pin(model, () -> s3);
        }
        Map<String, String> environment = System.getenv();
        boolean gpu = gpus > 0;
        String defaultQueue = gpu ? environment.getOrDefault("TRAINING_JOB_QUEUE", SubmitCommand.DEFAULT_NAME)
                : environment.getOrDefault("TRAINING_CPU_JOB_QUEUE", SubmitCommand.DEFAULT_CPU_NAME);
        String defaultDefinition = gpu ? environment.getOrDefault("SCORING_GPU_JOB_DEFINITION", DEFAULT_GPU_DEFINITION)
                : environment.getOrDefault("SCORING_JOB_DEFINITION", DEFAULT_DEFINITION);
        ScoringJobSpec job = new ScoringJobSpec(jobName, jobQueue != null ? jobQueue : defaultQueue,
                jobDefinition != null ? jobDefinition : defaultDefinition, pinned, input, output, shards, scoreArguments,
                gpus, jobOptions.attempts, jobOptions.timeout, jobOptions.allTags());
        try (BatchClient batch = batchOptions.client()) {
            String id = new ScoringJobs(batch).submit(job);
            out.printf("submitted job %s (%s) to %s (%d children) scoring %s with %s into %s%n", id, jobName, job.queue(),
                    shards, input, pinned, output);
            out.flush();
            return follow ? follow(new TrainingJobs(batch), id, out) : 0;
        }
    }

    private int follow(TrainingJobs jobs, String id, PrintWriter out) throws InterruptedException {
        String last = "";
        while (true) {
            TrainingJobs.JobStatus status = jobs.status(id);
            String line = status.status() + (status.children().isEmpty() ? "" : " " + status.children());
            if (!line.equals(last)) {
                out.printf("job %s: %s%n", id, line);
                out.flush();
                last = line;
            }
            if (FINAL_STATES.contains(status.status())) {
                return "SUCCEEDED".equals(status.status()) ? 0 : 1;
            }
            Thread.sleep(poll.toMillis());
        }
    }
}
