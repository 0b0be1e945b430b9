package dev.transformerlambda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Where {@code submit} sends a job, and what its help shows; the requests themselves are in TrainingJobsIT. */
class SubmitCommandTest {

    @Test
    void aCpuJobGoesToTheCpuQueueAndJobDefinitionAGpuJobToTheGpuOnes() {
        assertEquals(new SubmitCommand.Target("transformer-lambda-training-cpu", "transformer-lambda-training-cpu"),
                SubmitCommand.target(0, null, null, Map.of()));
        assertEquals(new SubmitCommand.Target("transformer-lambda-training", "transformer-lambda-training"),
                SubmitCommand.target(1, null, null, Map.of()));
    }

    @Test
    void theEnvironmentNamesTheDeployedQueuesAndAnOptionWinsOverIt() {
        Map<String, String> deployed = Map.of(
                "TRAINING_JOB_QUEUE", "gpu-q", "TRAINING_JOB_DEFINITION", "gpu-d",
                "TRAINING_CPU_JOB_QUEUE", "cpu-q", "TRAINING_CPU_JOB_DEFINITION", "cpu-d");

        assertEquals(new SubmitCommand.Target("cpu-q", "cpu-d"), SubmitCommand.target(0, null, null, deployed));
        assertEquals(new SubmitCommand.Target("gpu-q", "gpu-d"), SubmitCommand.target(4, null, null, deployed));
        assertEquals(new SubmitCommand.Target("mine", "cpu-d"), SubmitCommand.target(0, "mine", null, deployed));
        assertEquals(new SubmitCommand.Target("gpu-q", "mine:2"), SubmitCommand.target(2, null, "mine:2", deployed));
    }

    /** Without --checkpoint, an attempt Batch retries after a Spot reclamation trains from the start. */
    @Test
    void everyExampleInTheHelpCheckpoints() {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));

        assertEquals(0, commandLine.execute("submit", "--help"));

        String help = out.toString();
        List<String> examples = List.of(help.substring(help.indexOf("Examples")).split("transformer-lambda submit "));
        assertEquals(4, examples.size(), help);
        for (String example : examples.subList(1, examples.size())) {
            List<String> lines = example.split("\\R\\R")[0].lines().toList();
            for (String line : lines.subList(0, lines.size() - 1)) {
                assertTrue(line.endsWith(" \\"), "wrapped by the help, not by its author: " + line);
            }
            assertTrue(example.contains(" --checkpoint s3://my-models/checkpoints "), "no --checkpoint in: " + example);
        }
        assertTrue(help.contains("--gpus 0"), help);
    }
}
