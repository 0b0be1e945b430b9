package dev.transformerlambda.pretrained;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pretrained encoder's weights by Hugging Face BERT name (without any {@code bert.} prefix),
 * Linear weights in Hugging Face's (out, in) orientation, plus its shape and where it came from.
 * The names and shapes are exactly those of {@link BertWeightNames#expected(BertShape)}.
 *
 * @param shape the encoder's hyperparameters
 * @param weights every weight by name, in {@link BertWeightNames#expected} order
 * @param origin where the weights came from (a model name and its package, or a directory)
 * @param sha256 the hex sha256 of the weights file (the .onnx or model.safetensors)
 */
public record PretrainedEncoder(BertShape shape, Map<String, Tensor> weights, String origin, String sha256) {

    public PretrainedEncoder {
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }
}
