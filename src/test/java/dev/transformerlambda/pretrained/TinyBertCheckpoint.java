package dev.transformerlambda.pretrained;

import dev.transformerlambda.model.WordPieceTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small BERT checkpoint directory as Hugging Face writes one (config.json, model.safetensors,
 * tokenizer.json), initialised as BERT is, with a vocabulary learned from the given texts: what a
 * test fine-tunes where the real MiniLM would take too long.
 */
public final class TinyBertCheckpoint {

    private TinyBertCheckpoint() {}

    /** Writes the checkpoint into {@code dir} (created) and returns its shape. */
    public static BertShape write(Path dir, List<String> texts, long seed) throws IOException {
        Files.createDirectories(dir);
        List<String> vocabulary = new WordPieceTrainer(300, 1).learnVocabulary(texts);
        WordPieceTrainer.writeTokenizerJson(vocabulary, dir.resolve(PretrainedCatalog.TOKENIZER_FILE));
        BertShape shape = new BertShape(vocabulary.size(), 16, 2, 2, 32, 64, 2, 1e-12f);
        Files.writeString(dir.resolve(HuggingFaceCheckpointReader.CONFIG), """
                {"architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu",
                 "vocab_size": %d, "hidden_size": %d, "num_hidden_layers": %d, "num_attention_heads": %d,
                 "intermediate_size": %d, "max_position_embeddings": %d, "type_vocab_size": %d,
                 "layer_norm_eps": 1e-12, "position_embedding_type": "absolute"}
                """.formatted(shape.vocabSize(), shape.hiddenSize(), shape.layers(), shape.heads(),
                shape.intermediateSize(), shape.maxPositions(), shape.typeVocabSize()));
        new SafetensorsWriter().all("bert.", weights(shape, seed)).write(dir.resolve(HuggingFaceCheckpointReader.WEIGHTS));
        return shape;
    }

    /** BERT's initialisation: N(0, 0.02) matrices and embeddings, LayerNorm scale 1, biases 0. */
    static Map<String, Tensor> weights(BertShape shape, long seed) {
        Random random = new Random(seed);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        BertWeightNames.expected(shape).forEach((name, dims) -> {
            float[] values = new float[(int) Tensor.elementCount(dims)];
            if (name.endsWith("LayerNorm.weight")) {
                Arrays.fill(values, 1f);
            } else if (!name.endsWith(".bias")) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * 0.02);
                }
            }
            weights.put(name, new Tensor(dims, values));
        });
        return weights;
    }
}
