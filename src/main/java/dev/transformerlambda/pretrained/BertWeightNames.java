package dev.transformerlambda.pretrained;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one list of the weights a BERT encoder has, by Hugging Face name and shape, and the check
 * every import passes through: a checkpoint must hold exactly these tensors, each of this shape.
 */
public final class BertWeightNames {

    private BertWeightNames() {}

    /**
     * Every weight of an encoder of this shape, in Hugging Face's order, with its shape; Linear
     * weights are (out, in) as in {@code torch.nn.Linear}.
     */
    public static Map<String, long[]> expected(BertShape shape) {
        long vocab = shape.vocabSize();
        long hidden = shape.hiddenSize();
        long intermediate = shape.intermediateSize();
        Map<String, long[]> names = new LinkedHashMap<>();
        names.put("embeddings.word_embeddings.weight", new long[] {vocab, hidden});
        names.put("embeddings.position_embeddings.weight", new long[] {shape.maxPositions(), hidden});
        names.put("embeddings.token_type_embeddings.weight", new long[] {shape.typeVocabSize(), hidden});
        names.put("embeddings.LayerNorm.weight", new long[] {hidden});
        names.put("embeddings.LayerNorm.bias", new long[] {hidden});
        for (int i = 0; i < shape.layers(); i++) {
            String layer = "encoder.layer." + i + ".";
            for (String projection : new String[] {"query", "key", "value"}) {
                names.put(layer + "attention.self." + projection + ".weight", new long[] {hidden, hidden});
                names.put(layer + "attention.self." + projection + ".bias", new long[] {hidden});
            }
            names.put(layer + "attention.output.dense.weight", new long[] {hidden, hidden});
            names.put(layer + "attention.output.dense.bias", new long[] {hidden});
            names.put(layer + "attention.output.LayerNorm.weight", new long[] {hidden});
            names.put(layer + "attention.output.LayerNorm.bias", new long[] {hidden});
            names.put(layer + "intermediate.dense.weight", new long[] {intermediate, hidden});
            names.put(layer + "intermediate.dense.bias", new long[] {intermediate});
            names.put(layer + "output.dense.weight", new long[] {hidden, intermediate});
            names.put(layer + "output.dense.bias", new long[] {hidden});
            names.put(layer + "output.LayerNorm.weight", new long[] {hidden});
            names.put(layer + "output.LayerNorm.bias", new long[] {hidden});
        }
        return names;
    }

    /**
     * Whether a checkpoint tensor is deliberately left behind: the pooler and pretraining heads
     * (a classifier here has its own head) and the position-id buffer (not a weight).
     */
    public static boolean unused(String name) {
        return name.startsWith("pooler.") || name.startsWith("cls.") || name.equals("embeddings.position_ids");
    }

    /**
     * The weights in {@link #expected} order, once checked to be exactly the expected ones.
     *
     * @param file the file the weights came from, for the message
     * @throws InvalidCheckpointException naming the first missing, extra or mis-shaped tensor
     */
    public static Map<String, Tensor> validated(Map<String, Tensor> weights, BertShape shape, String file)
            throws InvalidCheckpointException {
        Map<String, long[]> expected = expected(shape);
        for (String name : weights.keySet()) {
            if (!expected.containsKey(name)) {
                throw new InvalidCheckpointException(file + ": unexpected tensor " + name
                        + " (shape " + Arrays.toString(weights.get(name).shape())
                        + "); not a weight of a BERT encoder with " + shape.layers() + " layers");
            }
        }
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry : expected.entrySet()) {
            Tensor tensor = weights.get(entry.getKey());
            if (tensor == null) {
                throw new InvalidCheckpointException(file + ": missing tensor " + entry.getKey()
                        + " (expected shape " + Arrays.toString(entry.getValue()) + ")");
            }
            if (!Arrays.equals(tensor.shape(), entry.getValue())) {
                throw new InvalidCheckpointException(file + ": tensor " + entry.getKey() + " has shape "
                        + Arrays.toString(tensor.shape()) + ", expected " + Arrays.toString(entry.getValue()));
            }
            ordered.put(entry.getKey(), tensor);
        }
        return ordered;
    }
}
