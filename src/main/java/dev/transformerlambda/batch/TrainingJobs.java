package dev.transformerlambda.batch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ContainerOverrides;
import software.amazon.awssdk.services.batch.model.DescribeJobDefinitionsRequest;
import software.amazon.awssdk.services.batch.model.DescribeJobsRequest;
import software.amazon.awssdk.services.batch.model.EvaluateOnExit;
import software.amazon.awssdk.services.batch.model.JobDefinition;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobTimeout;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;
import software.amazon.awssdk.services.batch.model.RetryAction;
import software.amazon.awssdk.services.batch.model.RetryStrategy;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;
import software.amazon.awssdk.services.batch.model.SubmitJobResponse;

/** Submits training jobs to AWS Batch and reports on them (and on scoring jobs, see {@link ScoringJobs}). */
public final class TrainingJobs {

    private static final Logger LOG = Logger.getLogger(TrainingJobs.class);
    /** The status reason Batch gives when the EC2 host under a job went away, as Spot reclamation does. */
    static final String HOST_TERMINATED = "Host EC2*";
    /** Where Batch sends a job's output when its job definition names no log group. */
    static final String DEFAULT_LOG_GROUP = "/aws/batch/job";

    private final BatchClient batch;

    public TrainingJobs(BatchClient batch) {
        this.batch = batch;
    }

    /** A job as {@code status} shows it. */
    public record JobStatus(String id, String name, String status, String statusReason, int attempts,
            String logGroup, String logStream, Map<String, Integer> children) {}

    /**
     * Submits the job and returns its id. A CPU job (no GPUs) is refused on a job definition that
     * reserves GPUs: a request cannot take that reservation away, so the job would wait for a GPU
     * instance on a GPU queue, and forever on a CPU one.
     */
    public String submit(TrainingJobSpec spec) {
        JobDefinition definition = activeDefinition(spec.definition());
        int reserved = gpus(definition);
        if (spec.gpus() == 0 && reserved > 0) {
            throw new IllegalArgumentException("job definition " + definition.jobDefinitionName() + ":"
                    + definition.revision() + " reserves " + reserved + " GPU(s), so a CPU job (--gpus 0) would still"
                    + " wait for a GPU instance; submit it to the CPU job definition and queue (TRAINING_CPU_JOB_DEFINITION"
                    + " and TRAINING_CPU_JOB_QUEUE: infra/batch.yaml's CpuJobDefinition and CpuJobQueue)");
        }
        SubmitJobResponse response = batch.submitJob(request(spec));
        LOG.infof("submitted %s as job %s", spec.name(), response.jobId());
        return response.jobId();
    }

    /**
     * The job's state, why it is in it, how many attempts ran, and where the last wrote its output:
     * the log group its job definition configures (infra/batch.yaml names one per stack).
     */
    public JobStatus status(String jobId) {
        List<JobDetail> jobs = batch.describeJobs(DescribeJobsRequest.builder().jobs(jobId).build()).jobs();
        if (jobs.isEmpty()) {
            throw new IllegalArgumentException("no Batch job " + jobId);
        }
        JobDetail job = jobs.get(0);
        String logStream = job.container() == null ? null : job.container().logStreamName();
        // An array job (bulk scoring) counts its children by state.
        Map<String, Integer> children = job.arrayProperties() == null || job.arrayProperties().statusSummary() == null
                ? Map.of() : new TreeMap<>(job.arrayProperties().statusSummary());
        return new JobStatus(job.jobId(), job.jobName(), job.statusAsString(), job.statusReason(),
                job.attempts() == null ? 0 : job.attempts().size(), logGroup(job), logStream, children);
    }

    /**
     * The job definition Batch would run: the revision named ({@code name:3}, or an ARN ending so),
     * else the latest active one, as SubmitJob picks it.
     */
    private JobDefinition activeDefinition(String reference) {
        String nameAndRevision = reference.substring(reference.lastIndexOf('/') + 1);
        int colon = nameAndRevision.indexOf(':');
        String name = colon < 0 ? nameAndRevision : nameAndRevision.substring(0, colon);
        Integer revision = colon < 0 ? null : Integer.valueOf(nameAndRevision.substring(colon + 1));
        return batch.describeJobDefinitionsPaginator(DescribeJobDefinitionsRequest.builder()
                        .jobDefinitionName(name).status("ACTIVE").build())
                .jobDefinitions().stream()
                .filter(d -> revision == null || revision.equals(d.revision()))
                .max(Comparator.comparing(JobDefinition::revision))
                .orElseThrow(() -> new IllegalArgumentException("no active job definition " + reference
                        + "; deploy infra/batch.yaml (scripts/deploy) or name one with --job-definition"));
    }

    private static int gpus(JobDefinition definition) {
        if (definition.containerProperties() == null) {
            return 0;
        }
        return definition.containerProperties().resourceRequirements().stream()
                .filter(r -> r.type() == ResourceType.GPU)
                .mapToInt(r -> Integer.parseInt(r.value()))
                .sum();
    }

    private static String logGroup(JobDetail job) {
        if (job.container() == null || job.container().logConfiguration() == null) {
            return DEFAULT_LOG_GROUP;
        }
        return job.container().logConfiguration().options().getOrDefault("awslogs-group", DEFAULT_LOG_GROUP);
    }

    static SubmitJobRequest request(TrainingJobSpec spec) {
        List<ResourceRequirement> resources = new ArrayList<>();
        if (spec.gpus() > 0) {
            resources.add(ResourceRequirement.builder().type(ResourceType.GPU).value(Integer.toString(spec.gpus())).build());
        }
        List<String> command = new ArrayList<>(List.of("train"));
        command.addAll(spec.trainArguments());
        return SubmitJobRequest.builder()
                .jobName(spec.name())
                .jobQueue(spec.queue())
                .jobDefinition(spec.definition())
                .containerOverrides(ContainerOverrides.builder()
                        .command(command)
                        .resourceRequirements(resources)
                        .build())
                // Retry when the instance was reclaimed; a failing program fails the same way again.
                .retryStrategy(RetryStrategy.builder()
                        .attempts(spec.attempts())
                        .evaluateOnExit(
                                EvaluateOnExit.builder().onStatusReason(HOST_TERMINATED).action(RetryAction.RETRY).build(),
                                EvaluateOnExit.builder().onReason("*").action(RetryAction.EXIT).build())
                        .build())
                .timeout(JobTimeout.builder().attemptDurationSeconds((int) spec.timeout().toSeconds()).build())
                .tags(spec.tags())
                .propagateTags(true)
                .build();
    }
}
