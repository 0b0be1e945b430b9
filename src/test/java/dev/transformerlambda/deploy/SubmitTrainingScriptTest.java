package dev.transformerlambda.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/submit-training hands its job to {@code transformer-lambda submit}: on the GPU queue by
 * default, on the CPU queue with {@code GPUS=0}, always with a checkpoint location so a retried
 * attempt resumes.
 */
class SubmitTrainingScriptTest {

    @TempDir
    Path sandboxRoot;

    @Test
    void submitsAGpuJobByDefaultAndACpuJobWithGpusZero() throws Exception {
        ScriptSandbox sandbox = new ScriptSandbox(sandboxRoot, "scripts/submit-training")
                .file("scripts/transformer-lambda", "true");

        ScriptSandbox.Result gpu = sandbox.run(Map.of(), "scripts/submit-training", "nightly",
                "s3://my-data/data/sst2", "s3://my-models/models/sst2");
        ScriptSandbox.Result cpu = sandbox.run(Map.of("GPUS", "0"), "scripts/submit-training", "nightly-cpu",
                "s3://my-data/data/sst2", "s3://my-models/models/sst2");

        assertEquals(0, gpu.exit(), gpu.toString());
        assertEquals(0, cpu.exit(), cpu.toString());
        assertTrue(gpu.calls().get(0).contains("submit --job-name nightly --gpus 1 --"), gpu.toString());
        assertTrue(cpu.calls().get(cpu.calls().size() - 1).contains("submit --job-name nightly-cpu --gpus 0 --"),
                cpu.toString());
        for (ScriptSandbox.Result result : new ScriptSandbox.Result[] {gpu, cpu}) {
            String call = result.calls().get(result.calls().size() - 1);
            assertTrue(call.contains("--checkpoint s3://my-models/checkpoints"), call);
            assertTrue(call.contains("--publish s3://my-models/models/sst2 --promote-if-better"), call);
        }
    }
}
