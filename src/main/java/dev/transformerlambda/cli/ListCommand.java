package dev.transformerlambda.cli;

import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.registry.VersionInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code list}: the published versions, their metrics, and which is current; then incomplete uploads. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List a model's versions.")
public final class ListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RegistryOptions registryOptions;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (RegistryOptions.Session session = registryOptions.open()) {
            List<VersionInfo> versions = session.registry().list();
            out.printf("%-2s %-26s %-30s %9s %9s  %-31s %s%n", "", "version", "created", "accuracy", "macro-F1",
                    "architecture", "origin");
            for (VersionInfo v : versions) {
                out.printf("%-2s %-26s %-30s %9.4f %9.4f  %-31s %s%n", v.current() ? "*" : "", v.version(),
                        v.created(), v.accuracy(), v.macroF1(), v.architecture(), v.origin());
            }
            if (versions.isEmpty()) {
                out.printf("no versions published under %s%n", session.registry().uri());
            }
            for (ModelRegistry.IncompleteVersion v : session.registry().incomplete()) {
                out.printf("%-2s %-26s incomplete: %d files (%,d bytes) and no manifest, last written %s;"
                        + " never served; `clean` deletes it%n", "!", v.version(), v.files(), v.bytes(), v.lastModified());
            }
        }
        return 0;
    }
}
