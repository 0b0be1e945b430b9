package dev.transformerlambda.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hugging Face checkpoint directories (config.json and model.safetensors) written by hand. */
class SafetensorsCheckpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final Map<String, Tensor> weights = TinyBert.weights(TinyBert.SHAPE, 7);

    @Test
    void readsBackTheWeightsWithoutPrefixPoolerOrHeads() throws IOException {
        writeConfig(config());
        new SafetensorsWriter()
                .all("bert.", weights)
                .f32("bert.pooler.dense.weight", TinyBert.random(1, 8, 8))
                .f32("bert.pooler.dense.bias", TinyBert.random(2, 8))
                .raw("bert.embeddings.position_ids", "I64", new long[] {1, 32}, new byte[8 * 32])
                .f32("cls.predictions.bias", TinyBert.random(3, 50))
                .write(dir.resolve("model.safetensors"));

        PretrainedEncoder encoder = HuggingFaceCheckpointReader.read(dir);

        assertEquals(TinyBert.SHAPE, encoder.shape());
        assertEquals(weights, encoder.weights());
        assertEquals(List.copyOf(BertWeightNames.expected(TinyBert.SHAPE).keySet()),
                List.copyOf(encoder.weights().keySet()));
        assertEquals(64, encoder.sha256().length());
    }

    @Test
    void readsTensorFlowLayerNormNamesAndHalfPrecision() throws IOException {
        writeConfig(config());
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        weights.forEach((name, tensor) -> renamed.put(
                name.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta"), tensor));
        renamed.remove("embeddings.LayerNorm.gamma");
        // 1.0, -2.0, 0.5 and 0.0 in IEEE half precision, then 8 - 4 = 4 more ones.
        short[] halves = {0x3c00, (short) 0xc000, 0x3800, 0, 0x3c00, 0x3c00, 0x3c00, 0x3c00};
        ByteBuffer bytes = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (short half : halves) {
            bytes.putShort(half);
        }
        new SafetensorsWriter()
                .all("", renamed)
                .raw("embeddings.LayerNorm.gamma", "F16", new long[] {8}, bytes.array())
                .write(dir.resolve("model.safetensors"));

        PretrainedEncoder encoder = HuggingFaceCheckpointReader.read(dir);

        assertEquals(new Tensor(new long[] {8}, new float[] {1, -2, 0.5f, 0, 1, 1, 1, 1}),
                encoder.weights().get("embeddings.LayerNorm.weight"));
        assertEquals(weights.get("encoder.layer.1.output.LayerNorm.bias"),
                encoder.weights().get("encoder.layer.1.output.LayerNorm.bias"));
    }

    @Test
    void refusesAMissingTensor() throws IOException {
        writeConfig(config());
        weights.remove("encoder.layer.1.attention.self.key.bias");
        new SafetensorsWriter().all("bert.", weights).write(dir.resolve("model.safetensors"));

        assertMessage("missing tensor encoder.layer.1.attention.self.key.bias (expected shape [8])");
    }

    @Test
    void refusesAnExtraTensor() throws IOException {
        writeConfig(config());
        new SafetensorsWriter()
                .all("bert.", weights)
                .f32("bert.encoder.layer.2.output.dense.bias", TinyBert.random(4, 8))
                .write(dir.resolve("model.safetensors"));

        assertMessage("unexpected tensor encoder.layer.2.output.dense.bias");
    }

    @Test
    void refusesAMisShapedTensor() throws IOException {
        writeConfig(config());
        weights.put("encoder.layer.0.intermediate.dense.weight", TinyBert.random(5, 8, 16));
        new SafetensorsWriter().all("bert.", weights).write(dir.resolve("model.safetensors"));

        assertMessage("tensor encoder.layer.0.intermediate.dense.weight has shape [8, 16], expected [16, 8]");
    }

    @Test
    void refusesAnotherActivation() throws IOException {
        ObjectNode config = config().put("hidden_act", "relu");
        writeConfig(config);
        new SafetensorsWriter().all("bert.", weights).write(dir.resolve("model.safetensors"));

        assertMessage("hidden_act is \"relu\"");
    }

    @Test
    void refusesAnotherModelTypeAndDecoders() throws IOException {
        new SafetensorsWriter().all("bert.", weights).write(dir.resolve("model.safetensors"));
        writeConfig(config().put("model_type", "roberta"));
        assertMessage("model_type is \"roberta\"");
        writeConfig(config().put("is_decoder", true));
        assertMessage("is_decoder is true");
        writeConfig(config().put("position_embedding_type", "relative_key"));
        assertMessage("position_embedding_type is \"relative_key\"");
    }

    @Test
    void acceptsBertArchitecturesWithoutModelType() throws IOException {
        ObjectNode config = config();
        config.remove("model_type");
        config.remove("layer_norm_eps");
        config.putArray("architectures").add("BertForSequenceClassification");
        writeConfig(config);
        new SafetensorsWriter().all("bert.", weights).write(dir.resolve("model.safetensors"));

        assertEquals(1e-12f, HuggingFaceCheckpointReader.read(dir).shape().layerNormEps());
    }

    @Test
    void refusesDoublePrecision() throws IOException {
        writeConfig(config());
        weights.remove("embeddings.LayerNorm.bias");
        new SafetensorsWriter()
                .all("bert.", weights)
                .raw("bert.embeddings.LayerNorm.bias", "F64", new long[] {8}, new byte[64])
                .write(dir.resolve("model.safetensors"));

        assertMessage("tensor bert.embeddings.LayerNorm.bias has dtype F64");
        assertMessage("convert to float32");
    }

    @Test
    void refusesATruncatedFile() throws IOException {
        writeConfig(config());
        Path file = dir.resolve("model.safetensors");
        new SafetensorsWriter().all("bert.", weights).write(file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 10));

        // The last tensor written is the last layer's output LayerNorm bias.
        assertMessage("tensor bert.encoder.layer.1.output.LayerNorm.bias has data_offsets");
    }

    @Test
    void refusesAHeaderLongerThanTheFile() throws IOException {
        writeConfig(config());
        Path file = dir.resolve("model.safetensors");
        Files.write(file, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1_000_000).array());

        assertMessage("header length 1000000 is larger than the file (16 bytes)");
    }

    private void assertMessage(String expected) {
        InvalidCheckpointException e =
                assertThrows(InvalidCheckpointException.class, () -> HuggingFaceCheckpointReader.read(dir));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static ObjectNode config() {
        ObjectNode config = JSON.createObjectNode();
        config.putArray("architectures").add("BertModel");
        config.put("model_type", "bert");
        config.put("hidden_act", "gelu");
        config.put("vocab_size", 50);
        config.put("hidden_size", 8);
        config.put("num_hidden_layers", 2);
        config.put("num_attention_heads", 2);
        config.put("intermediate_size", 16);
        config.put("max_position_embeddings", 32);
        config.put("type_vocab_size", 2);
        config.put("layer_norm_eps", 1e-12);
        config.put("position_embedding_type", "absolute");
        return config;
    }

    private void writeConfig(ObjectNode config) throws IOException {
        JSON.writeValue(dir.resolve("config.json").toFile(), config);
    }
}
