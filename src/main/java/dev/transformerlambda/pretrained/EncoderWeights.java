package dev.transformerlambda.pretrained;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.transformerlambda.model.BertEncoder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

/** Puts a pretrained encoder's weights into a {@link BertEncoder}, tensor by Hugging Face name. */
public final class EncoderWeights {

    private EncoderWeights() {}

    /**
     * Copies every tensor of {@code pretrained} into the parameter of {@code encoder} with the same
     * name. The readers checked names and shapes against the checkpoint's own shape; this checks
     * them against the block, so a mismatch names the tensor instead of corrupting memory.
     *
     * @param encoder an initialised encoder of {@code pretrained}'s shape
     * @throws InvalidCheckpointException naming the tensors that are missing, extra or mis-shaped
     */
    public static void copy(PretrainedEncoder pretrained, BertEncoder encoder) throws InvalidCheckpointException {
        Map<String, Tensor> weights = pretrained.weights();
        Map<String, Parameter> parameters = encoder.huggingFaceParameters();
        if (!weights.keySet().equals(parameters.keySet())) {
            throw new InvalidCheckpointException(pretrained.origin() + " does not fit the encoder: missing "
                    + parameters.keySet().stream().filter(n -> !weights.containsKey(n)).toList() + ", unexpected "
                    + weights.keySet().stream().filter(n -> !parameters.containsKey(n)).toList());
        }
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
            Tensor tensor = weights.get(entry.getKey());
            NDArray array = entry.getValue().getArray();
            if (!array.getShape().equals(new Shape(tensor.shape()))) {
                throw new InvalidCheckpointException(pretrained.origin() + ": " + entry.getKey() + " has shape "
                        + Arrays.toString(tensor.shape()) + " but the encoder needs " + array.getShape());
            }
            array.set(FloatBuffer.wrap(tensor.values()));
        }
    }
}
