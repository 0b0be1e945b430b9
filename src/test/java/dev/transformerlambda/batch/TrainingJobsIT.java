package dev.transformerlambda.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.aws.AwsCli;
import dev.transformerlambda.aws.MotoServer;
import dev.transformerlambda.cli.Main;
import dev.transformerlambda.deploy.BatchStack;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code submit}, {@code submit-scoring} and {@code status} against a real Batch API: moto's, with infra/batch.yaml's
 * compute environments, job queues and job definitions created through it. Each submitted job is
 * read back with the AWS CLI, another client than the product's. What moto cannot show is tested
 * against a stub in TrainingJobRequestsIT.
 */
class TrainingJobsIT {

    private static final Pattern SUBMITTED = Pattern.compile("submitted job (\\S+) \\((\\S+)\\) to (\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static MotoServer moto;
    private static AwsCli aws;
    private static BatchStack stack;
    private static boolean registryWritten;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void createTheTemplatesBatchResourcesInMoto() throws Exception {
        AwsCli.requireInstalled();
        moto = MotoServer.start();
        aws = moto.cli();
        stack = BatchStack.create(aws);
    }

    @AfterAll
    static void stopMoto() throws Exception {
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void theTemplatesQueuesAndJobDefinitionsAreWhatTheBatchApiHolds() throws Exception {
        Map<String, String> queues = new TreeMap<>();
        for (JsonNode queue : aws.json("batch", "describe-job-queues").get("jobQueues")) {
            assertEquals("ENABLED", queue.get("state").asText(), queue.toString());
            queues.put(queue.get("jobQueueName").asText(), queue.at("/computeEnvironmentOrder/0/computeEnvironment").asText());
        }
        assertEquals(Map.of(
                "transformer-lambda-training", stack.ref("ComputeEnvironment"),
                "transformer-lambda-training-cpu", stack.ref("CpuComputeEnvironment")), queues);

        Map<String, List<String>> requirements = new TreeMap<>();
        for (JsonNode definition : aws.json("batch", "describe-job-definitions", "--status", "ACTIVE").get("jobDefinitions")) {
            List<String> resources = new ArrayList<>();
            definition.at("/containerProperties/resourceRequirements")
                    .forEach(r -> resources.add(r.get("type").asText() + "=" + r.get("value").asText()));
            requirements.put(definition.get("jobDefinitionName").asText(), resources);
        }
        assertEquals(Map.of(
                "transformer-lambda-training", List.of("VCPU=4", "MEMORY=15000", "GPU=1"),
                "transformer-lambda-training-cpu", List.of("VCPU=4", "MEMORY=6144"),
                "transformer-lambda-scoring", List.of("VCPU=4", "MEMORY=6144"),
                "transformer-lambda-scoring-gpu", List.of("VCPU=4", "MEMORY=15000", "GPU=1")), requirements);
    }

    @Test
    void aGpuJobGoesToTheGpuQueueWithTheTrainCommandTimeoutAndTags() throws Exception {
        List<String> train = List.of("--data", "s3://data/sst2/train.tsv", "--eval-data", "s3://data/sst2/dev.tsv",
                "--checkpoint", "s3://models/checkpoints", "--publish", "s3://models/registry/sst2", "--promote-if-better");
        List<String> args = new ArrayList<>(List.of("submit", "--job-name", "sst2-nightly", "--timeout", "PT2H",
                "--tag", "team=ml", "--"));
        args.addAll(train);

        JsonNode job = describe(submitted(run(args.toArray(String[]::new)), "sst2-nightly", "transformer-lambda-training"));

        assertEquals(stack.ref("JobQueue"), job.get("jobQueue").asText());
        assertEquals(stack.ref("JobDefinition"), job.get("jobDefinition").asText());
        List<String> command = new ArrayList<>(List.of("train"));
        command.addAll(train);
        assertEquals(command, JSON.convertValue(job.at("/container/command"), List.class));
        assertEquals(7200, job.at("/timeout/attemptDurationSeconds").asInt());
        assertEquals(Map.of("project", "transformer-lambda", "team", "ml"), JSON.convertValue(job.get("tags"), Map.class));
        assertEquals("", err.toString(), "checkpointing, so no warning");
    }

    /** The GPU queue has only GPU instances, and the GPU job definition reserves a GPU whatever the request says. */
    @Test
    void aCpuJobGoesToTheCpuQueueAndTheJobDefinitionThatReservesNoGpu() throws Exception {
        String id = submitted(run("submit", "--job-name", "sst2-cpu", "--gpus", "0", "--",
                "--data", "s3://data/sst2/train.tsv", "--checkpoint", "s3://models/checkpoints"),
                "sst2-cpu", "transformer-lambda-training-cpu");

        JsonNode job = describe(id);
        assertEquals(stack.ref("CpuJobQueue"), job.get("jobQueue").asText());
        assertEquals(stack.ref("CpuJobDefinition"), job.get("jobDefinition").asText());
    }

    @Test
    void aCpuJobOnAJobDefinitionThatReservesAGpuIsRefusedAndNothingIsSubmitted() throws Exception {
        int exit = run("submit", "--job-name", "cpu-on-gpu", "--gpus", "0",
                "--job-definition", "transformer-lambda-training", "--", "--data", "s3://data/sst2/train.tsv");

        assertEquals(1, exit, out.toString());
        assertTrue(err.toString().contains("job definition transformer-lambda-training:1 reserves 1 GPU(s)"), err.toString());
        assertTrue(err.toString().contains("TRAINING_CPU_JOB_DEFINITION"), err.toString());
        for (String queue : List.of(stack.ref("JobQueue"), stack.ref("CpuJobQueue"))) {
            JsonNode jobs = aws.json("batch", "list-jobs", "--job-queue", queue, "--filters", "name=JOB_NAME,values=cpu-on-gpu");
            assertEquals(0, jobs.get("jobSummaryList").size(), jobs.toString());
        }
    }

    @Test
    void aQueueOrJobDefinitionThatDoesNotExistIsRefusedByName() {
        assertEquals(1, run("submit", "--job-name", "lost", "--job-queue", "no-such-queue", "--", "--data", "d.tsv"));
        assertTrue(err.toString().contains("no-such-queue"), err.toString());

        assertEquals(1, run("submit", "--job-name", "lost", "--job-definition", "no-such-definition", "--", "--data", "d.tsv"));
        assertTrue(err.toString().contains("no active job definition no-such-definition"), err.toString());
    }

    @Test
    void aJobWithoutCheckpointsIsSubmittedWithAWarningThatARetryStartsOver() throws Exception {
        submitted(run("submit", "--job-name", "no-checkpoints", "--", "--data", "s3://data/sst2/train.tsv"),
                "no-checkpoints", "transformer-lambda-training");

        assertTrue(err.toString().contains("without --checkpoint, an attempt retried after a Spot reclamation starts"
                + " training over"), err.toString());
    }

    /**
     * moto runs a job's container in Docker; there is none here, so its jobs end FAILED. The job
     * definition states its vCPUs the deprecated way (containerProperties.vcpus): for one stating them
     * as resource requirements, as infra/batch.yaml's do, moto's DescribeJobs answers {@code "vcpus": 4.0},
     * which the SDK refuses to read as the integer AWS sends.
     */
    @Test
    void statusShowsTheStateAndAttemptsBatchReports() throws Exception {
        aws.run("batch", "register-job-definition", "--job-definition-name", "vcpus-as-integer", "--type", "container",
                "--container-properties", "{\"image\": \"busybox\", \"vcpus\": 1, \"memory\": 512}");
        String id = submitted(run("submit", "--job-name", "watched", "--gpus", "0", "--job-definition", "vcpus-as-integer",
                "--", "--checkpoint", "s3://models/checkpoints"), "watched", "transformer-lambda-training-cpu");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!describe(id).get("status").asText().equals("FAILED") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        out.getBuffer().setLength(0);

        assertEquals(0, run("status", id), err.toString());

        List<String> lines = out.toString().lines().toList();
        assertTrue(lines.get(0).startsWith("job " + id + " (watched): FAILED"), out.toString());
        assertEquals("attempts: " + describe(id).get("attempts").size(), lines.get(1));
    }

    /**
     * A scoring job is one array job on the CPU queue: a child per shard, each running score on the
     * same inputs with the registry's current version as it was at submission.
     */
    @Test
    void submitScoringSendsAnArrayJobOfScoreChildrenWithTheModelVersionPinned() throws Exception {
        String version = registryWithTheDefaultModel();

        String id = submitted(run("submit-scoring", "--s3-endpoint", moto.endpoint().toString(), "--job-name", "reviews",
                "--shards", "3", "--model", "s3://models/registry/sst2", "--input", "s3://data/scoring-input/reviews/",
                "--output", "s3://data/scoring-output/reviews-1/", "--", "--id-field", "review_id"),
                "reviews", "transformer-lambda-training-cpu");

        JsonNode job = describe(id);
        assertEquals(stack.ref("CpuJobQueue"), job.get("jobQueue").asText());
        assertEquals(stack.ref("ScoringJobDefinition"), job.get("jobDefinition").asText());
        assertEquals(3, job.at("/arrayProperties/size").asInt(), job.toString());
        assertEquals(List.of("score", "--model", "s3://models/registry/sst2/" + version,
                        "--input", "s3://data/scoring-input/reviews/", "--output", "s3://data/scoring-output/reviews-1/",
                        "--shards", "3", "--id-field", "review_id"),
                JSON.convertValue(job.at("/container/command"), List.class));
    }

    @Test
    void submitScoringWithGpusGoesToTheGpuQueueAndTheGpuScoringJobDefinition() throws Exception {
        String version = registryWithTheDefaultModel();
        String id = submitted(run("submit-scoring", "--s3-endpoint", moto.endpoint().toString(), "--job-name", "on-gpu",
                "--gpus", "1", "--shards", "2", "--model", "s3://models/registry/sst2/" + version,
                "--input", "s3://data/scoring-input/reviews/", "--output", "s3://data/scoring-output/on-gpu/"),
                "on-gpu", "transformer-lambda-training");

        JsonNode job = describe(id);
        assertEquals(stack.ref("JobQueue"), job.get("jobQueue").asText());
        assertEquals(stack.ref("GpuScoringJobDefinition"), job.get("jobDefinition").asText());
    }

    @Test
    void statusOfAJobBatchDoesNotKnowSaysSo() {
        assertEquals(1, run("status", "00000000-0000-0000-0000-000000000000"));
        assertTrue(err.toString().contains("no Batch job 00000000-0000-0000-0000-000000000000"), err.toString());
    }

    /** moto's S3 holding the default model as the current version of s3://models/registry/sst2; its version. */
    private static synchronized String registryWithTheDefaultModel() throws Exception {
        String version = JSON.readTree(Path.of("src/main/models/sst2/manifest.json").toFile()).get("version").asText();
        if (!registryWritten) {
            aws.run("s3", "mb", "s3://models");
            aws.run("s3", "cp", "--recursive", "src/main/models/sst2", "s3://models/registry/sst2/" + version);
            Path pointer = Files.createTempFile("current", ".json");
            Files.writeString(pointer, "{\"version\": \"" + version + "\", \"updated\": \"2026-12-02T00:00:00Z\"}");
            aws.run("s3", "cp", pointer.toString(), "s3://models/registry/sst2/current.json");
            registryWritten = true;
        }
        return version;
    }

    private String submitted(int exit, String name, String queue) {
        assertEquals(0, exit, err.toString());
        Matcher submitted = SUBMITTED.matcher(out.toString());
        assertTrue(submitted.find(), out.toString());
        assertEquals(name, submitted.group(2));
        assertEquals(queue, submitted.group(3));
        assertFalse(submitted.group(1).isBlank());
        return submitted.group(1);
    }

    private static JsonNode describe(String id) throws Exception {
        JsonNode jobs = aws.json("batch", "describe-jobs", "--jobs", id).get("jobs");
        assertEquals(1, jobs.size(), jobs.toString());
        return jobs.get(0);
    }

    /** Runs the command line against moto, in the region the AWS CLI created everything in. */
    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args[0], "--batch-endpoint", moto.endpoint().toString(),
                "--region", AwsCli.REGION));
        all.addAll(List.of(args).subList(1, args.length));
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(all.toArray(String[]::new));
    }
}
