package dev.transformerlambda.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.aws.AwsCli;
import dev.transformerlambda.aws.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/teardown against a real S3 API (moto's) through the real AWS CLI, the stacks' part
 * stood in for: the model bucket is versioned, which `aws s3 rb --force` cannot delete, so the
 * script removes every version and delete marker first, and only when asked.
 */
class TeardownScriptIT {

    private static final String BUCKET = "models-of-my-classifier";

    @TempDir
    Path dir;

    @Test
    void keepsTheModelBucketUnlessAskedThenDeletesItWithEveryVersionInIt() throws Exception {
        try (MotoServer moto = MotoServer.start()) {
            AwsCli aws = moto.cli();
            aws.run("s3api", "create-bucket", "--bucket", BUCKET);
            aws.run("s3api", "put-bucket-versioning", "--bucket", BUCKET, "--versioning-configuration", "Status=Enabled");
            Path file = Files.writeString(dir.resolve("current.json"), "{\"version\": \"v1\"}");
            for (String key : List.of("models/sst2/current.json", "models/sst2/v1/manifest.json")) {
                aws.run("s3api", "put-object", "--bucket", BUCKET, "--key", key, "--body", file.toString());
                aws.run("s3api", "put-object", "--bucket", BUCKET, "--key", key, "--body", file.toString());
            }
            aws.run("s3api", "delete-object", "--bucket", BUCKET, "--key", "models/sst2/v1/manifest.json");
            ScriptSandbox sandbox = sandbox(moto);
            Map<String, String> environment = new HashMap<>();
            AwsCli.configure(environment);

            ScriptSandbox.Result kept = sandbox.run(environment, "scripts/teardown", "my-classifier");
            assertEquals(0, kept.exit(), kept.toString());
            assertTrue(kept.output().contains("scripts/teardown my-classifier --delete-models"), kept.toString());
            aws.run("s3api", "head-bucket", "--bucket", BUCKET);

            ScriptSandbox.Result deleted = sandbox.run(environment, "scripts/teardown", "my-classifier", "--delete-models");
            assertEquals(0, deleted.exit(), deleted.toString());
            String buckets = aws.run("s3api", "list-buckets");
            assertTrue(!buckets.contains(BUCKET), "the bucket is gone: " + buckets + "\n" + deleted);
        }
    }

    /** The script with the AWS CLI's CloudFormation part stood in for and the rest sent to moto. */
    private ScriptSandbox sandbox(MotoServer moto) throws Exception {
        return new ScriptSandbox(dir.resolve("repo"), "scripts/teardown")
                .command("sam", "exit 0")
                .command("aws", """
                        if [[ "$1" == cloudformation ]]; then
                          [[ "$2" == describe-stacks ]] && echo %s
                          exit 0
                        fi
                        exec %s --endpoint-url %s "$@"
                        """.formatted(BUCKET, ScriptSandbox.locate("aws"), moto.endpoint()));
    }
}
