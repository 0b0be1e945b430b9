package dev.transformerlambda.evaluation;

import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.LabelledText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Slips of the fingers, as in text typed in a hurry: each word of three letters or more gets, with
 * probability {@code wordRate}, one slip: a letter dropped, doubled, swapped with the next one, or
 * struck on a key beside it (QWERTY). The same rate and seed always give the same slips, so two
 * models are compared on the same misspelt texts.
 *
 * @param wordRate chance a word gets a slip, in [0, 1]
 * @param seed the random seed
 */
public record TypingSlips(double wordRate, long seed) {

    private static final Map<Character, String> KEYS_BESIDE = Map.ofEntries(
            Map.entry('q', "wa"), Map.entry('w', "qeas"), Map.entry('e', "wrsd"), Map.entry('r', "etdf"),
            Map.entry('t', "ryfg"), Map.entry('y', "tugh"), Map.entry('u', "yihj"), Map.entry('i', "uojk"),
            Map.entry('o', "ipkl"), Map.entry('p', "ol"), Map.entry('a', "qwsz"), Map.entry('s', "awedxz"),
            Map.entry('d', "serfcx"), Map.entry('f', "drtgvc"), Map.entry('g', "ftyhbv"), Map.entry('h', "gyujnb"),
            Map.entry('j', "huikmn"), Map.entry('k', "jiolm"), Map.entry('l', "kop"), Map.entry('z', "asx"),
            Map.entry('x', "zsdc"), Map.entry('c', "xdfv"), Map.entry('v', "cfgb"), Map.entry('b', "vghn"),
            Map.entry('n', "bhjm"), Map.entry('m', "njk"));

    public TypingSlips {
        if (wordRate < 0 || wordRate > 1) {
            throw new IllegalArgumentException("the share of words with a slip must be in [0, 1], got " + wordRate);
        }
    }

    /** Each of {@code texts} with slips, in order, drawn from this seed. */
    public List<String> apply(List<String> texts) {
        Random random = new Random(seed);
        return texts.stream().map(text -> apply(text, random)).toList();
    }

    /** Every text of {@code data} with slips; the labels and the file's sha256 stay. */
    public LabelledDataset apply(LabelledDataset data) {
        List<String> slipped = apply(data.examples().stream().map(LabelledText::text).toList());
        List<LabelledText> examples = new ArrayList<>(slipped.size());
        for (int i = 0; i < slipped.size(); i++) {
            LabelledText example = data.examples().get(i);
            examples.add(new LabelledText(slipped.get(i), example.label(), example.group()));
        }
        return new LabelledDataset(String.format("%s (a slip in %.0f%% of words, seed %d)", data.source(),
                wordRate * 100, seed), data.sha256(), examples);
    }

    private String apply(String text, Random random) {
        String[] words = text.split(" ", -1);
        List<String> slipped = new ArrayList<>(words.length);
        for (String word : words) {
            slipped.add(word.length() >= 3 && word.chars().allMatch(Character::isLetter) && random.nextDouble() < wordRate
                    ? slip(word, random) : word);
        }
        return String.join(" ", slipped);
    }

    private static String slip(String word, Random random) {
        StringBuilder letters = new StringBuilder(word);
        int at = random.nextInt(word.length());
        switch (random.nextInt(4)) {
            case 0 -> letters.deleteCharAt(at);
            case 1 -> letters.insert(at, word.charAt(at));
            case 2 -> {
                int next = Math.min(at + 1, word.length() - 1);
                int first = next == at ? at - 1 : at;
                char swapped = letters.charAt(first);
                letters.setCharAt(first, letters.charAt(first + 1));
                letters.setCharAt(first + 1, swapped);
            }
            default -> {
                char original = word.charAt(at);
                String beside = KEYS_BESIDE.get(Character.toLowerCase(original));
                if (beside != null) {
                    char struck = beside.charAt(random.nextInt(beside.length()));
                    letters.setCharAt(at, Character.isUpperCase(original) ? Character.toUpperCase(struck) : struck);
                }
            }
        }
        return letters.toString();
    }
}
