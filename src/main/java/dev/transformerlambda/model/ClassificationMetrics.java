package dev.transformerlambda.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well predictions match the truth on one evaluation set. Written into each model's manifest.
 *
 * @param examples how many examples were scored
 * @param accuracy the share predicted correctly
 * @param macroF1 the unweighted mean of the per-class F1 scores
 * @param perClass precision, recall, F1 and support of each label
 * @param labels the labels in index order, naming the confusion matrix's rows and columns
 * @param confusionMatrix counts; row is the true label, column the predicted one
 */
public record ClassificationMetrics(
        int examples,
        double accuracy,
        double macroF1,
        Map<String, ClassScores> perClass,
        List<String> labels,
        long[][] confusionMatrix) {

    /** Scores of one label. */
    public record ClassScores(double precision, double recall, double f1, long support) {}

    /**
     * Computes the metrics of predicted against true label indices.
     *
     * @param labels the label names in index order
     */
    public static ClassificationMetrics of(List<String> labels, int[] truth, int[] predicted) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException("truth and predictions differ in length");
        }
        int classes = labels.size();
        long[][] confusion = new long[classes][classes];
        long correct = 0;
        for (int i = 0; i < truth.length; i++) {
            confusion[truth[i]][predicted[i]]++;
            if (truth[i] == predicted[i]) {
                correct++;
            }
        }
        Map<String, ClassScores> perClass = new LinkedHashMap<>();
        double f1Sum = 0;
        for (int c = 0; c < classes; c++) {
            long truePositives = confusion[c][c];
            long actual = 0;
            long predictedAs = 0;
            for (int other = 0; other < classes; other++) {
                actual += confusion[c][other];
                predictedAs += confusion[other][c];
            }
            double precision = ratio(truePositives, predictedAs);
            double recall = ratio(truePositives, actual);
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.put(labels.get(c), new ClassScores(precision, recall, f1, actual));
            f1Sum += f1;
        }
        return new ClassificationMetrics(
                truth.length,
                ratio(correct, truth.length),
                classes == 0 ? 0 : f1Sum / classes,
                perClass,
                List.copyOf(labels),
                confusion);
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0 : (double) numerator / denominator;
    }

    /** A plain-text report: headline figures, the per-class table and the confusion matrix. */
    public String report() {
        int width = Math.max(9, labels.stream().mapToInt(String::length).max().orElse(0) + 2);
        StringBuilder out = new StringBuilder();
        out.append(String.format("accuracy %.4f   macro-F1 %.4f   examples %d%n%n", accuracy, macroF1, examples));
        out.append(String.format("%-" + width + "s %9s %9s %9s %9s%n", "label", "precision", "recall", "f1", "support"));
        perClass.forEach((label, s) -> out.append(String.format(
                "%-" + width + "s %9.4f %9.4f %9.4f %9d%n", label, s.precision(), s.recall(), s.f1(), s.support())));
        out.append(String.format("%nconfusion matrix (rows: true, columns: predicted)%n"));
        out.append(String.format("%-" + width + "s", ""));
        labels.forEach(label -> out.append(String.format(" %" + width + "s", label)));
        out.append(System.lineSeparator());
        for (int row = 0; row < labels.size(); row++) {
            out.append(String.format("%-" + width + "s", labels.get(row)));
            for (long count : confusionMatrix[row]) {
                out.append(String.format(" %" + width + "d", count));
            }
            out.append(System.lineSeparator());
        }
        return out.toString();
    }
}
