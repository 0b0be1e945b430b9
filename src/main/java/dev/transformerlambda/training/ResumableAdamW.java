package dev.transformerlambda.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * AdamW with decoupled weight decay, the same fused update as DJL's {@code AdamW}, but with its
 * moment estimates exposed so a checkpoint can save them and a resumed job restore them. DJL's
 * own optimizers keep that state private.
 */
final class ResumableAdamW extends Optimizer {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    private final ParameterTracker learningRate;
    private final Map<String, Map<Device, NDArray>> means = new ConcurrentHashMap<>();
    private final Map<String, Map<Device, NDArray>> variances = new ConcurrentHashMap<>();

    private ResumableAdamW(Builder builder) {
        super(builder);
        learningRate = builder.learningRate;
    }

    static Builder builder() {
        return new Builder();
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        int t = updateCount(parameterId);
        double coef1 = 1.0 - Math.pow(BETA1, t);
        double coef2 = 1.0 - Math.pow(BETA2, t);
        float rate = learningRate.getNewValue(parameterId, t);
        float biasCorrected = (float) (rate * Math.sqrt(coef2) / coef1);
        NDList inputs = new NDList(weight, grad,
                withDefaultState(means, parameterId, weight.getDevice(), k -> weight.zerosLike()),
                withDefaultState(variances, parameterId, weight.getDevice(), k -> weight.zerosLike()));
        NDArrayEx ex = weight.getNDArrayInternal();
        ex.adamUpdate(inputs, new NDList(weight), rate, biasCorrected, getWeightDecay(), rescaleGrad, clipGrad,
                BETA1, BETA2, EPSILON, true, true);
    }

    /**
     * The moment estimates, named {@code <parameter name>.mean} and {@code .variance}.
     *
     * @param names parameter id to the parameter's stable name in its block
     */
    NDList state(Map<String, String> names) {
        NDList state = new NDList();
        names.forEach((id, name) -> {
            add(state, means, id, name + ".mean");
            add(state, variances, id, name + ".variance");
        });
        return state;
    }

    /** Restores what {@link #state} returned, onto parameters that may have new ids. */
    void restore(NDList state, Map<String, String> names) {
        names.forEach((id, name) -> {
            for (NDArray array : state) {
                Map<String, Map<Device, NDArray>> target = array.getName().equals(name + ".mean") ? means
                        : array.getName().equals(name + ".variance") ? variances : null;
                if (target != null) {
                    NDArray copy = array.duplicate();
                    copy.detach();
                    target.put(id, new ConcurrentHashMap<>(Map.of(copy.getDevice(), copy)));
                }
            }
        });
    }

    private static void add(NDList state, Map<String, Map<Device, NDArray>> moments, String id, String name) {
        Map<Device, NDArray> perDevice = moments.get(id);
        if (perDevice != null && !perDevice.isEmpty()) {
            NDArray array = perDevice.values().iterator().next();
            array.setName(name);
            state.add(array);
        }
    }

    /** Builds a {@link ResumableAdamW}. */
    static final class Builder extends OptimizerBuilder<Builder> {
        private ParameterTracker learningRate;

        Builder learningRate(ParameterTracker tracker) {
            learningRate = tracker;
            return this;
        }

        /** Continues the update count (bias correction, learning rate schedule) of a resumed run. */
        Builder stepsDone(int steps) {
            return optBeginNumUpdate(steps);
        }

        @Override
        protected Builder self() {
            return this;
        }

        ResumableAdamW build() {
            return new ResumableAdamW(this);
        }
    }
}
