package dev.transformerlambda.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * The student's loss when distilling: the mean squared error between its logits and the teacher's
 * (Tang et al. 2019), or the KL divergence between their softmax distributions at a temperature T,
 * times T squared so its gradients keep their scale (Hinton et al. 2015), mixed with cross-entropy
 * on the true label where there is one.
 * Labels: the label indices (B), {@link TokenizedBatches#NO_LABEL} for augmented texts, and the
 * teacher's logits (B, classes).
 *
 * <p>Both sets of logits are centred on their mean per text first: softmax ignores a shift shared
 * by all of a text's logits, so the teacher's is arbitrary and the student would spend capacity
 * matching it (with two classes, half of the uncentred error). The KL divergence ignores it anyway.
 */
final class DistillationLoss extends Loss {

    private final float labelWeight;
    private final float temperature;

    /** @param temperature 0 for the squared error of logits, else the KL divergence at this temperature */
    DistillationLoss(float labelWeight, float temperature) {
        super("DistillationLoss");
        if (temperature < 0) {
            throw new IllegalArgumentException("the temperature must be 0 (squared error) or more, got " + temperature);
        }
        this.labelWeight = labelWeight;
        this.temperature = temperature;
    }

    /** The soft part of the loss, in words, for the manifest. */
    static String describe(float temperature) {
        return temperature == 0 ? "mean squared error of centred logits"
                : String.format(java.util.Locale.ROOT, "KL divergence at temperature %.2f", temperature);
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.head();
        NDArray label = labels.get(0);
        NDArray teacher = labels.get(1);
        NDArray soft = temperature == 0 ? squaredError(logits, teacher) : divergence(logits, teacher);
        NDArray known = label.gte(0f).toType(logits.getDataType(), false);
        NDArray index = label.maximum(0f).toType(ai.djl.ndarray.types.DataType.INT64, false).expandDims(1);
        NDArray crossEntropy = logits.logSoftmax(1).gather(index, 1).squeeze(1).neg();
        NDArray labelled = crossEntropy.mul(labelWeight).add(soft.mul(1 - labelWeight));
        return labelled.mul(known).add(soft.mul(known.neg().add(1f))).mean();
    }

    private static NDArray squaredError(NDArray logits, NDArray teacher) {
        return centred(logits).sub(centred(teacher)).square().mean(new int[] {1});
    }

    /** KL(teacher || student) of the softened distributions, per text, times T squared. */
    private NDArray divergence(NDArray logits, NDArray teacher) {
        NDArray teacherLog = teacher.div(temperature).logSoftmax(1);
        NDArray studentLog = logits.div(temperature).logSoftmax(1);
        return teacherLog.exp().mul(teacherLog.sub(studentLog)).sum(new int[] {1}).mul(temperature * temperature);
    }

    private static NDArray centred(NDArray logits) {
        return logits.sub(logits.mean(new int[] {1}, true));
    }
}
