package dev.transformerlambda.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.List;

/**
 * Texts in, the classifier's raw logits out (one row per text): what a teacher hands its student,
 * before softmax turns them into the probabilities a {@link Prediction} carries.
 */
public class LogitsTranslator implements NoBatchifyTranslator<List<String>, float[][]> {

    private final HuggingFaceTokenizer tokenizer;

    public LogitsTranslator(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, List<String> texts) {
        return ClassifierTranslator.toArrays(ctx.getNDManager(), tokenizer.batchEncode(texts));
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) {
        NDArray rows = list.head();
        int count = (int) rows.getShape().get(0);
        int width = (int) rows.getShape().get(1);
        float[] flat = rows.toFloatArray();
        float[][] out = new float[count][width];
        for (int row = 0; row < count; row++) {
            System.arraycopy(flat, row * width, out[row], 0, width);
        }
        return out;
    }
}
