package dev.transformerlambda.distillation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Makes new texts from training texts for a teacher to label, with the rules of Tang et al. (2019),
 * "Distilling Task-Specific Knowledge from BERT into Simple Neural Networks": each word is masked
 * with probability {@code maskRate}, else replaced by another word with probability {@code
 * replaceRate} (the paper draws one of the same part of speech; with no tagger here, one drawn from
 * the training words by frequency), and the result is cut to a random n-gram (n from 1 to 5) with
 * probability {@code ngramRate}. The same texts, settings and seed always give the same texts.
 *
 * @param perText how many new texts to try to make from each text; duplicates are dropped
 * @param maskRate chance a word becomes {@code [MASK]}
 * @param replaceRate chance a word is replaced by another training word
 * @param ngramRate chance the text is cut to one of its n-grams
 * @param seed the random seed
 */
public record Augmenter(int perText, double maskRate, double replaceRate, double ngramRate, long seed) {

    public static final String MASK = "[MASK]";
    private static final int LONGEST_NGRAM = 5;

    public Augmenter {
        if (perText < 0) {
            throw new IllegalArgumentException("texts per text must be 0 or more, got " + perText);
        }
        for (double rate : new double[] {maskRate, replaceRate, ngramRate}) {
            if (rate < 0 || rate > 1) {
                throw new IllegalArgumentException("rates must be in [0, 1], got " + rate);
            }
        }
    }

    /** The paper's settings: 20 texts per text, masking 0.1, replacement 0.1, n-grams 0.25. */
    public static Augmenter paperDefaults(long seed) {
        return new Augmenter(20, 0.1, 0.1, 0.25, seed);
    }

    /**
     * New texts made from {@code texts}, none empty, none equal to a training text, in a fixed order.
     */
    public List<String> augment(List<String> texts) {
        Random random = new Random(seed);
        WordSampler words = new WordSampler(texts);
        Set<String> originals = new java.util.HashSet<>(texts);
        Set<String> made = new LinkedHashSet<>();
        for (String text : texts) {
            String[] tokens = text.trim().split("\\s+");
            if (tokens.length == 0 || tokens[0].isEmpty()) {
                continue;
            }
            for (int i = 0; i < perText; i++) {
                String candidate = String.join(" ", variant(tokens, words, random));
                if (!candidate.isBlank() && !originals.contains(candidate)) {
                    made.add(candidate);
                }
            }
        }
        return List.copyOf(made);
    }

    /** Settings in words, for the manifest. */
    public String describe() {
        return String.format("Tang et al. 2019 rules: %d per text, mask %.2f, replace %.2f (training words by"
                + " frequency), n-gram %.2f (n 1-%d), seed %d", perText, maskRate, replaceRate, ngramRate,
                LONGEST_NGRAM, seed);
    }

    private List<String> variant(String[] tokens, WordSampler words, Random random) {
        List<String> out = new ArrayList<>(tokens.length);
        for (String token : tokens) {
            double draw = random.nextDouble();
            out.add(draw < maskRate ? MASK : draw < maskRate + replaceRate ? words.draw(random) : token);
        }
        if (random.nextDouble() < ngramRate && out.size() > 1) {
            int n = 1 + random.nextInt(Math.min(LONGEST_NGRAM, out.size()));
            int from = random.nextInt(out.size() - n + 1);
            return out.subList(from, from + n);
        }
        return out;
    }

    /** Draws training words in proportion to how often they occur. */
    private static final class WordSampler {
        private final String[] words;
        private final long[] cumulative;

        WordSampler(List<String> texts) {
            Map<String, Long> counts = new HashMap<>();
            for (String text : texts) {
                for (String word : text.trim().split("\\s+")) {
                    if (!word.isEmpty()) {
                        counts.merge(word, 1L, Long::sum);
                    }
                }
            }
            words = counts.keySet().stream().sorted().toArray(String[]::new);
            cumulative = new long[words.length];
            long total = 0;
            for (int i = 0; i < words.length; i++) {
                total += counts.get(words[i]);
                cumulative[i] = total;
            }
        }

        String draw(Random random) {
            long target = (long) (random.nextDouble() * cumulative[cumulative.length - 1]);
            int index = Arrays.binarySearch(cumulative, target + 1);
            return words[index >= 0 ? index : -index - 1];
        }
    }
}
