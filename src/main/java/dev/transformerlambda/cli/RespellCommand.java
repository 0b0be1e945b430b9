package dev.transformerlambda.cli;

import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Respelling;
import dev.transformerlambda.report.TrainingReport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code respell}: a new version of an older artifact whose tokenizer reads typed text as the treebank spells it. */
@Command(name = "respell", mixinStandardHelpOptions = true,
        description = {"Write a new version of a model artifact whose tokenizer respells typed text as the Sentiment"
                + " Treebank does (don't as do n't, (a) as -lrb- a -rrb-): the same weights, the same predictions on"
                + " treebank text. Models trained since the rules exist have them already."})
public final class RespellCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "The model artifact to copy.")
    Path model;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Where to write the new version.")
    Path output;

    @Override
    public Integer call() throws Exception {
        ArtifactManifest respelled = Respelling.copy(model, output, Instant.now());
        TrainingReport.write(output, respelled);
        ArtifactManifest written = ModelArtifact.writeManifest(output, respelled);
        spec.commandLine().getOut().printf("wrote %s (%s version %s, respelled from %s)%n", output, written.name(),
                written.version(), written.lineage().respelledFrom().origin());
        return 0;
    }
}
