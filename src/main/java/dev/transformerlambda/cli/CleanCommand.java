package dev.transformerlambda.cli;

import dev.transformerlambda.registry.ModelRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code clean}: deletes the files of uploads that were cut off before their manifest was written. */
@Command(name = "clean", mixinStandardHelpOptions = true,
        description = "Delete incomplete versions (files without a manifest) left by publishes that were cut off.")
public final class CleanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RegistryOptions registryOptions;

    @Option(names = "--older-than", paramLabel = "DURATION", description = "Only versions whose newest file is"
            + " older than this (ISO-8601, as PT1H): a younger one may be an upload under way. Default: ${DEFAULT-VALUE}.")
    Duration olderThan = Duration.ofHours(1);

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (RegistryOptions.Session session = registryOptions.open()) {
            List<ModelRegistry.IncompleteVersion> deleted = session.registry().clean(olderThan);
            for (ModelRegistry.IncompleteVersion version : deleted) {
                out.printf("deleted %s/%s: %d files, %,d bytes%n", session.registry().uri(), version.version(),
                        version.files(), version.bytes());
            }
            if (deleted.isEmpty()) {
                out.printf("no incomplete version older than %s under %s%n", olderThan, session.registry().uri());
            }
        }
        return 0;
    }
}
