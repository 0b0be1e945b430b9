package dev.transformerlambda.pretrained;

/**
 * The shape of a BERT encoder, as Hugging Face's {@code config.json} names it.
 *
 * @param vocabSize {@code vocab_size}
 * @param hiddenSize {@code hidden_size}
 * @param layers {@code num_hidden_layers}
 * @param heads {@code num_attention_heads}
 * @param intermediateSize {@code intermediate_size}
 * @param maxPositions {@code max_position_embeddings}
 * @param typeVocabSize {@code type_vocab_size}
 * @param layerNormEps {@code layer_norm_eps}
 */
public record BertShape(int vocabSize, int hiddenSize, int layers, int heads, int intermediateSize,
        int maxPositions, int typeVocabSize, float layerNormEps) {

    public BertShape {
        requirePositive("vocab_size", vocabSize);
        requirePositive("hidden_size", hiddenSize);
        requirePositive("num_hidden_layers", layers);
        requirePositive("num_attention_heads", heads);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("max_position_embeddings", maxPositions);
        requirePositive("type_vocab_size", typeVocabSize);
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("layer_norm_eps must be positive, not " + layerNormEps);
        }
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + heads
                    + ") must divide hidden_size (" + hiddenSize + ")");
        }
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, not " + value);
        }
    }
}
