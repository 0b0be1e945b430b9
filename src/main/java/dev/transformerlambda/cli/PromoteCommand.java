package dev.transformerlambda.cli;

import dev.transformerlambda.registry.CurrentPointer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code promote}: makes a published version the one served. */
@Command(name = "promote", mixinStandardHelpOptions = true, description = "Serve a published version.")
public final class PromoteCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RegistryOptions registryOptions;

    @Parameters(paramLabel = "VERSION", description = "The version to serve.")
    String version;

    @Override
    public Integer call() throws Exception {
        try (RegistryOptions.Session session = registryOptions.open()) {
            CurrentPointer pointer = session.registry().promote(version);
            spec.commandLine().getOut().printf("current: %s (previous: %s)%n", pointer.version(), pointer.previous());
        }
        return 0;
    }
}
