package dev.transformerlambda.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.LabelledText;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.DefaultModelTest;
import dev.transformerlambda.model.ModelArtifact;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The gate never compares models on data one of them was trained or selected on. */
class PromotionGateTest {

    @Test
    void evaluationDataAModelWasTrainedOrSelectedOnIsNamedByItsSha256() throws Exception {
        ArtifactManifest manifest = ModelArtifact.verify(DefaultModelTest.DEFAULT_MODEL);
        ArtifactManifest.TrainingSummary training = manifest.training();

        assertEquals(Optional.of("was trained on"), PromotionGate.usedBy(manifest, data(training.dataSha256())));
        assertEquals(Optional.of("chose its epoch on"),
                PromotionGate.usedBy(manifest, data(training.validationDataSha256())));
        assertEquals(Optional.empty(), PromotionGate.usedBy(manifest, data(training.evaluationDataSha256())));
    }

    private static LabelledDataset data(String sha256) {
        return new LabelledDataset("data.tsv", sha256, List.of(new LabelledText("a text", "positive")));
    }
}
