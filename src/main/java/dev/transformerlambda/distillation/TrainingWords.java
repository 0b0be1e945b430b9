package dev.transformerlambda.distillation;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Replaces a word by any training word, drawn in proportion to how often it occurs: the stand-in
 * for Tang et al.'s word of the same part of speech where no tagger is at hand.
 */
public final class TrainingWords implements WordReplacement {

    private final String[] words;
    private final long[] cumulative;

    private TrainingWords(String[] words, long[] cumulative) {
        this.words = words;
        this.cumulative = cumulative;
    }

    /** The words of {@code texts} (split on white space), weighted by their counts. */
    public static TrainingWords of(List<String> texts) {
        Map<String, Long> counts = new HashMap<>();
        for (String text : texts) {
            for (String word : Augmenter.words(text)) {
                if (!word.isEmpty()) {
                    counts.merge(word, 1L, Long::sum);
                }
            }
        }
        String[] words = counts.keySet().stream().sorted().toArray(String[]::new);
        long[] cumulative = new long[words.length];
        long total = 0;
        for (int i = 0; i < words.length; i++) {
            total += counts.get(words[i]);
            cumulative[i] = total;
        }
        return new TrainingWords(words, cumulative);
    }

    @Override
    public String replace(String word, Random random) {
        if (words.length == 0) {
            return word;
        }
        long target = (long) (random.nextDouble() * cumulative[cumulative.length - 1]);
        int index = Arrays.binarySearch(cumulative, target + 1);
        return words[index >= 0 ? index : -index - 1];
    }

    @Override
    public String describe() {
        return "training words by frequency";
    }
}
