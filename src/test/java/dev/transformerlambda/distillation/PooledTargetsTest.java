package dev.transformerlambda.distillation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PooledTargetsTest {

    @Test
    void theLogitsStayAndTheVectorsKeepTheirGeometryAtUnitScaleOnTheStudentsWidth() {
        Random random = new Random(3);
        float[][] rows = new float[50][2 + 6];
        for (float[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) (random.nextGaussian() * 7);
            }
        }

        float[][] targets = PooledTargets.projected(rows, 2, 6);

        double sumOfSquares = 0;
        for (int row = 0; row < rows.length; row++) {
            assertEquals(8, targets[row].length);
            assertArrayEquals(Arrays.copyOf(rows[row], 2), Arrays.copyOf(targets[row], 2), "the logits as they were");
            for (int d = 2; d < 8; d++) {
                sumOfSquares += targets[row][d] * targets[row][d];
            }
        }
        assertEquals(1, Math.sqrt(sumOfSquares / (50 * 6)), 1e-4, "root mean square 1");
        // As wide as the teacher's vectors, the projection only centres, rotates and scales them.
        double ratio = distance(targets[0], targets[1]) / distance(rows[0], rows[1]);
        for (int other = 2; other < rows.length; other++) {
            assertEquals(ratio, distance(targets[0], targets[other]) / distance(rows[0], rows[other]), 1e-4);
        }
    }

    /** Euclidean distance between the vectors after the two logits. */
    private static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int d = 2; d < a.length; d++) {
            sum += (a[d] - b[d]) * (a[d] - b[d]);
        }
        return Math.sqrt(sum);
    }
}
