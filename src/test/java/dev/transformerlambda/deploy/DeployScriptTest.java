package dev.transformerlambda.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/deploy against stand-ins for the AWS CLI, the SAM CLI, Maven, the training image push and
 * the transformer-lambda command: it reports success only with a model served, and says how to
 * clear a stack whose first creation rolled back.
 */
class DeployScriptTest {

    private static final String REGISTRY = "s3://my-bucket/models/sst2";
    private static final String[] ARGS = {"my-classifier", "vpc-0abc", "subnet-0aaa,subnet-0bbb", "data-bucket"};

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
              *describe-stacks*) echo "output-of-$stack" ;;
            esac
            """.formatted(REGISTRY);
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
                .command("aws", AWS).command("sam", SAM).command("docker", "").file("mvnw", "")
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
    void namesTheTrainingRepositoryInLowerCase() throws Exception {
        ScriptSandbox.Result result = sandbox.run(Map.of("VERSION", version, "AWS_DEFAULT_REGION", "eu-west-1"),
                "scripts/deploy", "Nightly-Classifier", "vpc-0abc", "subnet-0aaa", "data-bucket");

        assertEquals(0, result.exit(), result.toString());
        String trainingStack = result.calls().get(result.indexOf("aws cloudformation deploy"));
        assertTrue(trainingStack.contains("--stack-name Nightly-Classifier-training "), trainingStack);
        assertTrue(trainingStack.contains(" RepositoryName=nightly-classifier-training"), trainingStack);
    }

    /**
     * Without the SAM CLI, Docker, a region or working credentials, it builds nothing and says
     * what is missing, one line each; with AWS_REGION alone, every tool gets that region.
     */
    @Test
    void checksForItsToolsCredentialsAndRegionBeforeBuildingOneLineForEachMissing() throws Exception {
        sandbox.command("aws", "[[ \"$1\" == sts ]] && { echo 'Unable to locate credentials' >&2; exit 255; }; exit 0");
        Path system = ScriptSandbox.onlyCommands(sandboxRoot.resolve("system"), "bash", "dirname", "tr");
        Files.delete(sandboxRoot.resolve("bin/sam"));
        Files.delete(sandboxRoot.resolve("bin/docker"));

        ScriptSandbox.Result result = sandbox.run(Map.of("VERSION", version, "PATH", system.toString()),
                "scripts/deploy", ARGS);

        assertEquals(1, result.exit(), result.toString());
        assertEquals(java.util.List.of(
                "deploy: sam is not on the PATH",
                "deploy: docker is not on the PATH",
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

    private ScriptSandbox.Result deploy(Map<String, String> environment) throws Exception {
        Map<String, String> withVersion = new java.util.HashMap<>(environment);
        withVersion.put("VERSION", version);
        withVersion.putIfAbsent("AWS_DEFAULT_REGION", "eu-west-1");
        return sandbox.run(withVersion, "scripts/deploy", ARGS);
    }
}
