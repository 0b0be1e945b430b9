package dev.transformerlambda.pretrained;

import dev.transformerlambda.digest.Sha256;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a BERT encoder from a Hugging Face checkpoint directory, as {@code save_pretrained} writes
 * it or the Hub serves it: {@code config.json} and {@code model.safetensors}.
 */
public final class HuggingFaceCheckpointReader {

    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";

    private HuggingFaceCheckpointReader() {}

    /**
     * The encoder's weights, checked against its {@code config.json}; the pooler and pretraining
     * heads are left behind.
     *
     * @throws InvalidCheckpointException if a file is missing, or the model is not a supported BERT
     */
    public static PretrainedEncoder read(Path dir) throws IOException {
        Path config = dir.resolve(CONFIG);
        Path weightsFile = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(config)) {
            throw new InvalidCheckpointException(dir + ": no " + CONFIG + "; not a Hugging Face checkpoint directory");
        }
        if (!Files.isRegularFile(weightsFile)) {
            throw new InvalidCheckpointException(dir + ": no " + WEIGHTS + " (a pytorch_model.bin cannot be read"
                    + " here: save the model with safe_serialization=True)");
        }
        BertShape shape = HuggingFaceBertConfig.read(config);
        Map<String, Tensor> stored =
                SafetensorsFile.read(weightsFile, name -> !BertWeightNames.unused(huggingFaceName(name)));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> entry : stored.entrySet()) {
            String name = huggingFaceName(entry.getKey());
            if (weights.put(name, entry.getValue()) != null) {
                throw new InvalidCheckpointException(weightsFile + ": tensor " + entry.getKey()
                        + " duplicates another stored as " + name);
            }
        }
        String file = weightsFile.toString();
        return new PretrainedEncoder(shape, BertWeightNames.validated(weights, shape, file),
                dir.toAbsolutePath().normalize().toString(), Sha256.of(weightsFile));
    }

    /**
     * A stored name as {@code BertModel} names it: without the {@code bert.} prefix a task model
     * (e.g. {@code BertForSequenceClassification}) adds, and with {@code weight}/{@code bias} for
     * the {@code gamma}/{@code beta} of LayerNorms in checkpoints converted from TensorFlow, as
     * transformers renames them when it loads.
     */
    static String huggingFaceName(String stored) {
        String name = stored.startsWith("bert.") ? stored.substring("bert.".length()) : stored;
        if (name.endsWith("LayerNorm.gamma")) {
            return name.substring(0, name.length() - "gamma".length()) + "weight";
        }
        if (name.endsWith("LayerNorm.beta")) {
            return name.substring(0, name.length() - "beta".length()) + "bias";
        }
        return name;
    }
}
