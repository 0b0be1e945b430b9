package dev.transformerlambda.training;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.transformerlambda.data.LabelledText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The training set, tokenized once, cut into batches of similar length each epoch. Batches are
 * padded to their longest text; grouping by length keeps that padding (and wasted compute) small,
 * and shuffling the batches keeps the order random.
 */
final class TokenizedBatches {

    /** One batch: token ids and attention mask (B, T), and label indices (B). */
    record Batch(long[][] ids, long[][] mask, float[] labels) {
        int size() {
            return labels.length;
        }
    }

    /** Batches sorted by length are drawn from pools this many batches large. */
    private static final int POOL_BATCHES = 50;

    private final List<long[]> ids = new ArrayList<>();
    private final float[] labels;
    private final long padId;
    private final long unknownId;
    private final float tokenDropout;

    /**
     * @param tokenDropout the chance that a word piece is replaced by {@code [UNK]} in a training
     *     batch, so the model cannot lean on any single word
     */
    TokenizedBatches(HuggingFaceTokenizer tokenizer, List<LabelledText> examples, List<String> labelNames,
            long padId, long unknownId, float tokenDropout) {
        this.padId = padId;
        this.unknownId = unknownId;
        this.tokenDropout = tokenDropout;
        this.labels = new float[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            Encoding encoding = tokenizer.encode(examples.get(i).text());
            ids.add(encoding.getIds());
            labels[i] = labelNames.indexOf(examples.get(i).label());
        }
    }

    int size() {
        return labels.length;
    }

    int batchesPerEpoch(int batchSize) {
        return (size() + batchSize - 1) / batchSize;
    }

    /** This epoch's batches, in an order drawn from {@code random}. */
    List<Batch> epoch(int batchSize, Random random) {
        List<Integer> order = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        int pool = batchSize * POOL_BATCHES;
        for (int from = 0; from < order.size(); from += pool) {
            order.subList(from, Math.min(order.size(), from + pool))
                    .sort(Comparator.comparingInt(i -> ids.get(i).length));
        }
        List<Batch> batches = new ArrayList<>();
        for (int from = 0; from < order.size(); from += batchSize) {
            batches.add(batch(order.subList(from, Math.min(order.size(), from + batchSize)), random));
        }
        Collections.shuffle(batches, random);
        return batches;
    }

    private Batch batch(List<Integer> members, Random random) {
        int length = members.stream().mapToInt(i -> ids.get(i).length).max().orElse(0);
        long[][] batchIds = new long[members.size()][length];
        long[][] mask = new long[members.size()][length];
        float[] batchLabels = new float[members.size()];
        for (int row = 0; row < members.size(); row++) {
            long[] tokens = ids.get(members.get(row));
            for (int t = 0; t < length; t++) {
                boolean real = t < tokens.length;
                // The first and last tokens are [CLS] and [SEP]; they are never dropped.
                boolean dropped = tokenDropout > 0 && real && t > 0 && t < tokens.length - 1
                        && random.nextFloat() < tokenDropout;
                batchIds[row][t] = !real ? padId : dropped ? unknownId : tokens[t];
                mask[row][t] = real ? 1 : 0;
            }
            batchLabels[row] = labels[members.get(row)];
        }
        return new Batch(batchIds, mask, batchLabels);
    }
}
