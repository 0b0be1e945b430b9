package dev.transformerlambda.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.commons.io.FileUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code publish}: uploads an artifact directory as a new immutable version. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Upload a model artifact as a new version; with --promote, serve it.")
public final class PublishCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RegistryOptions registryOptions;

    @Option(names = "--promote", description = "Make the new version the current one.")
    boolean promote;

    @Parameters(paramLabel = ModelLocation.LABEL, description = "The artifact to publish: a directory, or a"
            + " registry's current version or one version on S3 (as another registry's).")
    String artifact;

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("publish-");
        try (RegistryOptions.Session session = registryOptions.open()) {
            String version = session.registry().publish(ModelLocation.fetch(artifact, session::s3, work));
            spec.commandLine().getOut().printf("published %s/%s%n", session.registry().uri(), version);
            if (promote) {
                session.registry().promote(version);
                spec.commandLine().getOut().printf("current: %s%n", version);
            }
        } finally {
            FileUtils.deleteDirectory(work.toFile());
        }
        return 0;
    }
}
