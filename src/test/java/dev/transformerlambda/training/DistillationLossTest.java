package dev.transformerlambda.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class DistillationLossTest {

    private static final float[][] STUDENT = {{1f, -1f}, {0.5f, 2f}};
    private static final float[][] STUDENT_POOLED = {{0.5f, -1f, 2f}, {0f, 1f, -0.5f}};

    @Test
    void aShiftOfTheTeachersLogitsChangesNothing() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float plain = loss(manager, 0.5f, new float[] {0, TokenizedBatches.NO_LABEL}, new float[][] {{3f, -3f}, {0f, 4f}});
            float shifted = loss(manager, 0.5f, new float[] {0, TokenizedBatches.NO_LABEL},
                    new float[][] {{13f, 7f}, {-5f, -1f}});

            assertEquals(plain, shifted, 1e-5f, "softmax ignores a shift shared by a text's logits");
        }
    }

    @Test
    void labelledTextsMixCrossEntropyInAndAugmentedOnesLearnFromTheTeacherAlone() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[][] teacher = {{1f, -1f}, {0.5f, 2f}}; // equal to the student's: no squared error
            float labelled = loss(manager, 0.5f, new float[] {1, TokenizedBatches.NO_LABEL}, teacher);
            float unlabelled = loss(manager, 0.5f,
                    new float[] {TokenizedBatches.NO_LABEL, TokenizedBatches.NO_LABEL}, teacher);

            // The first text against label 1: minus the log of the softmax of its second logit.
            double crossEntropy = -Math.log(Math.exp(-1) / (Math.exp(1) + Math.exp(-1)));
            assertEquals(0.5 * crossEntropy / 2, labelled, 1e-5, "half weight, averaged over the batch of 2");
            assertEquals(0f, unlabelled, 1e-6f);
        }
    }

    @Test
    void atATemperatureTheStudentLearnsTheTeachersDistributionByKlDivergence() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] unlabelled = {TokenizedBatches.NO_LABEL, TokenizedBatches.NO_LABEL};
            // The student's own logits, shifted: the same distributions, so nothing to learn.
            float same = loss(manager, 0f, 2f, unlabelled, new float[][] {{4f, 2f}, {-1f, 0.5f}});
            assertEquals(0f, same, 1e-6f);

            float[][] teacher = {{-1f, 1f}, {2f, 0.5f}};
            float divergence = loss(manager, 0f, 2f, unlabelled, teacher);
            double expected = 0;
            for (int i = 0; i < 2; i++) {
                double[] p = softmax(teacher[i][0] / 2, teacher[i][1] / 2);
                double[] q = softmax(STUDENT[i][0] / 2, STUDENT[i][1] / 2);
                expected += (p[0] * Math.log(p[0] / q[0]) + p[1] * Math.log(p[1] / q[1])) * 4 / 2;
            }
            assertEquals(expected, divergence, 1e-5, "KL(teacher || student) at T = 2, times T squared, batch mean");
        }
    }

    @Test
    void theTeachersPooledVectorsAfterItsLogitsAddTheirWeightedSquaredError() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] unlabelled = {TokenizedBatches.NO_LABEL, TokenizedBatches.NO_LABEL};
            // Logits equal to the student's, then pooled vectors: equal in the first text, off in the second.
            float[][] teacher = {{1f, -1f, 0.5f, -1f, 2f}, {0.5f, 2f, 1f, 1f, 1.5f}};
            NDList targets = new NDList(manager.create(unlabelled), manager.create(teacher));
            NDList student = new NDList(manager.create(STUDENT), manager.create(STUDENT_POOLED));

            float loss = new DistillationLoss(0f, 0f, 3f).evaluate(targets, student).getFloat();

            double squaredError = (1 * 1 + 0 * 0 + 2 * 2) / 6.0; // (1 - 0)^2, (1 - 1)^2, (1.5 + 0.5)^2 over 6 numbers
            assertEquals(3 * squaredError, loss, 1e-5, "weight 3 times the mean squared error of the pooled vectors");
            assertEquals(0f, new DistillationLoss(0f, 0f, 0f).evaluate(targets, student).getFloat(), 1e-6f,
                    "weight 0: the pooled vectors are ignored");
        }
    }

    private static double[] softmax(double a, double b) {
        double max = Math.max(a, b);
        double ea = Math.exp(a - max);
        double eb = Math.exp(b - max);
        return new double[] {ea / (ea + eb), eb / (ea + eb)};
    }

    private static float loss(NDManager manager, float labelWeight, float[] labels, float[][] teacher) {
        return loss(manager, labelWeight, 0f, labels, teacher);
    }

    private static float loss(NDManager manager, float labelWeight, float temperature, float[] labels,
            float[][] teacher) {
        NDList targets = new NDList(manager.create(labels), manager.create(teacher));
        return new DistillationLoss(labelWeight, temperature, 0f)
                .evaluate(targets, new NDList(manager.create(STUDENT), manager.create(STUDENT_POOLED))).getFloat();
    }
}
