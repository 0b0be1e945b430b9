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

    private static float loss(NDManager manager, float labelWeight, float[] labels, float[][] teacher) {
        NDList targets = new NDList(manager.create(labels), manager.create(teacher));
        return new DistillationLoss(labelWeight)
                .evaluate(targets, new NDList(manager.create(STUDENT), manager.create(STUDENT_POOLED))).getFloat();
    }
}
