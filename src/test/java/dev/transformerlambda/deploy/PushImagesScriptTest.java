package dev.transformerlambda.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/push-images against stand-ins for the AWS CLI and Docker. */
class PushImagesScriptTest {

    private static final String REPOSITORY = "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-classifier-training";

    @TempDir
    Path sandboxRoot;

    @Test
    void buildsForTheGpuInstancesArchitectureWhateverTheHost() throws Exception {
        ScriptSandbox sandbox = new ScriptSandbox(sandboxRoot, "scripts/push-images")
                .command("aws", "[[ \"$1\" == ecr ]] && echo token || echo " + REPOSITORY)
                .command("docker", "[[ \"$1\" != login ]] || cat >/dev/null # reads the password").file("mvnw", "");
        Files.createDirectories(sandboxRoot.resolve("target/gpu-lib"));

        ScriptSandbox.Result result = sandbox.run(Map.of(), "scripts/push-images", "my-classifier-training");

        assertEquals(0, result.exit(), result.toString());
        String build = result.calls().get(result.indexOf("docker build"));
        assertTrue(build.contains(" --platform linux/amd64 "), "an arm64 laptop would build arm64: " + build);
        assertTrue(result.calls().contains("docker push " + REPOSITORY + ":latest"), result.toString());
    }
}
