package dev.transformerlambda.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code train}: learns a classifier from labelled text and writes its artifact directory. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a classifier, from scratch or by fine-tuning a pretrained encoder, and write a model"
                + " artifact directory.")
public final class TrainCommand implements Callable<Integer> {

    /** The exit code when a model was published but not promoted by {@code --promote-if-better}. */
    static final int NOT_PROMOTED = TrainingRun.NOT_PROMOTED;

    @Spec
    CommandSpec spec;

    @Mixin
    TrainingRun run;

    @Mixin
    ModelOptions model;

    @Override
    public Integer call() throws Exception {
        return run.run(spec, model, null);
    }
}
