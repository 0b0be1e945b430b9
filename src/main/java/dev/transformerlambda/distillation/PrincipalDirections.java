package dev.transformerlambda.distillation;

import java.util.Random;

/**
 * Rows of numbers reduced to their top principal directions: how a teacher's wide word embeddings
 * become a start as wide as a student's.
 */
public final class PrincipalDirections {

    private static final int POWER_ITERATIONS = 30;

    private PrincipalDirections() {}

    /**
     * The rows, centred, on their top {@code components} principal directions (found by subspace
     * iteration on the covariance), scaled to the spread they had, padded with zeros to {@code
     * outWidth}.
     */
    public static float[][] project(float[][] rows, int components, int outWidth) {
        int dims = rows[0].length;
        double[] mean = new double[dims];
        for (float[] row : rows) {
            for (int d = 0; d < dims; d++) {
                mean[d] += row[d] / rows.length;
            }
        }
        double[][] covariance = new double[dims][dims];
        for (float[] row : rows) {
            for (int a = 0; a < dims; a++) {
                double da = row[a] - mean[a];
                for (int b = a; b < dims; b++) {
                    covariance[a][b] += da * (row[b] - mean[b]);
                }
            }
        }
        for (int a = 0; a < dims; a++) {
            for (int b = 0; b < a; b++) {
                covariance[a][b] = covariance[b][a];
            }
        }
        double[][] basis = new double[components][dims];
        Random random = new Random(0);
        for (double[] vector : basis) {
            for (int d = 0; d < dims; d++) {
                vector[d] = random.nextGaussian();
            }
        }
        orthonormalize(basis);
        for (int iteration = 0; iteration < POWER_ITERATIONS; iteration++) {
            for (int k = 0; k < components; k++) {
                basis[k] = multiply(covariance, basis[k]);
            }
            orthonormalize(basis);
        }
        float[][] projected = new float[rows.length][outWidth];
        for (int i = 0; i < rows.length; i++) {
            for (int k = 0; k < components; k++) {
                double dot = 0;
                for (int d = 0; d < dims; d++) {
                    dot += (rows[i][d] - mean[d]) * basis[k][d];
                }
                projected[i][k] = (float) dot;
            }
        }
        return projected;
    }

    private static double[] multiply(double[][] matrix, double[] vector) {
        double[] out = new double[vector.length];
        for (int a = 0; a < matrix.length; a++) {
            double sum = 0;
            for (int b = 0; b < vector.length; b++) {
                sum += matrix[a][b] * vector[b];
            }
            out[a] = sum;
        }
        return out;
    }

    /** Gram-Schmidt, in place. */
    private static void orthonormalize(double[][] vectors) {
        for (int k = 0; k < vectors.length; k++) {
            for (int j = 0; j < k; j++) {
                double dot = 0;
                for (int d = 0; d < vectors[k].length; d++) {
                    dot += vectors[k][d] * vectors[j][d];
                }
                for (int d = 0; d < vectors[k].length; d++) {
                    vectors[k][d] -= dot * vectors[j][d];
                }
            }
            double norm = 0;
            for (double value : vectors[k]) {
                norm += value * value;
            }
            norm = Math.sqrt(norm);
            for (int d = 0; d < vectors[k].length; d++) {
                vectors[k][d] /= norm;
            }
        }
    }
}
