package dev.transformerlambda.serving;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model being served, with a pool of predictors (they are not thread-safe) and a count of its
 * users. The holder's reference counts as one user; the model closes when the last user is gone,
 * so a swap never closes a model under a request that is still using it.
 */
final class LoadedModel {

    private final TextClassifier classifier;
    private final String source;
    private final Instant loadedAt = Instant.now();
    private final ConcurrentLinkedDeque<Predictor<List<String>, List<Prediction>>> predictors =
            new ConcurrentLinkedDeque<>();
    private final AtomicInteger users = new AtomicInteger(1);

    LoadedModel(TextClassifier classifier, String source) {
        this.classifier = classifier;
        this.source = source;
    }

    ArtifactManifest manifest() {
        return classifier.manifest();
    }

    String source() {
        return source;
    }

    Instant loadedAt() {
        return loadedAt;
    }

    /** Registers a user; false if the model is already closed. */
    boolean acquire() {
        for (int n = users.get(); n > 0; n = users.get()) {
            if (users.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Ends a use; the last one closes the model. */
    void release() {
        if (users.decrementAndGet() == 0) {
            Predictor<List<String>, List<Prediction>> predictor;
            while ((predictor = predictors.poll()) != null) {
                predictor.close();
            }
            classifier.close();
        }
    }

    /** Classifies {@code texts}; the caller holds a use (see {@link #acquire()}). */
    List<Prediction> predict(List<String> texts) throws TranslateException {
        Predictor<List<String>, List<Prediction>> predictor = predictors.poll();
        if (predictor == null) {
            predictor = classifier.newPredictor();
        }
        try {
            return predictor.predict(texts);
        } finally {
            predictors.push(predictor);
        }
    }
}
