package dev.transformerlambda.serving;

import dev.transformerlambda.model.ArtifactManifest.Lineage;
import dev.transformerlambda.model.ClassificationMetrics;
import java.util.List;

/**
 * What {@code GET /model} shows: the loaded model's manifest summary and the last reload check.
 *
 * @param name the model's name, null before a model is loaded
 * @param version its version
 * @param labels labels in index order
 * @param architecture its encoder family ({@code transformer-encoder-classifier}, {@code
 *     bert-encoder-classifier})
 * @param metrics its evaluation metrics
 * @param lineage the pretrained encoder or teacher it came from, if any
 * @param created when it was trained
 * @param loadedAt when this function loaded it
 * @param source where it was loaded from
 * @param lastCheck the last look at the registry
 */
public record ModelStatus(
        String name,
        String version,
        List<String> labels,
        String architecture,
        ClassificationMetrics metrics,
        Lineage lineage,
        String created,
        String loadedAt,
        String source,
        ReloadCheck lastCheck) {}
