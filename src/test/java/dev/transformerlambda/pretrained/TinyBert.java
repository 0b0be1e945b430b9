package dev.transformerlambda.pretrained;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** A tiny BERT with random weights under Hugging Face names, for writing test checkpoints. */
final class TinyBert {

    static final BertShape SHAPE = new BertShape(50, 8, 2, 2, 16, 32, 2, 1e-12f);

    private TinyBert() {}

    static Map<String, Tensor> weights(BertShape shape, long seed) {
        Random random = new Random(seed);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        BertWeightNames.expected(shape).forEach((name, dims) -> {
            float[] values = new float[(int) Tensor.elementCount(dims)];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            weights.put(name, new Tensor(dims, values));
        });
        return weights;
    }

    static Tensor random(long seed, long... shape) {
        Random random = new Random(seed);
        float[] values = new float[(int) Tensor.elementCount(shape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        return new Tensor(shape, values);
    }
}
