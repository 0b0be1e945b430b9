package dev.transformerlambda.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code transformer-lambda} command: train, evaluate and query text classifiers. */
@Command(
        name = "transformer-lambda",
        mixinStandardHelpOptions = true,
        version = "transformer-lambda 0.1.0",
        description = "Train, evaluate and run Transformer text classifiers.",
        subcommands = {TrainCommand.class, DistillCommand.class, EvaluateCommand.class, PredictCommand.class, PublishCommand.class,
            ListCommand.class, PromoteCommand.class, RollbackCommand.class, CleanCommand.class, SubmitCommand.class,
            StatusCommand.class, ReportCommand.class, ScoreCommand.class, SubmitScoringCommand.class,
            RespellCommand.class})
public final class Main {

    public static void main(String[] args) {
        // libtorch and the tokenizers library come from Maven jars; never reach for the network.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling, for {@code main} and for tests. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        // A failing command prints one clear line, not a stack trace.
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + e.getMessage()));
            return 1;
        });
        return commandLine;
    }
}
