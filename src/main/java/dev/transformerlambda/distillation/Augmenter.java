package dev.transformerlambda.distillation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Makes new texts from training texts for a teacher to label, with the rules of Tang et al. (2019),
 * "Distilling Task-Specific Knowledge from BERT into Simple Neural Networks": each word is masked
 * with probability {@code maskRate}, else replaced by another word with probability {@code
 * replaceRate} (the paper draws one of the same part of speech; with no tagger here, a {@link
 * WordReplacement} chooses: by default {@link TrainingWords}, or a teacher's {@link WordNeighbours}
 * as TinyBERT's augmentation does), and the result is cut to a random n-gram (n from 1 to 5) with
 * probability {@code ngramRate}. The same texts, settings and seed always give the same texts.
 *
 * @param perText how many new texts to try to make from each text; duplicates are dropped
 * @param maskRate chance a word becomes {@code [MASK]}
 * @param replaceRate chance a word is replaced by another
 * @param ngramRate chance the text is cut to one of its n-grams
 * @param seed the random seed
 */
public record Augmenter(
        int perText, double maskRate, double replaceRate, double ngramRate, long seed) {

    public static final String MASK = "[MASK]";
    /** The paper's longest n-gram; longer phrases measured no better (docs/distillation.md). */
    static final int LONGEST_NGRAM = 5;

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
     * New texts made from {@code texts}, none empty, none equal to a training text, in a fixed order;
     * a replaced word is any training word, drawn by frequency.
     */
    public List<String> augment(List<String> texts) {
        return augment(texts, TrainingWords.of(texts));
    }

    /** As {@link #augment(List)}, with replaced words chosen by {@code replacement}. */
    public List<String> augment(List<String> texts, WordReplacement replacement) {
        Random random = new Random(seed);
        Set<String> originals = new HashSet<>(texts);
        Set<String> made = new LinkedHashSet<>();
        for (String text : texts) {
            String[] tokens = words(text);
            if (tokens.length == 0 || tokens[0].isEmpty()) {
                continue;
            }
            for (int i = 0; i < perText; i++) {
                String candidate = String.join(" ", variant(tokens, replacement, random));
                if (!candidate.isBlank() && !originals.contains(candidate)) {
                    made.add(candidate);
                }
            }
        }
        return List.copyOf(made);
    }

    /** Settings in words, for the manifest, with replaced words chosen by {@code replacement}. */
    public String describe(WordReplacement replacement) {
        return String.format("Tang et al. 2019 rules: %d per text, mask %.2f, replace %.2f (%s), n-gram %.2f"
                + " (n 1-%d), seed %d", perText, maskRate, replaceRate, replacement.describe(), ngramRate,
                LONGEST_NGRAM, seed);
    }

    /** The words of a text as the augmenter sees them: split on white space. */
    public static String[] words(String text) {
        return text.trim().split("\\s+");
    }

    private List<String> variant(String[] tokens, WordReplacement replacement, Random random) {
        List<String> out = new ArrayList<>(tokens.length);
        for (String token : tokens) {
            double draw = random.nextDouble();
            out.add(draw < maskRate ? MASK : draw < maskRate + replaceRate ? replacement.replace(token, random) : token);
        }
        if (random.nextDouble() < ngramRate && out.size() > 1) {
            int n = 1 + random.nextInt(Math.min(LONGEST_NGRAM, out.size()));
            int from = random.nextInt(out.size() - n + 1);
            return out.subList(from, from + n);
        }
        return out;
    }
}
