package dev.transformerlambda.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.LabelledText;
import java.util.List;
import org.junit.jupiter.api.Test;

class TypedTextTest {

    @Test
    void undoesTheTreebanksTokenizationAndCapitalises() {
        assertEquals("It doesn't work, and I can't say I'm surprised (or sorry).",
                TypedText.of("it does n't work , and i ca n't say i 'm surprised -lrb- or sorry -rrb- ."));
        assertEquals("The 21st century's new \"conan\"... Won't you? $5 well spent!",
                TypedText.of("the 21st century 's new `` conan '' ... wo n't you ? $ 5 well spent !"));
    }

    @Test
    void keepsEachExamplesLabelAndGroup() {
        LabelledDataset data = new LabelledDataset("dev.tsv", "abc",
                List.of(new LabelledText("it 's fine .", "positive", "7")));

        LabelledDataset typed = TypedText.of(data);

        assertEquals(List.of(new LabelledText("It's fine.", "positive", "7")), typed.examples());
        assertEquals("dev.tsv (as typed)", typed.source());
    }
}
