package dev.transformerlambda.distillation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Makes new sentences by swapping a phrase of a training sentence for another training phrase that
 * starts with the same word: "it 's a dull , lifeless mess" with "a dull , lifeless mess" swapped
 * for "a small gem" gives "it 's a small gem". The treebank labels every constituent of every
 * training sentence, so a phrase found inside a sentence is one of its constituents, and a phrase
 * with the same first word is mostly one of the same kind ("the ...", "but ...", "not ..."), so the
 * result mostly reads as a sentence. The teacher labels it; the student sees how a sentence's parts
 * make its sentiment, which word replacements ({@link Augmenter}) change little.
 *
 * @param perText how many new sentences to try to make from each sentence; duplicates are dropped
 * @param seed the random seed
 */
public record ConstituentSwaps(int perText, long seed) {

    /** Tries for a replacement other than the phrase itself, before giving up on one new sentence. */
    private static final int TRIES = 4;

    public ConstituentSwaps {
        if (perText < 0) {
            throw new IllegalArgumentException("swaps per text must be 0 or more, got " + perText);
        }
    }

    /**
     * New sentences made from {@code sentences} with {@code phrases} (the training texts: a phrase must
     * be among them, and not a sentence, to be swapped out or in), none equal to a sentence or a phrase,
     * in a fixed order.
     */
    public List<String> swap(List<String> sentences, Collection<String> phrases) {
        // Whole sentences are neither swapped out nor in: one swapped in would end inside another.
        Set<String> sentenceSet = new HashSet<>(sentences);
        List<String> parts = phrases.stream().filter(phrase -> !sentenceSet.contains(phrase)).toList();
        Set<String> partSet = new HashSet<>(parts);
        Map<String, List<String[]>> byFirstWord = byFirstWord(parts);
        Set<String> known = new HashSet<>(phrases);
        known.addAll(sentences);
        Random random = new Random(seed);
        Set<String> made = new LinkedHashSet<>();
        for (String sentence : sentences) {
            String[] words = Augmenter.words(sentence);
            List<int[]> spans = constituents(words, partSet);
            if (spans.isEmpty()) {
                continue;
            }
            for (int i = 0; i < perText; i++) {
                int[] span = spans.get(random.nextInt(spans.size()));
                String[] replacement = replacement(words, span, byFirstWord.get(words[span[0]]), random);
                if (replacement != null) {
                    String candidate = String.join(" ", spliced(words, span, replacement));
                    if (!known.contains(candidate)) {
                        made.add(candidate);
                    }
                }
            }
        }
        return List.copyOf(made);
    }

    /** Settings in words, for the manifest. */
    public String describe() {
        return String.format("%d constituent swaps per sentence (a phrase for one with the same first word), seed %d",
                perText, seed);
    }

    /** The spans {from, to} of two words or more, short of the whole sentence, that are phrases. */
    private static List<int[]> constituents(String[] words, Set<String> phrases) {
        List<int[]> spans = new ArrayList<>();
        for (int from = 0; from < words.length; from++) {
            StringBuilder text = new StringBuilder(words[from]);
            for (int to = from + 2; to <= words.length; to++) {
                text.append(' ').append(words[to - 1]);
                if (to - from < words.length && phrases.contains(text.toString())) {
                    spans.add(new int[] {from, to});
                }
            }
        }
        return spans;
    }

    /** A phrase from {@code candidates} other than the span's own, or null if the tries found none. */
    private static String[] replacement(String[] words, int[] span, List<String[]> candidates, Random random) {
        String[] own = Arrays.copyOfRange(words, span[0], span[1]);
        for (int i = 0; i < TRIES; i++) {
            String[] candidate = candidates.get(random.nextInt(candidates.size()));
            if (!Arrays.equals(candidate, own)) {
                return candidate;
            }
        }
        return null;
    }

    private static List<String> spliced(String[] words, int[] span, String[] replacement) {
        List<String> out = new ArrayList<>(words.length - (span[1] - span[0]) + replacement.length);
        out.addAll(Arrays.asList(words).subList(0, span[0]));
        out.addAll(Arrays.asList(replacement));
        out.addAll(Arrays.asList(words).subList(span[1], words.length));
        return out;
    }

    /** The phrases of two words or more by their first word, in their given order. */
    private static Map<String, List<String[]>> byFirstWord(Collection<String> phrases) {
        Map<String, List<String[]>> index = new HashMap<>();
        for (String phrase : new LinkedHashSet<>(phrases)) {
            String[] words = Augmenter.words(phrase);
            if (words.length >= 2) {
                index.computeIfAbsent(words[0], first -> new ArrayList<>()).add(words);
            }
        }
        return index;
    }
}
