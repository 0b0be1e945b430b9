package dev.transformerlambda.model;

import ai.djl.Model;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.nn.Block;
import ai.djl.translate.TranslateException;
import java.util.List;

/**
 * A loaded, verified model ready to classify text. Predictors are not thread-safe: each thread
 * takes its own from {@link #newPredictor()}. Closing this releases the native memory of the
 * weights and the tokenizer.
 */
public final class TextClassifier implements AutoCloseable {

    private final ArtifactManifest manifest;
    private final Model model;
    private final HuggingFaceTokenizer tokenizer;

    TextClassifier(ArtifactManifest manifest, Model model, HuggingFaceTokenizer tokenizer) {
        this.manifest = manifest;
        this.model = model;
        this.tokenizer = tokenizer;
    }

    public ArtifactManifest manifest() {
        return manifest;
    }

    /** The loaded block, to read weights from (a teacher's embeddings); never to change them. */
    public Block block() {
        return model.getBlock();
    }

    /** A predictor that classifies a list of texts in one forward pass. Close it after use. */
    public Predictor<List<String>, List<Prediction>> newPredictor() {
        return model.newPredictor(new ClassifierTranslator(tokenizer, manifest.labels()));
    }

    /** A predictor of raw logits, one row per text, for a teacher scoring texts. Close it after use. */
    public Predictor<List<String>, float[][]> newLogitsPredictor() {
        return model.newPredictor(new LogitsTranslator(tokenizer));
    }

    /** Classifies {@code texts} with a short-lived predictor; for one-off calls. */
    public List<Prediction> predict(List<String> texts) throws TranslateException {
        try (Predictor<List<String>, List<Prediction>> predictor = newPredictor()) {
            return predictor.predict(texts);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}
