package dev.transformerlambda.evaluation;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.LabelledText;
import dev.transformerlambda.model.Prediction;
import java.util.List;

/** Runs a predictor over a labelled data set in batches and scores what it predicts. */
public final class Evaluator {

    private Evaluator() {}

    /** Metrics and inference speed of one evaluation. */
    public record Result(ClassificationMetrics metrics, double seconds) {
        /** Texts classified per second, tokenization included. */
        public double sentencesPerSecond() {
            return metrics.examples() / seconds;
        }
    }

    /**
     * Classifies every example of {@code data}, {@code batchSize} texts per forward pass.
     *
     * @param labels the model's labels in index order
     * @throws IllegalArgumentException if the data holds a label the model does not know
     */
    public static Result evaluate(
            Predictor<List<String>, List<Prediction>> predictor,
            List<String> labels,
            LabelledDataset data,
            int batchSize)
            throws TranslateException {
        List<String> unknown = data.labels().stream().filter(l -> !labels.contains(l)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(data.source() + " has labels the model does not know: "
                    + unknown + "; the model's labels are " + labels);
        }
        List<LabelledText> examples = data.examples();
        int[] truth = new int[examples.size()];
        int[] predicted = new int[examples.size()];
        long start = System.nanoTime();
        for (int from = 0; from < examples.size(); from += batchSize) {
            List<LabelledText> batch = examples.subList(from, Math.min(examples.size(), from + batchSize));
            List<Prediction> predictions = predictor.predict(batch.stream().map(LabelledText::text).toList());
            for (int i = 0; i < batch.size(); i++) {
                truth[from + i] = labels.indexOf(batch.get(i).label());
                predicted[from + i] = labels.indexOf(predictions.get(i).label());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(ClassificationMetrics.of(labels, truth, predicted), seconds);
    }
}
