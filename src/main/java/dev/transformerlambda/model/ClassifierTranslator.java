package dev.transformerlambda.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a batch of texts into token ids and an attention mask padded to the longest text in the
 * batch, and the classifier's logits into {@link Prediction}s. The whole list is one forward pass.
 */
public class ClassifierTranslator implements NoBatchifyTranslator<List<String>, List<Prediction>> {

    private final HuggingFaceTokenizer tokenizer;
    private final List<String> labels;

    /**
     * @param tokenizer a tokenizer that truncates to the model's max length and pads to the longest
     * @param labels the model's labels in index order
     */
    public ClassifierTranslator(HuggingFaceTokenizer tokenizer, List<String> labels) {
        this.tokenizer = tokenizer;
        this.labels = List.copyOf(labels);
    }

    @Override
    public NDList processInput(TranslatorContext ctx, List<String> texts) {
        return encode(ctx.getNDManager(), tokenizer, texts);
    }

    private static NDList encode(NDManager manager, HuggingFaceTokenizer tokenizer, List<String> texts) {
        return toArrays(manager, tokenizer.batchEncode(texts));
    }

    /** Token ids and attention mask, both (B, T) int64, of texts already tokenized. */
    public static NDList toArrays(NDManager manager, Encoding[] encodings) {
        long[][] ids = new long[encodings.length][];
        long[][] mask = new long[encodings.length][];
        for (int i = 0; i < encodings.length; i++) {
            ids[i] = encodings[i].getIds();
            mask[i] = encodings[i].getAttentionMask();
        }
        return new NDList(manager.create(ids), manager.create(mask));
    }

    @Override
    public List<Prediction> processOutput(TranslatorContext ctx, NDList list) {
        float[] probabilities = list.head().softmax(-1).toFloatArray();
        int classes = labels.size();
        List<Prediction> predictions = new ArrayList<>(probabilities.length / classes);
        for (int row = 0; row < probabilities.length / classes; row++) {
            Map<String, Float> scores = new LinkedHashMap<>();
            int best = 0;
            for (int c = 0; c < classes; c++) {
                float p = probabilities[row * classes + c];
                scores.put(labels.get(c), p);
                if (p > probabilities[row * classes + best]) {
                    best = c;
                }
            }
            predictions.add(new Prediction(labels.get(best), probabilities[row * classes + best], scores));
        }
        return predictions;
    }
}
