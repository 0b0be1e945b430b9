package dev.transformerlambda.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TransformerClassifierTest {

    private static final long[] TEXT = {2, 17, 42, 5, 99, 63, 3};

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void paddingDoesNotChangeTheLogits(Pooling pooling) {
        try (NDManager manager = NDManager.newBaseManager()) {
            TransformerClassifier block = initialized(manager, config(pooling));

            float[] short16 = logits(manager, block, padded(TEXT, 16), mask(TEXT.length, 16));
            float[] long128 = logits(manager, block, padded(TEXT, 128), mask(TEXT.length, 128));

            assertEquals(3, short16.length);
            assertArrayEquals(short16, long128, 1e-5f);
        }
    }

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void aTextGetsTheSameLogitsAloneAndInABatchWithALongerText(Pooling pooling) {
        try (NDManager manager = NDManager.newBaseManager()) {
            TransformerClassifier block = initialized(manager, config(pooling));
            long[] longer = new long[40];
            Arrays.fill(longer, 7);

            float[] alone = logits(manager, block, padded(TEXT, TEXT.length), mask(TEXT.length, TEXT.length));
            long[][] ids = {padded(TEXT, 40)[0], longer};
            long[][] mask = {mask(TEXT.length, 40)[0], mask(40, 40)[0]};
            float[] batched = logits(manager, block, ids, mask);

            assertArrayEquals(alone, Arrays.copyOf(batched, 3), 1e-5f);
        }
    }

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void withoutTheMaskPaddingWouldChangeTheLogits(Pooling pooling) {
        // The control for the tests above: the mask is what makes padding harmless.
        try (NDManager manager = NDManager.newBaseManager()) {
            TransformerClassifier block = initialized(manager, config(pooling));

            float[] masked = logits(manager, block, padded(TEXT, 32), mask(TEXT.length, 32));
            float[] unmasked = logits(manager, block, padded(TEXT, 32), mask(32, 32));

            assertFalse(Arrays.equals(masked, unmasked));
        }
    }

    private static ModelConfig config(Pooling pooling) {
        return ModelConfig.preLn(128, 3, 2, 32, 4, 64, 0.1f, 128, pooling);
    }

    static TransformerClassifier initialized(NDManager manager, ModelConfig config) {
        TransformerClassifier block = new TransformerClassifier(config);
        block.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8));
        return block;
    }

    static float[] logits(NDManager manager, TransformerClassifier block, long[][] ids, long[][] mask) {
        NDList inputs = new NDList(manager.create(ids), manager.create(mask));
        NDArray logits = block.forward(new ParameterStore(manager, false), inputs, false).head();
        return logits.toFloatArray();
    }

    private static long[][] padded(long[] ids, int length) {
        return new long[][] {Arrays.copyOf(ids, length)};
    }

    private static long[][] mask(int real, int length) {
        long[] mask = new long[length];
        Arrays.fill(mask, 0, real, 1);
        return new long[][] {mask};
    }
}
