package dev.transformerlambda.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Softmax cross-entropy of a classifier's logits against the true labels: training on labels
 * alone. The classifiers also output their pooled text vectors, which this loss leaves aside.
 */
final class LabelLoss extends Loss {

    private final Loss crossEntropy = Loss.softmaxCrossEntropyLoss();

    LabelLoss() {
        super("SoftmaxCrossEntropyLoss");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        return crossEntropy.evaluate(labels, new NDList(predictions.head()));
    }
}
