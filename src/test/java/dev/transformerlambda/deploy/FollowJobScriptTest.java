package dev.transformerlambda.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/follow-job points at the log group the job writes to: the one its job definition names
 * (infra/batch.yaml, one per batch stack), as {@code transformer-lambda status} reports it, and
 * says why a job left waiting in RUNNABLE may wait.
 */
class FollowJobScriptTest {

    private static final String GROUP = "/aws/batch/my-classifier-batch-training";
    private static final String STREAM = "training/default/0123abcd";

    @TempDir
    Path sandboxRoot;

    @Test
    void aFailedJobsLogsAreLookedForInTheJobsOwnLogGroup() throws Exception {
        ScriptSandbox sandbox = new ScriptSandbox(sandboxRoot, "scripts/follow-job")
                .file("scripts/transformer-lambda", status("FAILED - Essential container in task exited"));

        ScriptSandbox.Result result = sandbox.run(Map.of(), "scripts/follow-job", "job-1", "0");

        assertEquals(1, result.exit(), result.toString());
        assertTrue(result.output().contains("logs: aws logs tail " + GROUP + " --log-stream-names " + STREAM),
                result.toString());
        assertFalse(result.output().contains("/aws/batch/job "), "Batch's default group holds nothing: " + result);
    }

    @Test
    void aRunningJobsOutputCanBeFollowedOnceItHasAStream() throws Exception {
        // RUNNING at the first check, SUCCEEDED at the second.
        ScriptSandbox sandbox = new ScriptSandbox(sandboxRoot, "scripts/follow-job").file("scripts/transformer-lambda",
                "if [[ -f \"$SANDBOX/checked\" ]]; then state=SUCCEEDED; else state=RUNNING; touch \"$SANDBOX/checked\"; fi\n"
                        + status("$state"));

        ScriptSandbox.Result result = sandbox.run(Map.of(), "scripts/follow-job", "job-1", "0");

        assertEquals(0, result.exit(), result.toString());
        String follow = "aws logs tail " + GROUP + " --log-stream-names " + STREAM + " --follow";
        int first = result.output().indexOf(follow);
        assertTrue(first >= 0 && first == result.output().lastIndexOf(follow), "printed once: " + result);
    }

    /** A GPU job waits in RUNNABLE while the account's vCPU quota for G instances is 0, as it is on many. */
    @Test
    void aJobLeftInRunnableIsToldWhyItMayWaitAndHowToCheckOnce() throws Exception {
        ScriptSandbox.Result result = runnableThenSucceeded(Map.of("RUNNABLE_PATIENCE", "0"));

        assertEquals(0, result.exit(), result.toString());
        String output = result.output();
        for (String reason : List.of("'Running On-Demand G and VT instances'",
                "aws service-quotas get-service-quota --service-code ec2 --quota-code L-DB2E81BA",
                "maximum vCPUs", "aws batch describe-compute-environments", "no capacity")) {
            assertTrue(output.contains(reason), reason + ": " + output);
        }
        assertEquals(output.indexOf("L-DB2E81BA"), output.lastIndexOf("L-DB2E81BA"), "said once: " + output);
    }

    @Test
    void aJobRunnableForAMomentIsNotLectured() throws Exception {
        ScriptSandbox.Result result = runnableThenSucceeded(Map.of());

        assertEquals(0, result.exit(), result.toString());
        assertFalse(result.output().contains("quota"), result.toString());
    }

    /** RUNNABLE at the first three checks, SUCCEEDED at the fourth. */
    private ScriptSandbox.Result runnableThenSucceeded(Map<String, String> environment) throws Exception {
        ScriptSandbox sandbox = new ScriptSandbox(sandboxRoot, "scripts/follow-job").file("scripts/transformer-lambda",
                "echo check >>\"$SANDBOX/checks\"\n"
                        + "if (( $(wc -l <\"$SANDBOX/checks\") > 3 )); then state=SUCCEEDED; else state=RUNNABLE; fi\n"
                        + status("$state"));
        return sandbox.run(environment, "scripts/follow-job", "job-1", "0");
    }

    /** What {@code transformer-lambda status} prints (StatusCommand), in the given state. */
    private static String status(String state) {
        return "printf 'job job-1 (nightly): %s\\nattempts: 1\\nlog group: %s\\nlog stream: %s\\n' \"" + state + "\" '"
                + GROUP + "' '" + STREAM + "'";
    }
}
