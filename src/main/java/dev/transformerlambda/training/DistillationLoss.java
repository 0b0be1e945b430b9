package dev.transformerlambda.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.loss.Loss;
import java.util.Locale;

/**
 * The student's loss when distilling: the mean squared error between its logits and the teacher's
 * (Tang et al. 2019), or the KL divergence between their softmax distributions at a temperature T,
 * times T squared so its gradients keep their scale (Hinton et al. 2015), mixed with cross-entropy
 * on the true label where there is one.
 * Labels: the label indices (B), {@link TokenizedBatches#NO_LABEL} for augmented texts, and the
 * teacher's logits (B, classes), followed, when the student also learns the teacher's pooled text
 * vectors, by those vectors projected to the student's width (B, E).
 *
 * <p>That second target is the feature distillation of FitNets and TinyBERT in its simplest form:
 * for two classes a teacher's logits say one number per text, its pooled vector says E of them, and
 * a student that matches it (weighted by {@code featureWeight}, on every text) learns how the
 * teacher arranges texts, not only which side of the boundary each falls.
 *
 * <p>Both sets of logits are centred on their mean per text first: softmax ignores a shift shared
 * by all of a text's logits, so the teacher's is arbitrary and the student would spend capacity
 * matching it (with two classes, half of the uncentred error). The KL divergence ignores it anyway.
 */
final class DistillationLoss extends Loss {

    private final float labelWeight;
    private final float temperature;
    private final float featureWeight;

    /**
     * @param temperature 0 for the squared error of logits, else the KL divergence at this temperature
     * @param featureWeight the weight of the squared error between the student's pooled vectors and
     *     the teacher's projected ones; 0 when the labels hold logits alone
     */
    DistillationLoss(float labelWeight, float temperature, float featureWeight) {
        super("DistillationLoss");
        if (temperature < 0) {
            throw new IllegalArgumentException("the temperature must be 0 (squared error) or more, got " + temperature);
        }
        if (featureWeight < 0) {
            throw new IllegalArgumentException("the feature weight must be 0 or more, got " + featureWeight);
        }
        this.labelWeight = labelWeight;
        this.temperature = temperature;
        this.featureWeight = featureWeight;
    }

    /** The soft part of the loss, in words, for the manifest. */
    static String describe(float temperature, float featureWeight) {
        String logits = temperature == 0 ? "mean squared error of centred logits"
                : String.format(Locale.ROOT, "KL divergence at temperature %.2f", temperature);
        return featureWeight == 0 ? logits : String.format(Locale.ROOT, "%s, plus %.2f x mean squared error of the"
                + " pooled text vectors against the teacher's on its principal directions", logits, featureWeight);
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.head();
        long classes = logits.getShape().get(1);
        NDArray label = labels.get(0);
        NDArray teacher = labels.get(1).get(new NDIndex(":, :{}", classes));
        NDArray soft = temperature == 0 ? squaredError(logits, teacher) : divergence(logits, teacher);
        NDArray known = label.gte(0f).toType(logits.getDataType(), false);
        NDArray index = label.maximum(0f).toType(ai.djl.ndarray.types.DataType.INT64, false).expandDims(1);
        NDArray crossEntropy = logits.logSoftmax(1).gather(index, 1).squeeze(1).neg();
        NDArray labelled = crossEntropy.mul(labelWeight).add(soft.mul(1 - labelWeight));
        NDArray loss = labelled.mul(known).add(soft.mul(known.neg().add(1f))).mean();
        if (featureWeight == 0) {
            return loss;
        }
        NDArray teacherVectors = labels.get(1).get(new NDIndex(":, {}:", classes));
        return loss.add(predictions.get(1).sub(teacherVectors).square().mean().mul(featureWeight));
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
