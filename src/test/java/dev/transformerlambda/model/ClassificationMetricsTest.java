package dev.transformerlambda.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.model.ClassificationMetrics.ClassScores;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    private static final List<String> LABELS = List.of("a", "b", "c");

    @Test
    void computesAccuracyPerClassScoresMacroF1AndConfusion() {
        int[] truth = {0, 0, 0, 0, 1, 1, 2, 2};
        int[] predicted = {0, 0, 0, 1, 1, 0, 2, 1};

        ClassificationMetrics metrics = ClassificationMetrics.of(LABELS, truth, predicted);

        assertEquals(8, metrics.examples());
        assertEquals(5.0 / 8, metrics.accuracy(), 1e-12);
        assertArrayEquals(new long[] {3, 1, 0}, metrics.confusionMatrix()[0]);
        assertArrayEquals(new long[] {1, 1, 0}, metrics.confusionMatrix()[1]);
        assertArrayEquals(new long[] {0, 1, 1}, metrics.confusionMatrix()[2]);
        // a: precision 3/4, recall 3/4; b: precision 1/3, recall 1/2; c: precision 1, recall 1/2
        assertScores(metrics.perClass().get("a"), 0.75, 0.75, 0.75, 4);
        assertScores(metrics.perClass().get("b"), 1.0 / 3, 0.5, 0.4, 2);
        assertScores(metrics.perClass().get("c"), 1.0, 0.5, 2.0 / 3, 2);
        assertEquals((0.75 + 0.4 + 2.0 / 3) / 3, metrics.macroF1(), 1e-12);
    }

    @Test
    void aClassNeverPredictedScoresZeroInsteadOfDividingByZero() {
        ClassificationMetrics metrics = ClassificationMetrics.of(LABELS, new int[] {0, 2}, new int[] {0, 0});

        assertScores(metrics.perClass().get("b"), 0, 0, 0, 0);
        assertScores(metrics.perClass().get("c"), 0, 0, 0, 1);
    }

    @Test
    void reportShowsTheTableAndTheConfusionMatrix() {
        String report = ClassificationMetrics.of(LABELS, new int[] {0, 1, 2}, new int[] {0, 1, 1}).report();

        assertTrue(report.contains("accuracy 0.6667"), report);
        assertTrue(report.contains("confusion matrix (rows: true, columns: predicted)"), report);
        assertTrue(report.lines().anyMatch(l -> l.matches("c\\s+0\\s+1\\s+0")), report);
    }

    private static void assertScores(ClassScores scores, double precision, double recall, double f1, long support) {
        assertEquals(precision, scores.precision(), 1e-12);
        assertEquals(recall, scores.recall(), 1e-12);
        assertEquals(f1, scores.f1(), 1e-12);
        assertEquals(support, scores.support());
    }
}
