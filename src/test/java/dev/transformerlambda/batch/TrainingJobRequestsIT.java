package dev.transformerlambda.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What moto's Batch API (TrainingJobsIT) accepts but cannot show, against a local stub that records
 * each request: the parts of the SubmitJob request moto drops (the retry strategy that retries only
 * Spot reclamation, the GPU reservation, propagated tags) and that no secret travels in it; and
 * {@code status} of a job as AWS reports one that ran (moto's jobs fail at once without Docker, and
 * its DescribeJobs answers no log configuration): a Spot-reclaimed attempt, a RUNNABLE retry and the
 * log group and stream its job definition configures.
 */
class TrainingJobRequestsIT {

    private BatchApiStub batch;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void startStub() throws Exception {
        batch = new BatchApiStub();
    }

    @AfterEach
    void stopStub() {
        batch.close();
    }

    @Test
    void submitSendsTheTrainCommandGpusRetryOnSpotReclamationTimeoutAndTags() throws Exception {
        int exit = run("submit", "--batch-endpoint", batch.endpoint().toString(), "--job-name", "sst2-nightly",
                "--job-queue", "gpu-queue", "--job-definition", "training:3", "--gpus", "2", "--timeout", "PT2H",
                "--tag", "team=ml", "--",
                "--data", "s3://data/sst2/train.tsv", "--eval-data", "s3://data/sst2/dev.tsv",
                "--publish", "s3://models/registry/sst2", "--promote-if-better");

        assertEquals(0, exit, err.toString());
        assertTrue(out.toString().contains("submitted job job-1 (sst2-nightly) to gpu-queue"), out.toString());
        assertEquals("/v1/describejobdefinitions", batch.requests().get(0).path());
        BatchApiStub.Request request = batch.requests().get(1);
        assertEquals("POST", request.method());
        assertEquals("/v1/submitjob", request.path());
        JsonNode body = new ObjectMapper().readTree(request.body());
        assertEquals("sst2-nightly", body.get("jobName").asText());
        assertEquals("gpu-queue", body.get("jobQueue").asText());
        assertEquals("training:3", body.get("jobDefinition").asText());
        assertEquals(List.of("train", "--data", "s3://data/sst2/train.tsv", "--eval-data", "s3://data/sst2/dev.tsv",
                        "--publish", "s3://models/registry/sst2", "--promote-if-better"),
                new ObjectMapper().convertValue(body.at("/containerOverrides/command"), List.class));
        assertEquals("GPU", body.at("/containerOverrides/resourceRequirements/0/type").asText());
        assertEquals("2", body.at("/containerOverrides/resourceRequirements/0/value").asText());
        assertEquals(3, body.at("/retryStrategy/attempts").asInt());
        assertEquals("Host EC2*", body.at("/retryStrategy/evaluateOnExit/0/onStatusReason").asText());
        assertEquals("RETRY", body.at("/retryStrategy/evaluateOnExit/0/action").asText().toUpperCase(Locale.ROOT));
        assertEquals("*", body.at("/retryStrategy/evaluateOnExit/1/onReason").asText());
        assertEquals("EXIT", body.at("/retryStrategy/evaluateOnExit/1/action").asText().toUpperCase(Locale.ROOT));
        assertEquals(7200, body.at("/timeout/attemptDurationSeconds").asInt());
        assertEquals("ml", body.at("/tags/team").asText());
        assertEquals("transformer-lambda", body.at("/tags/project").asText());
        assertTrue(body.get("propagateTags").asBoolean());
    }

    @Test
    void theRequestCarriesNoSecrets() throws Exception {
        batch.close();
        batch = new BatchApiStub(0);
        int exit = run("submit", "--batch-endpoint", batch.endpoint().toString(), "--job-name", "cpu-run",
                "--gpus", "0", "--", "--data", "train.tsv", "--eval-data", "dev.tsv", "--output", "/tmp/m");

        assertEquals(0, exit, err.toString());
        String body = batch.requests().get(1).body();
        for (String secret : List.of("secret", "AWS_ACCESS_KEY_ID", "accessKey", "password", "token")) {
            assertFalse(body.toLowerCase(Locale.ROOT).contains(secret.toLowerCase(Locale.ROOT)), secret + " in " + body);
        }
        assertFalse(body.contains("\"environment\""), "no environment is passed: the job role gives access");
        assertFalse(body.contains("resourceRequirements\":[{"), "no GPU reserved for a CPU run: " + body);
    }

    @Test
    void statusPrintsStateReasonAttemptsAndTheJobsLogGroupAndStream() {
        int exit = run("status", "--batch-endpoint", batch.endpoint().toString(), "job-1");

        assertEquals(0, exit, err.toString());
        assertEquals("/v1/describejobs", batch.requests().get(0).path());
        assertTrue(batch.requests().get(0).body().contains("\"job-1\""));
        assertEquals(String.format("job job-1 (sst2-nightly): RUNNABLE - Host EC2 (instance i-0abc) terminated.%n"
                + "attempts: 1%nlog group: /aws/batch/nightly-training%nlog stream: training/default/0123abcd%n"),
                out.toString());
    }

    private int run(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
