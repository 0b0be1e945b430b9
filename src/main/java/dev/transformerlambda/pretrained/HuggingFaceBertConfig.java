package dev.transformerlambda.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import dev.transformerlambda.json.Json;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a Hugging Face {@code config.json} into a {@link BertShape}, refusing the BERT variants the
 * encoder here does not compute: other activations (the block uses exact erf GELU), relative
 * position embeddings, and decoders.
 */
final class HuggingFaceBertConfig {

    private static final float DEFAULT_LAYER_NORM_EPS = 1e-12f; // BertConfig's default

    private HuggingFaceBertConfig() {}

    static BertShape read(Path configJson) throws IOException {
        JsonNode config;
        try {
            config = Json.MAPPER.readTree(configJson.toFile());
        } catch (IOException e) {
            throw new InvalidCheckpointException(configJson + ": not readable JSON: " + e.getMessage(), e);
        }
        if (config == null || !config.isObject()) {
            throw new InvalidCheckpointException(configJson + ": not a JSON object");
        }
        requireBert(config, configJson);
        String activation = config.path("hidden_act").asText("gelu");
        if (!activation.equals("gelu")) {
            throw new InvalidCheckpointException(configJson + ": hidden_act is \"" + activation
                    + "\"; only \"gelu\" (exact erf GELU, as the encoder here computes) is supported");
        }
        String positions = config.path("position_embedding_type").asText("absolute");
        if (!positions.equals("absolute")) {
            throw new InvalidCheckpointException(configJson + ": position_embedding_type is \"" + positions
                    + "\"; only \"absolute\" is supported");
        }
        if (config.path("is_decoder").asBoolean(false)) {
            throw new InvalidCheckpointException(configJson + ": is_decoder is true; only encoders are supported");
        }
        try {
            return new BertShape(
                    integer(config, "vocab_size", configJson),
                    integer(config, "hidden_size", configJson),
                    integer(config, "num_hidden_layers", configJson),
                    integer(config, "num_attention_heads", configJson),
                    integer(config, "intermediate_size", configJson),
                    integer(config, "max_position_embeddings", configJson),
                    integer(config, "type_vocab_size", configJson),
                    config.has("layer_norm_eps") ? (float) config.get("layer_norm_eps").asDouble()
                            : DEFAULT_LAYER_NORM_EPS);
        } catch (IllegalArgumentException e) {
            throw new InvalidCheckpointException(configJson + ": " + e.getMessage(), e);
        }
    }

    private static void requireBert(JsonNode config, Path configJson) throws InvalidCheckpointException {
        JsonNode modelType = config.get("model_type");
        if (modelType != null) {
            if (!modelType.asText().equals("bert")) {
                throw new InvalidCheckpointException(configJson + ": model_type is \"" + modelType.asText()
                        + "\"; only \"bert\" is supported");
            }
            return;
        }
        for (JsonNode architecture : config.path("architectures")) {
            if (architecture.asText().startsWith("Bert")) {
                return;
            }
        }
        throw new InvalidCheckpointException(configJson
                + ": neither model_type \"bert\" nor a Bert* entry in architectures; only BERT is supported");
    }

    private static int integer(JsonNode config, String field, Path configJson) throws InvalidCheckpointException {
        JsonNode value = config.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new InvalidCheckpointException(configJson + ": " + field + " is missing or not an integer");
        }
        return value.intValue();
    }
}
