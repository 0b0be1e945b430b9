package dev.transformerlambda.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BertShapeTest {

    @Test
    void headsMustDivideTheHiddenSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BertShape(50, 8, 2, 3, 16, 32, 2, 1e-12f));
        assertTrue(e.getMessage().contains("num_attention_heads (3) must divide hidden_size (8)"), e.getMessage());
    }

    @Test
    void sizesMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new BertShape(50, 8, 0, 2, 16, 32, 2, 1e-12f));
    }

    @Test
    void expectsSixteenTensorsPerLayerAndFiveForTheEmbeddings() {
        assertEquals(5 + 2 * 16, BertWeightNames.expected(TinyBert.SHAPE).size());
    }
}
