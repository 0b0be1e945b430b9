package dev.transformerlambda.cli;

import dev.transformerlambda.registry.CurrentPointer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code rollback}: serves the previously current version again. */
@Command(name = "rollback", mixinStandardHelpOptions = true, description = "Serve the previous version again.")
public final class RollbackCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RegistryOptions registryOptions;

    @Override
    public Integer call() throws Exception {
        try (RegistryOptions.Session session = registryOptions.open()) {
            CurrentPointer pointer = session.registry().rollback();
            spec.commandLine().getOut().printf("current: %s (previous: %s)%n", pointer.version(), pointer.previous());
        }
        return 0;
    }
}
