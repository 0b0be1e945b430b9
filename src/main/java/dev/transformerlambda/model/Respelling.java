package dev.transformerlambda.model;

import dev.transformerlambda.digest.Sha256;
import dev.transformerlambda.model.ArtifactManifest.Lineage;
import dev.transformerlambda.model.ArtifactManifest.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.commons.io.FileUtils;

/**
 * Makes a new version of an artifact trained before {@link TreebankSpelling} existed: the same
 * weights, its tokenizer with the rules added, so that typed text reaches the model in the
 * treebank's spelling. Predictions on treebank-spelled text do not change (the rules leave it as
 * it is), so the training record and the evaluation scores stay valid and are kept.
 */
public final class Respelling {

    private Respelling() {}

    /**
     * Copies the verified artifact {@code source} into {@code output}, which must not exist or be
     * empty, with the rules added to its tokenizer; the caller writes the report and the manifest
     * returned (the report before the manifest, which lists it).
     *
     * @throws IllegalArgumentException if the tokenizer holds the rules already
     */
    public static ArtifactManifest copy(Path source, Path output, Instant now) throws IOException {
        ArtifactManifest original = ModelArtifact.verify(source);
        if (Files.isDirectory(output)) {
            try (var entries = Files.list(output)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(output + " is not empty");
                }
            }
        }
        Files.createDirectories(output);
        for (String file : List.of(original.tokenizer(), original.weights())) {
            Files.copy(source.resolve(file), output.resolve(file));
        }
        if (!TreebankSpelling.addTo(output.resolve(original.tokenizer()))) {
            FileUtils.deleteDirectory(output.toFile());
            throw new IllegalArgumentException(original.name() + " " + original.version()
                    + " spells typed text as the treebank does already");
        }
        Lineage lineage = original.lineage() == null ? new Lineage(null, null, null) : original.lineage();
        Source from = new Source(original.name(), original.version(),
                Sha256.of(source.resolve(ModelArtifact.MANIFEST)));
        return new ArtifactManifest(original.name(), ModelArtifact.newVersion(now, output),
                now.toString(), original.format(), original.architecture(), original.hyperparameters(),
                original.maxSequenceLength(), original.labels(), original.tokenizer(), original.weights(),
                original.training(), original.metrics(), original.validationMetrics(),
                new Lineage(lineage.pretrained(), lineage.teacher(), lineage.distillation(), from),
                original.engine(), null, List.of());
    }
}
