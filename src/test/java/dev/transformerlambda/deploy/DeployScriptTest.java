package dev.transformerlambda.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/deploy against stand-ins for the AWS CLI, the SAM CLI, Maven, curl, the training image push
 * and the transformer-lambda command: it deploys only once told who may call the API, reports
 * success only with a model served and answering, prints what the next steps need, and says how to
 * clear a stack whose first creation rolled back.
 */
class DeployScriptTest {

    private static final String REGISTRY = "s3://my-bucket/models/sst2";
    private static final String API = "https://abc123.execute-api.eu-west-1.amazonaws.com/";
    private static final String[] STACK_ARGS = {"my-classifier", "vpc-0abc", "subnet-0aaa,subnet-0bbb", "data-bucket"};
    private static final String[] ARGS = {"my-classifier", "vpc-0abc", "subnet-0aaa,subnet-0bbb", "data-bucket", "--public"};

    /**
     * The AWS CLI: a stack named in {@code $SANDBOX/rolled-back-STACK} is in ROLLBACK_COMPLETE, any
     * other does not exist; stack outputs are fixed.
     */
    private static final String AWS = """
            stack=""
            args=("$@")
            for ((i = 0; i < ${#args[@]}; i++)); do [[ "${args[i]}" == --stack-name ]] && stack="${args[i+1]}"; done
            case "$*" in
              *describe-stacks*StackStatus*)
                if [[ -f "$SANDBOX/rolled-back-$stack" ]]; then echo ROLLBACK_COMPLETE
                else echo "An error occurred (ValidationError): Stack with id $stack does not exist" >&2; exit 254; fi ;;
              *describe-stacks*ModelBucketName*) echo my-bucket ;;
              *describe-stacks*RegistryUri*) echo %s ;;
              *describe-stacks*ApiUrl*) echo %s ;;
              *describe-stacks*) echo "output-of-$stack" ;;
            esac
            """.formatted(REGISTRY, API);
    /**
     * curl: the body then the status (as {@code -w '\n%{http_code}'} appends it): CURL_BODY and
     * CURL_CODE where set, else a prediction; with CURL_COLD set, the first request answers 503.
     */
    private static final String CURL = """
            if [[ -n "${CURL_COLD:-}" && ! -f "$SANDBOX/warm" ]]; then
              touch "$SANDBOX/warm"; printf '%s\\n503' '{"error": "model_unavailable"}'
            elif [[ -n "${CURL_CODE:-}" ]]; then printf '%s\\n%s' "$CURL_BODY" "$CURL_CODE"
            else printf '%s\\n200' '{"model": {"name": "sst2"}, "predictions": [{"label": "positive", "score": 0.97}]}'
            fi
            """;
    /** The SAM CLI: with SAM_FAILS set, the stack's first creation fails and rolls back. */
    private static final String SAM = """
            if [[ "$1" == deploy && -n "${SAM_FAILS:-}" ]]; then
              touch "$SANDBOX/rolled-back-$3"; echo "Error: Failed to create/update the stack" >&2; exit 1
            fi
            """;
    /**
     * transformer-lambda: publish answers as PUBLISH says (ok, exists: this version is there
     * already, as ModelRegistry.publish words it, or denied); list shows SERVED as current.
     */
    private static final String CLI = """
            case "$1" in
              publish)
                case "${PUBLISH:-ok}" in
                  ok) echo "published $4/$VERSION"; echo "current: $VERSION" ;;
                  exists) echo "error: $4/$VERSION already exists; versions are never overwritten" >&2; exit 1 ;;
                  *) echo "error: Access Denied (Service: S3, Status Code: 403)" >&2; exit 1 ;;
                esac ;;
              list) [[ -z "${SERVED:-}" ]] || echo "*  $SERVED" ;;
            esac
            """;

    @TempDir
    Path sandboxRoot;
    private ScriptSandbox sandbox;
    private String version;

    @BeforeEach
    void standIns() throws IOException {
        sandbox = new ScriptSandbox(sandboxRoot, "scripts/deploy", "src/main/models/sst2/manifest.json")
                .command("aws", AWS).command("sam", SAM).command("docker", "").command("curl", CURL).file("mvnw", "")
                .file("scripts/push-images", "")
                .file("scripts/transformer-lambda", CLI);
        version = new ObjectMapper().readTree(Files.readString(Path.of("src/main/models/sst2/manifest.json")))
                .get("version").asText();
    }

    @Test
    void publishesAndPromotesTheDefaultModelRightAfterTheServingStack() throws Exception {
        ScriptSandbox.Result result = deploy(Map.of());

        assertEquals(0, result.exit(), result.toString());
        int samDeploy = result.indexOf("sam deploy");
        int publish = result.indexOf("scripts/transformer-lambda publish --promote --registry " + REGISTRY);
        int trainingStack = result.indexOf("aws cloudformation deploy");
        assertTrue(samDeploy >= 0 && samDeploy < publish && publish < trainingStack, result.toString());
    }

    @Test
    void failsLoudlyWhenTheDefaultModelCannotBePublished() throws Exception {
        ScriptSandbox.Result result = deploy(Map.of("PUBLISH", "denied"));

        assertNotEquals(0, result.exit(), result.toString());
        assertTrue(result.output().contains("Access Denied"), result.toString());
        assertTrue(result.output().contains("nothing to serve"), result.toString());
        assertEquals(-1, result.indexOf("aws cloudformation deploy"), "stops there: " + result);
        assertFalse(result.output().contains("==> done"), result.toString());
    }

    @Test
    void leavesTheServedVersionWhenThisExactVersionIsPublishedAlready() throws Exception {
        ScriptSandbox.Result result = deploy(Map.of("PUBLISH", "exists", "SERVED", "20261201T000000Z-trained"));

        assertEquals(0, result.exit(), result.toString());
        assertEquals(-1, result.indexOf("scripts/transformer-lambda promote"), "a trained model stays: " + result);
    }

    @Test
    void promotesThePublishedDefaultModelWhenNothingIsServed() throws Exception {
        ScriptSandbox.Result result = deploy(Map.of("PUBLISH", "exists"));

        assertEquals(0, result.exit(), result.toString());
        assertTrue(result.calls().contains("scripts/transformer-lambda promote --registry " + REGISTRY + " " + version),
                result.toString());
    }

    @Test
    void refusesAStackLeftInRollbackCompleteAndSaysHowToClearIt() throws Exception {
        Files.createFile(sandboxRoot.resolve("rolled-back-my-classifier"));

        ScriptSandbox.Result result = deploy(Map.of());

        assertNotEquals(0, result.exit(), result.toString());
        assertTrue(result.output().contains("ROLLBACK_COMPLETE"), result.toString());
        assertTrue(result.output().contains("aws cloudformation delete-stack --stack-name my-classifier\n"),
                result.toString());
        assertEquals(-1, result.indexOf("sam deploy"), result.toString());
    }

    @Test
    void explainsAFirstCreationThatRolledBackDuringThisDeploy() throws Exception {
        ScriptSandbox.Result result = deploy(Map.of("SAM_FAILS", "yes"));

        assertNotEquals(0, result.exit(), result.toString());
        assertTrue(result.output().contains("aws cloudformation delete-stack --stack-name my-classifier\n"),
                result.toString());
        assertEquals(-1, result.indexOf("scripts/transformer-lambda publish"), result.toString());
    }

    @Test
    void namesTheBatchStackForItsTemplateAndItsRepositoryInLowerCase() throws Exception {
        ScriptSandbox.Result result = sandbox.run(Map.of("VERSION", version, "AWS_DEFAULT_REGION", "eu-west-1"),
                "scripts/deploy", "Nightly-Classifier", "vpc-0abc", "subnet-0aaa", "data-bucket", "--public");

        assertEquals(0, result.exit(), result.toString());
        String batchStack = result.calls().get(result.indexOf("aws cloudformation deploy"));
        assertTrue(batchStack.contains("--stack-name Nightly-Classifier-batch "), batchStack);
        assertTrue(batchStack.contains(" RepositoryName=nightly-classifier-batch"), batchStack);
    }

    /**
     * Without the SAM CLI, Docker, curl, a region or working credentials, it builds nothing and says
     * what is missing, one line each; with AWS_REGION alone, every tool gets that region.
     */
    @Test
    void checksForItsToolsCredentialsAndRegionBeforeBuildingOneLineForEachMissing() throws Exception {
        sandbox.command("aws", "[[ \"$1\" == sts ]] && { echo 'Unable to locate credentials' >&2; exit 255; }; exit 0");
        Path system = ScriptSandbox.onlyCommands(sandboxRoot.resolve("system"), "bash", "dirname", "tr");
        Files.delete(sandboxRoot.resolve("bin/sam"));
        Files.delete(sandboxRoot.resolve("bin/docker"));
        Files.delete(sandboxRoot.resolve("bin/curl"));

        ScriptSandbox.Result result = sandbox.run(Map.of("VERSION", version, "PATH", system.toString()),
                "scripts/deploy", ARGS);

        assertEquals(1, result.exit(), result.toString());
        assertEquals(List.of(
                "deploy: sam is not on the PATH",
                "deploy: docker is not on the PATH",
                "deploy: curl is not on the PATH",
                "deploy: no AWS region: set AWS_DEFAULT_REGION (or aws configure set region REGION)",
                "deploy: no AWS credentials that work (aws sts get-caller-identity failed): aws configure, or set AWS_PROFILE"),
                result.output().strip().lines().toList());
        assertEquals(-1, result.indexOf("mvnw"), "nothing was built: " + result);
    }

    @Test
    void passesTheOneRegionItWasGivenToEveryTool() throws Exception {
        sandbox.command("aws", "printf '%s\\n' \"aws AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-}\" >>\"$SANDBOX/regions.log\"\n"
                + AWS);
        ScriptSandbox.Result result = sandbox.run(Map.of("VERSION", version, "AWS_REGION", "eu-north-1",
                "AWS_DEFAULT_REGION", ""), "scripts/deploy", ARGS);

        assertEquals(0, result.exit(), result.toString());
        assertTrue(result.calls().get(result.indexOf("sam deploy")).contains("--region eu-north-1"), result.toString());
        assertTrue(Files.readAllLines(sandboxRoot.resolve("regions.log")).stream()
                .allMatch(line -> line.equals("aws AWS_DEFAULT_REGION=eu-north-1")), "the AWS CLI v1 reads AWS_DEFAULT_REGION");
    }

    /** An API open to the whole internet is a choice the user makes, not a default they miss. */
    @Test
    void refusesToDeployUntilToldWhoMayCallTheApi() throws Exception {
        ScriptSandbox.Result result = deploy(Map.of(), STACK_ARGS);

        assertEquals(2, result.exit(), result.toString());
        assertTrue(result.output().startsWith("deploy: say who may call the API: --public (anyone, no authentication), "
                + "--auth iam (SigV4-signed requests) or --auth jwt"), result.toString());
        assertEquals(List.of(), result.calls(), "nothing checked, built or deployed: " + result);
    }

    @Test
    void passesTheAuthorizationChosenToTheServingStack() throws Exception {
        String open = samDeploy("--public");
        assertTrue(open.endsWith(" --parameter-overrides AuthType=NONE"), open);
        String iam = samDeploy("--auth", "iam");
        assertTrue(iam.endsWith(" --parameter-overrides AuthType=IAM"), iam);
        String jwt = samDeploy("--auth", "jwt", "--jwt-issuer", "https://issuer.example", "--jwt-audience", "app-1,app-2");
        assertTrue(jwt.endsWith(" --parameter-overrides AuthType=JWT JwtIssuer=https://issuer.example JwtAudience=app-1,app-2"),
                jwt);

        ScriptSandbox.Result noIssuer = deploy(Map.of(), withArgs("--auth", "jwt"));
        assertEquals(2, noIssuer.exit(), noIssuer.toString());
        assertTrue(noIssuer.output().contains("--auth jwt needs --jwt-issuer URL and --jwt-audience"), noIssuer.toString());
    }

    @Test
    void printsTheOutputsAndTheNextStepsCommandsAfterAPredictionFromTheDeployedApi() throws Exception {
        ScriptSandbox.Result result = deploy(Map.of());

        assertEquals(0, result.exit(), result.toString());
        String smoke = result.calls().get(result.indexOf("curl"));
        assertTrue(smoke.endsWith(" " + API + "predict"), smoke);
        assertTrue(result.indexOf("scripts/push-images") < result.indexOf("curl"), "after everything is up: " + result);
        String output = result.output();
        assertTrue(output.contains("it answered: {\"model\": {\"name\": \"sst2\"}, \"predictions\""), output);
        for (String line : List.of("API (and the page to try it): " + API, "model bucket:                 my-bucket",
                "registry:                     " + REGISTRY, "training data:                s3://data-bucket/data/sst2/",
                "  aws s3 cp DIR/train.tsv s3://data-bucket/data/sst2/train.tsv",
                "  export TRAINING_JOB_QUEUE=output-of-my-classifier-batch ",
                "  scripts/submit-training nightly s3://data-bucket/data/sst2 " + REGISTRY,
                "  scripts/follow-job JOB_ID")) {
            assertTrue(output.contains("\n" + line), line + " is printed: " + output);
        }
    }

    @Test
    void aFailedSmokeTestFailsTheDeployWithOneLineSayingWhatTheApiAnswered() throws Exception {
        ScriptSandbox.Result result = deploy(Map.of("CURL_CODE", "500",
                "CURL_BODY", "{\"error\": \"internal\", \"message\": \"see the log\"}"));

        assertEquals(1, result.exit(), result.toString());
        List<String> lines = result.output().strip().lines().toList();
        assertEquals("deploy: the stacks are up but the smoke test failed: POST " + API
                + "predict answered 500: {\"error\": \"internal\", \"message\": \"see the log\"}",
                lines.get(lines.size() - 1));
        assertTrue(result.output().contains("registry:                     " + REGISTRY), "the outputs still: " + result);
    }

    /** The first request to a new function loads the model, and may find none loaded yet. */
    @Test
    void triesAColdFunctionsModelUnavailableAgain() throws Exception {
        ScriptSandbox.Result result = deploy(Map.of("CURL_COLD", "yes"));

        assertEquals(0, result.exit(), result.toString());
        assertEquals(2, result.calls().stream().filter(call -> call.startsWith("curl")).count(), result.toString());
    }

    /** With IAM or JWT authorization the smoke test proves the API refuses a request without credentials. */
    @Test
    void withAuthorizationAnUnsignedRequestMustBeRefused() throws Exception {
        ScriptSandbox.Result refused = deploy(Map.of("CURL_CODE", "403", "CURL_BODY", "{\"message\":\"Forbidden\"}"),
                withArgs("--auth", "iam"));
        assertEquals(0, refused.exit(), refused.toString());
        assertTrue(refused.output().contains("an unsigned request was refused (403)"), refused.toString());

        ScriptSandbox.Result open = deploy(Map.of(), withArgs("--auth", "iam"));
        assertEquals(1, open.exit(), open.toString());
        assertTrue(open.output().contains("without credentials answered 200, not a refusal: is IAM authorization on?"),
                open.toString());
    }

    @Test
    void uploadsTheTrainingDataWhereTheJobsReadIt() throws Exception {
        Path data = Files.createDirectories(sandboxRoot.resolve("my-data"));
        Files.writeString(data.resolve("train.tsv"), "sentence\tlabel\n");
        Files.writeString(data.resolve("dev.tsv"), "sentence\tlabel\n");

        ScriptSandbox.Result result = deploy(Map.of(), withArgs("--public", "--upload-data", data.toString()));

        assertEquals(0, result.exit(), result.toString());
        for (String file : List.of("train.tsv", "dev.tsv")) {
            assertTrue(result.calls().contains("aws s3 cp " + data.resolve(file) + " s3://data-bucket/data/sst2/" + file),
                    result.toString());
        }
        assertFalse(result.output().contains("aws s3 cp DIR/"), "no upload left to do: " + result);
    }

    @Test
    void checksTheDataToUploadBeforeBuilding() throws Exception {
        ScriptSandbox.Result result = deploy(Map.of(), withArgs("--public", "--upload-data", "no-such-dir"));

        assertEquals(1, result.exit(), result.toString());
        assertTrue(result.output().contains("deploy: --upload-data "), result.toString());
        assertTrue(result.output().contains("no-such-dir: no train.tsv and dev.tsv there"), result.toString());
        assertEquals(-1, result.indexOf("mvnw"), "nothing was built: " + result);
    }

    /** The sam deploy call of a run with {@code auth}; the call log starts afresh. */
    private String samDeploy(String... auth) throws Exception {
        Files.deleteIfExists(sandboxRoot.resolve("calls.log"));
        ScriptSandbox.Result result = deploy(Map.of("CURL_CODE", "403", "CURL_BODY", "{}"), withArgs(auth));
        return result.calls().get(result.indexOf("sam deploy"));
    }

    private static String[] withArgs(String... more) {
        return java.util.stream.Stream.concat(Arrays.stream(STACK_ARGS), Arrays.stream(more)).toArray(String[]::new);
    }

    private ScriptSandbox.Result deploy(Map<String, String> environment) throws Exception {
        return deploy(environment, ARGS);
    }

    private ScriptSandbox.Result deploy(Map<String, String> environment, String... args) throws Exception {
        Map<String, String> withVersion = new java.util.HashMap<>(environment);
        withVersion.put("VERSION", version);
        withVersion.putIfAbsent("AWS_DEFAULT_REGION", "eu-west-1");
        return sandbox.run(withVersion, "scripts/deploy", args);
    }
}
