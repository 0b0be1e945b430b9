package dev.transformerlambda.scoring;

import ai.djl.inference.Predictor;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.translate.TranslateException;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Scores texts on every vCPU: one predictor per thread, each with one libtorch thread (several
 * single-threaded forward passes keep more cores busy than one pass split across them, on the
 * small batches of short texts scoring sees), and texts batched by length so that a batch pads
 * little.
 */
final class ParallelScorer implements AutoCloseable {

    private final int batchSize;
    private final ExecutorService pool;
    private final ConcurrentLinkedQueue<Predictor<List<String>, List<Prediction>>> predictors =
            new ConcurrentLinkedQueue<>();
    private final ThreadLocal<Predictor<List<String>, List<Prediction>>> predictor;

    ParallelScorer(TextClassifier classifier, int threads, int batchSize) {
        this.batchSize = batchSize;
        this.pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "scorer");
            thread.setDaemon(true);
            return thread;
        });
        this.predictor = ThreadLocal.withInitial(() -> {
            // libtorch's OpenMP thread count is a per-thread setting: set it on the thread that runs.
            JniUtils.setNumThreads(1);
            Predictor<List<String>, List<Prediction>> created = classifier.newPredictor();
            predictors.add(created);
            return created;
        });
    }

    /** Texts per scoring round: enough for every thread to take several batches. */
    int roundSize() {
        return batchSize * 16;
    }

    /** The predictions of {@code texts}, in their order. */
    List<Prediction> score(List<String> texts) throws TranslateException {
        Integer[] order = new Integer[texts.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingInt(i -> texts.get(i).length()));
        List<Future<List<Prediction>>> batches = new ArrayList<>();
        for (int from = 0; from < order.length; from += batchSize) {
            List<String> batch = new ArrayList<>();
            for (int i = from; i < Math.min(order.length, from + batchSize); i++) {
                batch.add(texts.get(order[i]));
            }
            batches.add(pool.submit(() -> predictor.get().predict(batch)));
        }
        Prediction[] predictions = new Prediction[texts.size()];
        int next = 0;
        for (Future<List<Prediction>> batch : batches) {
            for (Prediction prediction : waitFor(batch)) {
                predictions[order[next++]] = prediction;
            }
        }
        return Arrays.asList(predictions);
    }

    private static List<Prediction> waitFor(Future<List<Prediction>> batch) throws TranslateException {
        try {
            return batch.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TranslateException("interrupted while scoring", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TranslateException translate) {
                throw translate;
            }
            throw new TranslateException("scoring failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() {
        pool.shutdown();
        // Predictors belong to the pool's threads; close them once no thread uses them.
        try {
            pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        predictors.forEach(Predictor::close);
    }
}
