package dev.transformerlambda.evaluation;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.LabelledText;
import dev.transformerlambda.model.ClassificationMetrics;
import dev.transformerlambda.model.Prediction;
import java.util.ArrayList;
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

    /** Texts per forward pass when a whole data set is scored: validation, evaluation, the gate. */
    public static final int BATCH = 64;

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
        long start = System.nanoTime();
        List<String> predictions = predictLabels(predictor, examples.stream().map(LabelledText::text).toList(), batchSize);
        double seconds = (System.nanoTime() - start) / 1e9;
        int[] truth = new int[examples.size()];
        int[] predicted = new int[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            truth[i] = labels.indexOf(examples.get(i).label());
            predicted[i] = labels.indexOf(predictions.get(i));
        }
        return new Result(ClassificationMetrics.of(labels, truth, predicted), seconds);
    }

    /** The label {@code predictor} gives each of {@code texts}, in order, {@code batchSize} texts per forward pass. */
    public static List<String> predictLabels(
            Predictor<List<String>, List<Prediction>> predictor, List<String> texts, int batchSize)
            throws TranslateException {
        List<String> predicted = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batchSize) {
            for (Prediction prediction : predictor.predict(texts.subList(from, Math.min(texts.size(), from + batchSize)))) {
                predicted.add(prediction.label());
            }
        }
        return predicted;
    }
}
