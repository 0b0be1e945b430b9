package dev.transformerlambda.batch;

import java.util.List;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ArrayProperties;
import software.amazon.awssdk.services.batch.model.ContainerOverrides;
import software.amazon.awssdk.services.batch.model.EvaluateOnExit;
import software.amazon.awssdk.services.batch.model.JobTimeout;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;
import software.amazon.awssdk.services.batch.model.RetryAction;
import software.amazon.awssdk.services.batch.model.RetryStrategy;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;

/** Submits scoring jobs to AWS Batch: one array job whose children score a shard each. */
public final class ScoringJobs {

    private static final Logger LOG = Logger.getLogger(ScoringJobs.class);

    private final BatchClient batch;

    public ScoringJobs(BatchClient batch) {
        this.batch = batch;
    }

    /** Submits the job and returns its id (the array job's, whose children are {@code id:0} ... {@code id:N-1}). */
    public String submit(ScoringJobSpec spec) {
        String id = batch.submitJob(request(spec)).jobId();
        LOG.infof("submitted %s as job %s: %d children", spec.name(), id, spec.shards());
        return id;
    }

    static SubmitJobRequest request(ScoringJobSpec spec) {
        SubmitJobRequest.Builder request = SubmitJobRequest.builder()
                .jobName(spec.name())
                .jobQueue(spec.queue())
                .jobDefinition(spec.definition())
                .containerOverrides(ContainerOverrides.builder()
                        .command(spec.command())
                        .resourceRequirements(spec.gpus() == 0 ? List.of() : List.of(ResourceRequirement.builder()
                                .type(ResourceType.GPU).value(Integer.toString(spec.gpus())).build()))
                        .build())
                // A child retried after a Spot reclamation skips the parts already written.
                .retryStrategy(RetryStrategy.builder()
                        .attempts(spec.attempts())
                        .evaluateOnExit(
                                EvaluateOnExit.builder().onStatusReason(TrainingJobs.HOST_TERMINATED)
                                        .action(RetryAction.RETRY).build(),
                                EvaluateOnExit.builder().onReason("*").action(RetryAction.EXIT).build())
                        .build())
                .timeout(JobTimeout.builder().attemptDurationSeconds((int) spec.timeout().toSeconds()).build())
                .tags(spec.tags())
                .propagateTags(true);
        if (spec.shards() > 1) {
            request.arrayProperties(ArrayProperties.builder().size(spec.shards()).build());
        }
        return request.build();
    }
}
