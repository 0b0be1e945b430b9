package dev.transformerlambda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValidationSplitTest {

    private static final LabelledDataset DATA = data();

    @Test
    void theSameSeedCarvesTheSameSplit() {
        ValidationSplit once = ValidationSplit.carve(DATA, 0.1, 7);
        ValidationSplit again = ValidationSplit.carve(DATA, 0.1, 7);
        ValidationSplit other = ValidationSplit.carve(DATA, 0.1, 8);

        assertEquals(once.validation().examples(), again.validation().examples());
        assertEquals(once.validation().sha256(), again.validation().sha256());
        assertNotEquals(once.validation().examples(), other.validation().examples());
        assertNotEquals(once.validation().sha256(), other.validation().sha256());
    }

    @Test
    void everyLabelKeepsItsShareAndNoExampleIsInBothParts() {
        ValidationSplit split = ValidationSplit.carve(DATA, 0.1, 7);

        assertEquals(Long.valueOf(9), split.validation().labelCounts().get("a"));
        assertEquals(Long.valueOf(1), split.validation().labelCounts().get("b"));
        assertEquals(Long.valueOf(81), split.train().labelCounts().get("a"));
        assertEquals(Long.valueOf(9), split.train().labelCounts().get("b"));
        Set<LabelledText> validation = new HashSet<>(split.validation().examples());
        assertTrue(split.train().examples().stream().noneMatch(validation::contains));
        assertTrue(split.description().contains("10%"), split.description());
    }

    @Test
    void aGivenValidationFileIsUsedAsItIs() {
        LabelledDataset dev = new LabelledDataset("dev.tsv", "ab", List.of(new LabelledText("held out", "a")));

        ValidationSplit split = ValidationSplit.given(DATA, dev);

        assertEquals(DATA, split.train());
        assertEquals(dev, split.validation());
        assertEquals("dev.tsv", split.description());
    }

    /** 90 texts labelled a and 10 labelled b, all distinct. */
    private static LabelledDataset data() {
        List<LabelledText> examples = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            examples.add(new LabelledText("text number " + i, i % 10 == 0 ? "b" : "a"));
        }
        return new LabelledDataset("train.tsv", "00", examples);
    }
}
