package dev.transformerlambda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.evaluation.TypedText;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed default model is intact and answers like a sentiment classifier. */
public class DefaultModelTest {

    public static final Path DEFAULT_MODEL = Path.of("src/main/models/sst2");

    @Test
    void verifiesLoadsAndSeparatesClearlyPositiveFromClearlyNegativeText() throws Exception {
        try (TextClassifier classifier = ModelArtifact.load(DEFAULT_MODEL)) {
            ArtifactManifest manifest = classifier.manifest();
            assertEquals(List.of("negative", "positive"), manifest.labels());
            assertTrue(manifest.metrics().accuracy() > 0.75, "dev accuracy " + manifest.metrics().accuracy());

            List<Prediction> predictions = classifier.predict(List.of(
                    "a gorgeous , witty , seductive movie .",
                    "a dull , lifeless and painfully boring mess ."));

            assertEquals("positive", predictions.get(0).label());
            assertEquals("negative", predictions.get(1).label());
        }
    }

    @Test
    void readsTypedTextAsTheTreebankTextItIsTypedFrom() throws Exception {
        String treebank = "it does n't work , and i ca n't say i 'm surprised -lrb- or sorry -rrb- .";
        try (TextClassifier classifier = ModelArtifact.load(DEFAULT_MODEL)) {
            List<Prediction> predictions = classifier.predict(List.of(treebank, TypedText.of(treebank)));

            assertEquals(predictions.get(0), predictions.get(1));
        }
    }
}
