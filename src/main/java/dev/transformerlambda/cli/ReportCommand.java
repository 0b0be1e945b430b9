package dev.transformerlambda.cli;

import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.registry.RegistryUri;
import dev.transformerlambda.report.TrainingReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import org.apache.commons.io.FileUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code report}: where a version's training report is. A local artifact's own {@code report.html}
 * is named where it lies; one on S3 is copied out of the temporary download; an artifact written
 * before reports existed gets one drawn from its manifest, beside it rather than in it, since an
 * artifact never changes.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Print the location of a model version's training report (report.html), writing it first"
                + " when it is on S3 or the version has none.")
public final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "VERSION|" + ModelLocation.LABEL, description = "An artifact directory, a registry"
            + " (its current version) or one version on S3, or a version of the --registry.")
    String location;

    @Option(names = "--registry", paramLabel = "s3://BUCKET/PREFIX/NAME",
            description = "The registry a bare VERSION belongs to.")
    String registry;

    @Option(names = "--output", paramLabel = "FILE", description = "Where to write the report (default: the"
            + " artifact's own report.html if it is a local directory holding one, else"
            + " NAME-VERSION-report.html here).")
    Path output;

    @Mixin
    S3Options s3Options;

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("report-");
        try (TrainingRun.S3Access s3 = new TrainingRun.S3Access(s3Options)) {
            Path artifact = fetch(s3, work);
            // Verified like any artifact: a report that differs from the manifest is refused.
            ArtifactManifest manifest = ModelArtifact.verify(artifact);
            Path own = artifact.resolve(ModelArtifact.REPORT);
            boolean hasReport = manifest.files().stream().anyMatch(f -> f.path().equals(ModelArtifact.REPORT))
                    && Files.isRegularFile(own);
            boolean downloaded = artifact.startsWith(work);
            if (hasReport && !downloaded && output == null) {
                spec.commandLine().getOut().println(own.toAbsolutePath());
                return 0;
            }
            Path target = output != null ? output : Path.of(manifest.name() + "-" + manifest.version() + "-report.html");
            if (target.toAbsolutePath().getParent() != null) {
                Files.createDirectories(target.toAbsolutePath().getParent());
            }
            if (hasReport) {
                Files.copy(own, target, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.writeString(target, TrainingReport.render(manifest), StandardCharsets.UTF_8);
                spec.commandLine().getErr().printf("%s %s has no %s (written before reports were): drawn from its"
                        + " manifest%n", manifest.name(), manifest.version(), ModelArtifact.REPORT);
            }
            spec.commandLine().getOut().println(target.toAbsolutePath());
            return 0;
        } finally {
            FileUtils.deleteDirectory(work.toFile());
        }
    }

    private Path fetch(TrainingRun.S3Access s3, Path work) throws Exception {
        if (registry != null) {
            if (location.contains("/")) {
                throw new ParameterException(spec.commandLine(), "with --registry, give a version such as"
                        + " 20261129T105454Z-81d644, not " + location);
            }
            return new ModelRegistry(s3.client(), RegistryUri.parse(registry)).download(location, work);
        }
        if (!location.startsWith("s3://") && !Files.isDirectory(Path.of(location))) {
            throw new ParameterException(spec.commandLine(), location + " is not a directory; a bare version needs"
                    + " --registry s3://BUCKET/PREFIX/NAME");
        }
        return ModelLocation.fetch(location, s3::client, work);
    }
}
