package dev.transformerlambda.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.LabelledText;
import java.util.List;
import org.junit.jupiter.api.Test;

class TypingSlipsTest {

    private static final String TEXT = "a wonderful , moving film that does n't waste a minute of its running time .";

    @Test
    void everyLongWordGetsOneSlipAtRateOneAndShortWordsAndPunctuationNone() {
        String slipped = new TypingSlips(1, 1).apply(List.of(TEXT)).get(0);

        String[] before = TEXT.split(" ");
        String[] after = slipped.split(" ");
        assertEquals(before.length, after.length, slipped);
        for (int i = 0; i < before.length; i++) {
            boolean slips = before[i].length() >= 3 && before[i].chars().allMatch(Character::isLetter);
            if (slips) {
                assertTrue(Math.abs(before[i].length() - after[i].length()) <= 1, before[i] + " -> " + after[i]);
            } else {
                assertEquals(before[i], after[i]);
            }
        }
        assertNotEquals(TEXT, slipped);
    }

    @Test
    void theSameSeedGivesTheSameSlipsAndRateZeroNone() {
        LabelledDataset data = new LabelledDataset("dev.tsv", "abc", List.of(new LabelledText(TEXT, "positive")));

        assertEquals(new TypingSlips(0.3, 7).apply(data).examples(), new TypingSlips(0.3, 7).apply(data).examples());
        assertEquals(TEXT, new TypingSlips(0, 7).apply(data).examples().get(0).text());
        assertThrows(IllegalArgumentException.class, () -> new TypingSlips(1.5, 7));
    }
}
