package dev.transformerlambda.distillation;

import java.util.Arrays;

/**
 * A teacher's pooled text vectors as targets for a narrower student: projected on their principal
 * directions to the student's width, at the scale of the student's layer-normalised outputs.
 */
public final class PooledTargets {

    private PooledTargets() {}

    /**
     * Rows of logits and the teacher's pooled vector, with the vectors projected on their top {@code
     * width} principal directions and scaled to a root mean square of 1, the scale of the student's
     * layer-normalised outputs.
     */
    public static float[][] projected(float[][] rows, int classes, int width) {
        float[][] vectors = new float[rows.length][];
        for (int row = 0; row < rows.length; row++) {
            vectors[row] = Arrays.copyOfRange(rows[row], classes, rows[row].length);
        }
        float[][] projected = PrincipalDirections.project(vectors, Math.min(width, vectors[0].length), width);
        double sumOfSquares = 0;
        for (float[] vector : projected) {
            for (float value : vector) {
                sumOfSquares += (double) value * value;
            }
        }
        float scale = (float) (1 / Math.sqrt(sumOfSquares / ((double) rows.length * width)));
        float[][] out = new float[rows.length][classes + width];
        for (int row = 0; row < rows.length; row++) {
            System.arraycopy(rows[row], 0, out[row], 0, classes);
            for (int d = 0; d < width; d++) {
                out[row][classes + d] = projected[row][d] * scale;
            }
        }
        return out;
    }
}
