package dev.transformerlambda.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/push-images against stand-ins for the AWS CLI and Docker. */
class PushImagesScriptTest {

    private static final String REPOSITORY = "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-classifier-batch";

    @TempDir
    Path sandboxRoot;

    @Test
    void buildsBothImagesForTheInstancesArchitectureWhateverTheHostAndPushesTheTagsTheJobDefinitionsName()
            throws Exception {
        ScriptSandbox sandbox = new ScriptSandbox(sandboxRoot, "scripts/push-images")
                .command("aws", "[[ \"$1\" == ecr ]] && echo token || echo " + REPOSITORY)
                .command("docker", "[[ \"$1\" != login ]] || cat >/dev/null # reads the password").file("mvnw", "");
        Files.createDirectories(sandboxRoot.resolve("target/gpu-lib"));
        Files.createDirectories(sandboxRoot.resolve("target/cli-lib"));

        ScriptSandbox.Result result = sandbox.run(Map.of(), "scripts/push-images", "my-classifier-batch");

        assertEquals(0, result.exit(), result.toString());
        List<String> builds = result.calls().stream().filter(c -> c.startsWith("docker build")).toList();
        assertEquals(2, builds.size(), result.toString());
        for (String build : builds) {
            assertTrue(build.contains(" --platform linux/amd64 "), "an arm64 laptop would build arm64: " + build);
        }
        assertTrue(builds.get(0).contains("Dockerfile.training-gpu -t " + REPOSITORY + ":latest "), builds.get(0));
        assertTrue(builds.get(1).contains("Dockerfile.training-cpu -t " + REPOSITORY + ":latest-cpu "), builds.get(1));
        // infra/batch.yaml's job definitions run ${ImageTag} (GPU) and ${ImageTag}-cpu.
        assertTrue(result.calls().contains("docker push " + REPOSITORY + ":latest"), result.toString());
        assertTrue(result.calls().contains("docker push " + REPOSITORY + ":latest-cpu"), result.toString());
        String template = Files.readString(Path.of("infra/batch.yaml"));
        assertTrue(template.contains("/${TrainingRepository}:${ImageTag}'"), "the GPU job definition's image");
        assertTrue(template.contains("/${TrainingRepository}:${ImageTag}-cpu'"), "the CPU job definition's image");
    }
}
