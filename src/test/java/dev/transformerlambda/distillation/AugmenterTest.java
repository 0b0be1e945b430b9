package dev.transformerlambda.distillation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AugmenterTest {

    private static final List<String> TEXTS = List.of(
            "a gripping , beautifully acted film .",
            "it 's a dull , lifeless and overlong mess .",
            "meh",
            "the cast is uniformly excellent , and the script sparkles");

    @Test
    void theSameSeedMakesTheSameTexts() {
        List<String> once = Augmenter.paperDefaults(7).augment(TEXTS);
        List<String> again = Augmenter.paperDefaults(7).augment(TEXTS);
        List<String> other = Augmenter.paperDefaults(8).augment(TEXTS);

        assertEquals(once, again);
        assertNotEquals(once, other);
        assertTrue(once.size() > TEXTS.size() * 5, "made " + once.size());
    }

    @Test
    void neverMakesAnEmptyTextADuplicateOrATrainingText() {
        // Every word masked or replaced, and every text cut to an n-gram: the harshest settings.
        List<String> made = new Augmenter(50, 0.5, 0.5, 1.0, 3).augment(TEXTS);

        assertFalse(made.isEmpty());
        assertTrue(made.stream().noneMatch(String::isBlank), "no empty text");
        assertEquals(made.size(), new HashSet<>(made).size(), "no duplicates");
        assertTrue(made.stream().noneMatch(TEXTS::contains), "no training text again");
    }

    @Test
    void aCutTextIsARunOfAtMostFiveWordsOfATrainingText() {
        // Every text cut, nothing masked or replaced: each made text is a run of words of a training text.
        List<String> cut = new Augmenter(50, 0, 0, 1.0, 3).augment(TEXTS);

        assertTrue(cut.stream().allMatch(text -> Augmenter.words(text).length <= Augmenter.LONGEST_NGRAM),
                cut.toString());
        for (String text : cut) {
            assertTrue(TEXTS.stream().anyMatch(original -> (" " + original + " ").contains(" " + text + " ")), text);
        }
    }

    @Test
    void usesOnlyTrainingWordsAndTheMaskToken() {
        Set<String> vocabulary = new HashSet<>();
        TEXTS.forEach(text -> vocabulary.addAll(Arrays.asList(text.split(" "))));
        vocabulary.add(Augmenter.MASK);

        List<String> made = Augmenter.paperDefaults(11).augment(TEXTS);

        assertTrue(made.stream().anyMatch(text -> text.contains(Augmenter.MASK)), "some words are masked");
        for (String text : made) {
            assertTrue(vocabulary.containsAll(Arrays.asList(text.split(" "))), text);
        }
    }

    @Test
    void aReplacedWordComesFromTheReplacementInItsPlaceAndTheManifestSaysWhere() {
        WordReplacement shout = new WordReplacement() {
            @Override
            public String replace(String word, Random random) {
                return word.toUpperCase(Locale.ROOT);
            }

            @Override
            public String describe() {
                return "the word in capitals";
            }
        };
        Augmenter augmenter = new Augmenter(10, 0, 0.5, 0, 5);

        List<String> made = augmenter.augment(TEXTS, shout);

        assertTrue(made.size() > TEXTS.size(), "made " + made.size());
        for (String text : made) {
            String[] words = text.split(" ");
            String original = TEXTS.stream().filter(t -> t.equalsIgnoreCase(text)).findFirst().orElseThrow();
            String[] originalWords = original.split(" ");
            for (int i = 0; i < words.length; i++) {
                assertTrue(words[i].equals(originalWords[i])
                        || words[i].equals(originalWords[i].toUpperCase(Locale.ROOT)), text);
            }
        }
        assertTrue(augmenter.describe(shout).contains("replace 0.50 (the word in capitals)"), augmenter.describe(shout));
        String byFrequency = augmenter.describe(TrainingWords.of(TEXTS));
        assertTrue(byFrequency.contains("replace 0.50 (training words by frequency)"), byFrequency);
    }
}
