package dev.transformerlambda.cli;

import dev.transformerlambda.batch.TrainingJobs;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import software.amazon.awssdk.services.batch.BatchClient;

/**
 * {@code status}: a Batch job's state, reason, attempts, log group and log stream, and for a scoring
 * array job its children's states.
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a training or scoring job's state.")
public final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BatchOptions batchOptions;

    @Parameters(paramLabel = "JOB_ID", description = "The job id that submit printed.")
    String jobId;

    @Override
    public Integer call() {
        try (BatchClient batch = batchOptions.client()) {
            TrainingJobs.JobStatus status = new TrainingJobs(batch).status(jobId);
            spec.commandLine().getOut().printf("job %s (%s): %s%s%nattempts: %d%nlog group: %s%nlog stream: %s%n",
                    status.id(), status.name(), status.status(),
                    status.statusReason() == null ? "" : " - " + status.statusReason(), status.attempts(),
                    status.logGroup(), status.logStream() == null ? "(none yet)" : status.logStream());
            if (!status.children().isEmpty()) {
                spec.commandLine().getOut().printf("children: %s%n", status.children());
            }
        }
        return 0;
    }
}
