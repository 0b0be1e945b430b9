package dev.transformerlambda.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * The student's loss when distilling: the mean squared error between its logits and the teacher's
 * (Tang et al. 2019), mixed with cross-entropy on the true label where there is one. Labels: the
 * label indices (B), {@link TokenizedBatches#NO_LABEL} for augmented texts, and the teacher's logits
 * (B, classes).
 *
 * <p>Both sets of logits are centred on their mean per text first: softmax ignores a shift shared
 * by all of a text's logits, so the teacher's is arbitrary and the student would spend capacity
 * matching it (with two classes, half of the uncentred error). A KL divergence at a temperature and
 * the teacher's pooled vectors as a second target measured no better (docs/distillation.md).
 */
final class DistillationLoss extends Loss {

    /** The soft part of the loss, in words, for the manifest. */
    static final String DESCRIPTION = "mean squared error of centred logits";

    private final float labelWeight;

    DistillationLoss(float labelWeight) {
        super("DistillationLoss");
        this.labelWeight = labelWeight;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.head();
        NDArray label = labels.get(0);
        NDArray soft = centred(logits).sub(centred(labels.get(1))).square().mean(new int[] {1});
        NDArray known = label.gte(0f).toType(logits.getDataType(), false);
        NDArray index = label.maximum(0f).toType(DataType.INT64, false).expandDims(1);
        NDArray crossEntropy = logits.logSoftmax(1).gather(index, 1).squeeze(1).neg();
        NDArray labelled = crossEntropy.mul(labelWeight).add(soft.mul(1 - labelWeight));
        return labelled.mul(known).add(soft.mul(known.neg().add(1f))).mean();
    }

    private static NDArray centred(NDArray logits) {
        return logits.sub(logits.mean(new int[] {1}, true));
    }
}
