package dev.transformerlambda.distillation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConstituentSwapsTest {

    private static final List<String> SENTENCES = List.of(
            "it 's a dull , lifeless mess .",
            "the cast is uniformly excellent , but the script is a mess .",
            "meh");

    /** The training texts: the sentences and some phrases of their trees, as the treebank gives them. */
    private static final List<String> TEXTS = List.of(
            "it 's a dull , lifeless mess .", "a dull , lifeless mess", "dull , lifeless",
            "the cast is uniformly excellent , but the script is a mess .", "the cast", "is uniformly excellent",
            "uniformly excellent", "the script is a mess", "the script", "is a mess", "a mess",
            "a small gem", "the best film of the year", "is never dull", "meh", "gem");

    @Test
    void swapsAPhraseOfASentenceForAnotherWithTheSameFirstWord() {
        List<String> made = new ConstituentSwaps(10, 7).swap(List.of("it 's a dull , lifeless mess ."),
                List.of("a dull , lifeless mess", "a small gem", "lifeless mess ."));

        // "lifeless mess ." is a phrase but starts with another word; "it 's" is no phrase at all.
        assertEquals(List.of("it 's a small gem ."), made);
    }

    @Test
    void everyMadeSentenceIsASentenceWithOnePhraseSwappedForOneWithItsFirstWord() {
        List<String> made = new ConstituentSwaps(50, 3).swap(SENTENCES, TEXTS);

        assertTrue(made.size() > 10, made.toString());
        for (String text : made) {
            assertTrue(oneSwapAway(text), text);
        }
    }

    @Test
    void neverMakesATrainingTextOrADuplicateNorSwapsInAWholeSentence() {
        List<String> made = new ConstituentSwaps(50, 3).swap(SENTENCES, TEXTS);

        assertTrue(made.stream().noneMatch(TEXTS::contains), made.toString());
        assertEquals(made.size(), new HashSet<>(made).size(), "no duplicates");
        assertTrue(made.stream().allMatch(text -> text.indexOf(" .") == text.length() - 2), made.toString());
        assertTrue(made.stream().noneMatch(text -> text.contains("meh")), "nothing to swap in a one-word sentence");
    }

    @Test
    void theSameSeedMakesTheSameSentences() {
        assertEquals(new ConstituentSwaps(5, 1).swap(SENTENCES, TEXTS), new ConstituentSwaps(5, 1).swap(SENTENCES, TEXTS));
        assertNotEquals(new ConstituentSwaps(5, 1).swap(SENTENCES, TEXTS), new ConstituentSwaps(5, 2).swap(SENTENCES, TEXTS));
        assertFalse(new ConstituentSwaps(0, 1).swap(SENTENCES, TEXTS).iterator().hasNext(), "none asked for");
    }

    /** Whether {@code text} is a sentence with one of its phrases swapped for a phrase with the same first word. */
    private static boolean oneSwapAway(String text) {
        List<String> parts = new ArrayList<>(TEXTS);
        parts.removeAll(SENTENCES);
        for (String sentence : SENTENCES) {
            for (String out : parts) {
                for (String in : parts) {
                    boolean sameFirstWord = Augmenter.words(out)[0].equals(Augmenter.words(in)[0]);
                    String padded = " " + sentence + " ";
                    int at = padded.indexOf(" " + out + " ");
                    if (sameFirstWord && at >= 0 && !out.equals(in) && Augmenter.words(out).length > 1
                            && (padded.substring(0, at + 1) + in + padded.substring(at + out.length() + 1)).trim()
                                    .equals(text)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
