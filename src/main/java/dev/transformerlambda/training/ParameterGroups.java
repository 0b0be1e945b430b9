package dev.transformerlambda.training;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which parameters AdamW decays and how fast each learns, decided in this one place (as nanoGPT's
 * {@code configure_optimizers} does): weight decay on matrices only, never on LayerNorm, biases or
 * embeddings; the classification head may learn faster than a pretrained encoder under it.
 */
final class ParameterGroups {

    /** How one parameter is optimised. */
    record Group(boolean decay, float rateScale) {
        static final Group DEFAULT = new Group(true, 1f);
    }

    private ParameterGroups() {}

    /**
     * The group of every parameter of {@code block}, by parameter id.
     *
     * @param headRateScale the head's learning rate as a multiple of the encoder's
     */
    static Map<String, Group> of(Block block, float headRateScale) {
        Map<String, Group> groups = new LinkedHashMap<>();
        block.getParameters().forEach(pair -> {
            String name = pair.getKey();
            Parameter parameter = pair.getValue();
            boolean matrix = parameter.getType() == Parameter.Type.WEIGHT && !name.endsWith("Embedding");
            groups.put(parameter.getId(), new Group(matrix, isHead(name) ? headRateScale : 1f));
        });
        return groups;
    }

    /** Both classifier blocks name their output layer {@code head}; DJL prefixes a child's index. */
    static boolean isHead(String parameterName) {
        return parameterName.matches("\\d+head_(weight|bias)");
    }
}
