package dev.transformerlambda.data;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Examples read from one file, with where they came from and the file's sha256, so a model
 * artifact can name exactly what it was trained and evaluated on.
 */
public record LabelledDataset(String source, String sha256, List<LabelledText> examples) {

    public LabelledDataset {
        examples = List.copyOf(examples);
    }

    /** The distinct labels in this data set, sorted so that label indices are reproducible. */
    public List<String> labels() {
        return examples.stream().map(LabelledText::label).distinct().sorted().toList();
    }

    /** How many examples carry each label. */
    public Map<String, Long> labelCounts() {
        Map<String, Long> counts = new TreeMap<>();
        examples.forEach(e -> counts.merge(e.label(), 1L, Long::sum));
        return counts;
    }

    public int size() {
        return examples.size();
    }
}
