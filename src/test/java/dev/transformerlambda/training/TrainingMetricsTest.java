package dev.transformerlambda.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.transformerlambda.metrics.EmfSpecification;
import dev.transformerlambda.model.ArtifactManifest.Epoch;
import dev.transformerlambda.model.ArtifactManifest.LearningRate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingMetricsTest {

    private static final Instant AT = Instant.parse("2026-11-29T12:00:00.123Z");

    @Test
    void anEpochIsOneEmfLineWithItsFourMetricsPerModel() throws Exception {
        Epoch epoch = new Epoch(3, 0.4321, 0.8125, 0.81, 512.5, 90,
                List.of(new LearningRate(61, 4e-4f), new LearningRate(90, 2.5e-4f)));

        String line = TrainingMetrics.emf("sst2", epoch, AT);

        JsonNode document = EmfSpecification.validate(line);
        assertEquals(AT.toEpochMilli(), document.get("_aws").get("Timestamp").asLong());
        JsonNode directive = document.get("_aws").get("CloudWatchMetrics").get(0);
        assertEquals("TransformerLambda/Training", directive.get("Namespace").asText());
        assertEquals("[[\"Model\"]]", directive.get("Dimensions").toString());
        assertEquals(Map.of("Loss", "None", "ValidationAccuracy", "None", "SentencesPerSecond", "Count/Second",
                "LearningRate", "None"), EmfSpecification.units(document));
        assertEquals("sst2", document.get("Model").asText());
        assertEquals(0.4321, document.get("Loss").asDouble());
        assertEquals(0.8125, document.get("ValidationAccuracy").asDouble());
        assertEquals(512.5, document.get("SentencesPerSecond").asDouble());
        assertEquals("2.5E-4", document.get("LearningRate").toString(), "the rate at the epoch's last step, as written");
        assertEquals(3, document.get("Epoch").asInt());
    }

    @Test
    void aDivergedLossIsLeftOutRatherThanWrittenAsNaN() throws Exception {
        Epoch diverged = new Epoch(1, Double.NaN, 0.5, 0.33, 100, 10, List.of(new LearningRate(10, 1e-3f)));

        String line = TrainingMetrics.emf("m", diverged, AT);

        JsonNode document = EmfSpecification.validate(line);
        assertFalse(line.contains("NaN"), line);
        assertFalse(document.has("Loss"), line);
        assertFalse(EmfSpecification.units(document).containsKey("Loss"), line);
        assertTrue(document.has("ValidationAccuracy"), line);
    }

    /** The checker catches what CloudWatch would reject, so the tests above mean something. */
    @Test
    void theSpecificationCheckRejectsDocumentsCloudWatchWouldNotExtract() {
        String directive = "{\"Namespace\":\"n\",\"Dimensions\":[[\"Model\"]],\"Metrics\":[{\"Name\":\"Loss\"}]}";
        List<String> broken = List.of(
                "{\"_aws\":{\"CloudWatchMetrics\":[" + directive + "]},\"Model\":\"m\",\"Loss\":1}", // no Timestamp
                "{\"_aws\":{\"Timestamp\":1},\"Model\":\"m\",\"Loss\":1}", // no directives
                "{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[" + directive + "]},\"Loss\":1}", // no dimension
                "{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[" + directive + "]},\"Model\":\"m\"}", // no value
                "{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[" + directive + "]},\"Model\":\"m\",\"Loss\":\"1\"}",
                "{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[" + directive.replace("\"Name\":\"Loss\"",
                        "\"Name\":\"Loss\",\"Unit\":\"Parsecs\"") + "]},\"Model\":\"m\",\"Loss\":1}");
        for (String line : broken) {
            assertThrows(AssertionError.class, () -> EmfSpecification.validate(line), line);
        }
    }
}
