package dev.transformerlambda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.data.ValidationSplit.DataFile;
import dev.transformerlambda.data.ValidationSplit.LeftOut;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
        assertEquals(List.of(new DataFile("train.tsv", "00", 100)), split.files());
        assertEquals(List.of(new LeftOut(ValidationSplit.IN_VALIDATION_TREE, 10)), split.leftOut());
    }

    @Test
    void aRepeatedTextLandsOnOneSideOnlyAndIsTrainedOnOnce() {
        List<LabelledText> rows = new ArrayList<>(DATA.examples());
        rows.addAll(DATA.examples());
        LabelledDataset twice = new LabelledDataset("twice.tsv", "01", rows);

        for (long seed = 0; seed < 20; seed++) {
            ValidationSplit split = ValidationSplit.carve(twice, 0.1, seed);

            Set<String> validation = texts(split.validation());
            assertEquals(10, validation.size());
            assertTrue(split.train().examples().stream().noneMatch(e -> validation.contains(e.text())));
            assertEquals(90, texts(split.train()).size());
            assertEquals(90, split.train().size());
        }
    }

    @Test
    void aValidationSentenceAndEveryPhraseOnlyItsTreeHoldsAreNeverTrainedOn() {
        LabelledDataset sentences = new LabelledDataset("train.tsv", "11", List.of(
                new LabelledText("a gorgeous , witty film", "positive"),
                new LabelledText("a dull , lifeless mess", "negative"),
                new LabelledText("witty and warm", "positive"),
                new LabelledText("lifeless and long", "negative")));
        LabelledDataset phrases = new LabelledDataset("train-phrases.tsv", "22", List.of(
                new LabelledText("a gorgeous , witty film", "positive", "1"),
                new LabelledText("gorgeous , witty", "positive", "1"),
                new LabelledText("witty", "positive", "1"),
                new LabelledText("a dull , lifeless mess", "negative", "2"),
                new LabelledText("dull , lifeless", "negative", "2"),
                new LabelledText("lifeless", "negative", "2"),
                new LabelledText("witty and warm", "positive", "3"),
                new LabelledText("witty", "positive", "3"),
                new LabelledText("warm", "positive", "3"),
                new LabelledText("lifeless and long", "negative", "4"),
                new LabelledText("lifeless", "negative", "4"),
                new LabelledText("long", "negative", "4")));

        for (long seed = 0; seed < 10; seed++) {
            ValidationSplit split = ValidationSplit.carve(List.of(sentences, phrases), 0.4, seed);

            Set<String> validation = texts(split.validation());
            Set<String> trained = texts(split.train());
            assertEquals(2, validation.size(), "one sentence per label");
            assertTrue(sentences.examples().stream().map(LabelledText::text).toList().containsAll(validation));
            Set<String> validationGroups = phrases.examples().stream()
                    .filter(row -> validation.contains(row.text()))
                    .map(LabelledText::group).collect(Collectors.toSet());
            Set<String> otherTreesTexts = phrases.examples().stream()
                    .filter(row -> !validationGroups.contains(row.group())).map(LabelledText::text)
                    .collect(Collectors.toSet());
            for (LabelledText row : phrases.examples()) {
                if (validationGroups.contains(row.group()) && !otherTreesTexts.contains(row.text())) {
                    assertFalse(trained.contains(row.text()), row.text() + " is only in a validation tree");
                }
            }
            assertTrue(trained.stream().noneMatch(validation::contains));
            assertEquals(split.train().size(), trained.size(), "each text once");
            assertEquals(otherTreesTexts, trained, "every other tree's rows are trained on");
            Set<String> otherSentences = sentences.examples().stream().map(LabelledText::text)
                    .filter(text -> !validation.contains(text)).collect(Collectors.toSet());
            assertEquals(otherSentences, Set.copyOf(split.trainSentences()), "augmentation's texts");
        }
    }

    @Test
    void theLogCountsEveryRowLeftOutAndWhy() {
        LabelledDataset sentences = new LabelledDataset("train.tsv", "11", List.of(
                new LabelledText("good", "positive"), new LabelledText("bad", "negative")));
        LabelledDataset phrases = new LabelledDataset("phrases.tsv", "22", List.of(
                new LabelledText("very good", "positive", "1"), new LabelledText("good", "positive", "1"),
                new LabelledText("good", "positive", "2"), new LabelledText("good", "negative", "3"),
                new LabelledText("not bad", "positive", "4")));

        ValidationSplit split = ValidationSplit.given(List.of(sentences, phrases),
                new LabelledDataset("dev.tsv", "33", List.of(new LabelledText("very good", "positive"))));

        assertEquals(List.of(new LabelledText("good", "positive"), new LabelledText("bad", "negative"),
                new LabelledText("not bad", "positive")), split.train().examples());
        Map<String, Integer> leftOut = split.leftOut().stream()
                .collect(Collectors.toMap(LeftOut::reason, LeftOut::rows));
        assertEquals(Map.of(ValidationSplit.IN_VALIDATION_TREE, 2, ValidationSplit.REPEATED, 1,
                ValidationSplit.REPEATED_OTHER_LABEL, 1), leftOut);
        assertEquals(List.of(new DataFile("train.tsv", "11", 2), new DataFile("phrases.tsv", "22", 5)), split.files());
    }

    @Test
    void aGivenValidationFileIsUsedAsItIsAndItsTextsAreNotTrainedOn() {
        LabelledDataset dev = new LabelledDataset("dev.tsv", "ab", List.of(new LabelledText("text number 3", "a")));

        ValidationSplit split = ValidationSplit.given(DATA, dev);

        assertEquals(dev, split.validation());
        assertEquals("dev.tsv", split.description());
        assertEquals(99, split.train().size());
        assertFalse(texts(split.train()).contains("text number 3"));
        assertEquals(List.of(new LeftOut(ValidationSplit.IN_VALIDATION_TREE, 1)), split.leftOut());
    }

    private static Set<String> texts(LabelledDataset data) {
        return data.examples().stream().map(LabelledText::text).collect(Collectors.toSet());
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
