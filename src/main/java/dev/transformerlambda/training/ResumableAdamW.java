package dev.transformerlambda.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AdamW with decoupled weight decay per parameter group, gradient clipping by global norm, and
 * moment estimates a checkpoint can save and a resumed job restore (DJL's own optimizers keep
 * theirs private).
 *
 * <p>DJL's parameter server calls {@link #update} once per parameter per device, with the
 * gradient already summed over devices. Two things follow, and both are why updates are held until
 * {@link #finishStep}: the global norm needs every parameter's gradient before any is applied, and
 * the step count that drives the schedule and Adam's bias correction must advance once per
 * training step, not once per device (DJL's {@code updateCount} would, so with 2 GPUs warm-up
 * would end at half its length).
 */
final class ResumableAdamW extends Optimizer {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    private final ParameterTracker learningRate;
    private final float maxGradNorm;
    private final Map<String, ParameterGroups.Group> groups;
    /** Per parameter id, one moment array per copy of the parameter, in the server's device order. */
    private final Map<String, List<NDArray>> means = new HashMap<>();
    private final Map<String, List<NDArray>> variances = new HashMap<>();
    /** Moments a checkpoint restored, by parameter id; each copy starts from them. */
    private final Map<String, NDArray> restoredMeans = new HashMap<>();
    private final Map<String, NDArray> restoredVariances = new HashMap<>();
    private final List<PendingUpdate> pending = new ArrayList<>();
    private int steps;

    /** One device's copy of a parameter and the summed gradient it is to be updated with. */
    private record PendingUpdate(String parameterId, NDArray weight, NDArray gradient) {}

    private ResumableAdamW(Builder builder) {
        super(builder);
        learningRate = builder.learningRate;
        maxGradNorm = builder.maxGradNorm;
        groups = Map.copyOf(builder.groups);
        steps = builder.stepsDone;
    }

    static Builder builder() {
        return new Builder();
    }

    @Override
    public synchronized void update(String parameterId, NDArray weight, NDArray grad) {
        // The parameter server closes its summed gradient when this returns: keep a copy.
        NDArray gradient = grad.duplicate();
        gradient.detach();
        pending.add(new PendingUpdate(parameterId, weight, gradient));
    }

    /**
     * Applies the updates {@code trainer.step()} handed over: counts one step, clips every
     * gradient by their global norm, and takes the AdamW step of each parameter on each device.
     *
     * @return the global gradient norm before clipping
     */
    synchronized float finishStep() {
        steps++;
        float norm = globalNorm();
        float clipScale = maxGradNorm > 0 && norm > maxGradNorm ? maxGradNorm / (norm + 1e-6f) : 1f;
        double coef1 = 1.0 - Math.pow(BETA1, steps);
        double coef2 = 1.0 - Math.pow(BETA2, steps);
        Map<String, Integer> copies = new HashMap<>();
        try {
            for (PendingUpdate update : pending) {
                String id = update.parameterId();
                int copy = copies.merge(id, 1, Integer::sum) - 1;
                ParameterGroups.Group group = groups.getOrDefault(id, ParameterGroups.Group.DEFAULT);
                float rate = learningRate.getNewValue(id, steps) * group.rateScale();
                float biasCorrected = (float) (rate * Math.sqrt(coef2) / coef1);
                NDArray weight = update.weight();
                NDList inputs = new NDList(weight, update.gradient(), moment(means, id, copy, weight),
                        moment(variances, id, copy, weight));
                NDArrayEx ex = weight.getNDArrayInternal();
                ex.adamUpdate(inputs, new NDList(weight), rate, biasCorrected,
                        group.decay() ? getWeightDecay() : 0f, rescaleGrad * clipScale, clipGrad,
                        BETA1, BETA2, EPSILON, true, true);
            }
        } finally {
            pending.forEach(update -> update.gradient().close());
            pending.clear();
        }
        return norm;
    }

    /**
     * The moment of one copy of a parameter: zeros at first, or what a checkpoint restored. Every
     * copy sees the same summed gradient, so one saved state serves them all.
     */
    private NDArray moment(Map<String, List<NDArray>> moments, String id, int copy, NDArray weight) {
        List<NDArray> perCopy = moments.computeIfAbsent(id, k -> new ArrayList<>());
        while (perCopy.size() <= copy) {
            NDArray saved = (moments == means ? restoredMeans : restoredVariances).get(id);
            NDArray created = saved == null ? weight.zerosLike()
                    : saved.getDevice().equals(weight.getDevice()) ? saved.duplicate()
                    : saved.toDevice(weight.getDevice(), true);
            created.detach();
            perCopy.add(created);
        }
        return perCopy.get(copy);
    }

    /** Steps taken, resumed ones included. */
    synchronized int steps() {
        return steps;
    }

    /** The learning rate of the last step taken, before any parameter group's scale. */
    synchronized float learningRate() {
        return learningRate.getNewValue("", steps);
    }

    /** The norm of all gradients together; each parameter once, whatever the device count. */
    private float globalNorm() {
        double sumOfSquares = 0;
        Set<String> counted = new HashSet<>();
        for (PendingUpdate update : pending) {
            if (counted.add(update.parameterId())) {
                float scaled = update.gradient().norm().getFloat() * rescaleGrad;
                sumOfSquares += (double) scaled * scaled;
            }
        }
        return (float) Math.sqrt(sumOfSquares);
    }

    /**
     * The moment estimates, named {@code <parameter name>.mean} and {@code .variance}.
     *
     * @param names parameter id to the parameter's stable name in its block
     */
    synchronized NDList state(Map<String, String> names) {
        NDList state = new NDList();
        names.forEach((id, name) -> {
            add(state, means, id, name + ".mean");
            add(state, variances, id, name + ".variance");
        });
        return state;
    }

    /** Restores what {@link #state} returned, onto parameters that may have new ids. */
    synchronized void restore(NDList state, Map<String, String> names) {
        names.forEach((id, name) -> {
            for (NDArray array : state) {
                Map<String, NDArray> target = array.getName().equals(name + ".mean") ? restoredMeans
                        : array.getName().equals(name + ".variance") ? restoredVariances : null;
                if (target != null) {
                    NDArray copy = array.duplicate();
                    copy.detach();
                    target.put(id, copy);
                }
            }
        });
    }

    private static void add(NDList state, Map<String, List<NDArray>> moments, String id, String name) {
        List<NDArray> perCopy = moments.get(id);
        if (perCopy != null && !perCopy.isEmpty()) {
            NDArray array = perCopy.get(0);
            array.setName(name);
            state.add(array);
        }
    }

    /** Builds a {@link ResumableAdamW}. */
    static final class Builder extends OptimizerBuilder<Builder> {
        private ParameterTracker learningRate;
        private float maxGradNorm;
        private Map<String, ParameterGroups.Group> groups = Map.of();
        private int stepsDone;

        Builder learningRate(ParameterTracker tracker) {
            learningRate = tracker;
            return this;
        }

        /** Clips gradients so their global norm is at most this; 0 for no clipping. */
        Builder maxGradNorm(float norm) {
            maxGradNorm = norm;
            return this;
        }

        /** Weight decay and learning-rate scale by parameter id; parameters not named decay at 1x. */
        Builder groups(Map<String, ParameterGroups.Group> byParameterId) {
            groups = byParameterId;
            return this;
        }

        /** Continues the step count (bias correction, learning rate schedule) of a resumed run. */
        Builder stepsDone(int steps) {
            stepsDone = steps;
            return this;
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
