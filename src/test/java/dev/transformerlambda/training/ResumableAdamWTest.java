package dev.transformerlambda.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.LocalParameterServer;
import ai.djl.training.tracker.LinearTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;
import dev.transformerlambda.model.BertClassifier;
import dev.transformerlambda.model.EncoderFamily;
import dev.transformerlambda.model.ModelConfig;
import dev.transformerlambda.model.Pooling;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResumableAdamWTest {

    private static final int STEPS = 6;

    @Test
    void twoDevicesTakeTheSameStepsAsOne() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] grad = {0.5f, -1.5f, 2f};

            ResumableAdamW single = optimizer(0f);
            NDArray alone = weight(manager);
            for (int step = 0; step < STEPS; step++) {
                single.update("w", alone, manager.create(grad));
                single.finishStep();
            }

            // DJL's parameter server with two devices' copies: it sums their gradients and calls
            // the optimizer once per device, as it does with two GPUs.
            ResumableAdamW parallel = optimizer(0f);
            LocalParameterServer server = new LocalParameterServer(parallel);
            NDArray first = weight(manager);
            NDArray second = weight(manager);
            for (int step = 0; step < STEPS; step++) {
                NDArray[] halves = {manager.create(grad).div(2), manager.create(grad).div(2)};
                server.update("w", halves, new NDArray[] {first, second});
                parallel.finishStep();
            }

            assertEquals(STEPS, single.steps());
            assertEquals(STEPS, parallel.steps(), "one step per trainer step, not one per device");
            assertArrayEquals(alone.toFloatArray(), first.toFloatArray(), 1e-6f);
            assertArrayEquals(alone.toFloatArray(), second.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void gradientsAreClippedByTheirGlobalNorm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ResumableAdamW optimizer = optimizer(1f);
            NDArray a = weight(manager);
            NDArray b = manager.create(new float[] {0f});
            b.setRequiresGradient(true);
            optimizer.update("a", a, manager.create(new float[] {3f, 0f, 0f}));
            optimizer.update("b", b, manager.create(new float[] {4f}));

            float norm = optimizer.finishStep();

            assertEquals(5f, norm, 1e-5f);
            // Adam's first moment after one step is (1 - beta1) times the gradient it was given.
            NDList state = optimizer.state(Map.of("a", "a", "b", "b"));
            assertArrayEquals(new float[] {0.1f * 3f / 5f, 0f, 0f}, state.get("a.mean").toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {0.1f * 4f / 5f}, state.get("b.mean").toFloatArray(), 1e-5f);
        }
    }

    @Test
    void onlyMatricesDecayAndTheHeadHasItsOwnRate() {
        ModelConfig config = new ModelConfig(50, 2, 1, 8, 2, 16, 0.1f, 16, Pooling.MEAN, EncoderFamily.BERT, 32, 2,
                1e-12f);
        try (NDManager manager = NDManager.newBaseManager()) {
            BertClassifier block = new BertClassifier(config);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 4), new Shape(1, 4));
            Map<String, ParameterGroups.Group> groups = ParameterGroups.of(block, 20f);

            block.getParameters().forEach(pair -> {
                String name = pair.getKey();
                ParameterGroups.Group group = groups.get(pair.getValue().getId());
                boolean matrix = name.endsWith("_weight") && !name.contains("Embedding");
                assertEquals(matrix, group.decay(), name);
                assertEquals(name.matches("\\d+head_.*") ? 20f : 1f, group.rateScale(), name);
            });
            assertTrue(groups.values().stream().anyMatch(ParameterGroups.Group::decay));
            assertFalse(block.getParameters().keys().stream().filter(n -> n.contains("Embedding"))
                    .anyMatch(n -> groups.get(block.getParameters().get(n).getId()).decay()));
        }
    }

    /** Warm-up over half the steps, then linear decay: a schedule that shows a miscounted step. */
    private static ResumableAdamW optimizer(float maxGradNorm) {
        Tracker decay = LinearTracker.builder().setBaseValue(0.1f).optSlope(-0.01f).optMinValue(0f).build();
        return ResumableAdamW.builder()
                .learningRate(WarmUpTracker.builder().setMainTracker(decay).optWarmUpSteps(STEPS / 2).build())
                .optWeightDecays(0.01f)
                .maxGradNorm(maxGradNorm)
                .build();
    }

    private static NDArray weight(NDManager manager) {
        NDArray weight = manager.create(new float[] {1f, 2f, 3f});
        weight.setRequiresGradient(true);
        return weight;
    }
}
