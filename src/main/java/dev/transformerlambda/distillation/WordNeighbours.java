package dev.transformerlambda.distillation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Replaces a word by one of its nearest neighbours in a teacher's word embeddings, as TinyBERT's
 * augmentation does with GloVe: "dull" becomes "boring" or "bland" (or "lively": antonyms are
 * neighbours too, and the teacher's logits say what the change did), and words the training texts
 * never show appear in their sentences. A word with no row of its own is kept.
 */
public final class WordNeighbours implements WordReplacement {

    private static final int QUERIES_PER_BATCH = 512;

    private final Map<String, List<String>> neighbours;
    private final String source;

    WordNeighbours(Map<String, List<String>> neighbours, String source) {
        this.neighbours = neighbours;
        this.source = source;
    }

    /**
     * For each query, its {@code count} nearest candidates by the cosine of their rows, nearest
     * first, the query itself left out.
     */
    static WordNeighbours nearest(List<String> queries, float[][] queryRows, List<String> candidates,
            float[][] candidateRows, int count, String source) {
        Map<String, List<String>> neighbours = new HashMap<>();
        if (queries.isEmpty() || candidates.isEmpty()) {
            return new WordNeighbours(neighbours, source);
        }
        int width = candidateRows[0].length;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray unitCandidates = unitRows(manager, candidateRows, width).transpose();
            int keep = Math.min(count + 1, candidates.size());
            for (int from = 0; from < queries.size(); from += QUERIES_PER_BATCH) {
                int to = Math.min(queries.size(), from + QUERIES_PER_BATCH);
                try (NDManager batch = manager.newSubManager()) {
                    float[][] rows = Arrays.copyOfRange(queryRows, from, to);
                    NDArray cosines = unitRows(batch, rows, width).matMul(unitCandidates);
                    long[] nearest = cosines.argSort(1, false).get(":, :" + keep).toLongArray();
                    for (int q = from; q < to; q++) {
                        String query = queries.get(q);
                        List<String> words = new ArrayList<>(count);
                        for (int k = 0; k < keep && words.size() < count; k++) {
                            String candidate = candidates.get((int) nearest[(q - from) * keep + k]);
                            if (!candidate.equals(query)) {
                                words.add(candidate);
                            }
                        }
                        neighbours.put(query, List.copyOf(words));
                    }
                }
            }
        }
        return new WordNeighbours(neighbours, source);
    }

    private static NDArray unitRows(NDManager manager, float[][] rows, int width) {
        float[] flat = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        NDArray array = manager.create(flat, new Shape(rows.length, width));
        // The small constant keeps an all-zero row (a piece never trained) from dividing by zero.
        return array.div(array.norm(new int[] {1}, true).add(1e-12f));
    }

    /** The neighbours of {@code word}, nearest first; none for a word without a row. */
    public List<String> of(String word) {
        return neighbours.getOrDefault(word, List.of());
    }

    @Override
    public String replace(String word, Random random) {
        List<String> near = neighbours.get(word);
        return near == null || near.isEmpty() ? word : near.get(random.nextInt(near.size()));
    }

    @Override
    public String describe() {
        int count = neighbours.values().stream().mapToInt(List::size).max().orElse(0);
        return "one of the " + count + " nearest words in " + source + ", for the " + neighbours.size()
                + " words that have a row";
    }
}
