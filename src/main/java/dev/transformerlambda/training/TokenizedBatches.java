package dev.transformerlambda.training;

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
 * and shuffling the batches keeps the order random. When distilling, every example also carries
 * its teacher's logits, and unlabelled texts (given or augmented) come without a label ({@link #NO_LABEL}).
 */
final class TokenizedBatches {

    /** The label index of an unlabelled text, which only the teacher's logits describe. */
    static final float NO_LABEL = -1f;

    /**
     * One batch: token ids and attention mask (B, T), label indices (B), and the teacher's logits
     * (B, classes) when distilling, else null.
     */
    record Batch(long[][] ids, long[][] mask, float[] labels, float[][] teacherLogits) {
        int size() {
            return labels.length;
        }
    }

    /** Batches sorted by length are drawn from pools this many batches large. */
    private static final int POOL_BATCHES = 50;

    private final List<long[]> ids = new ArrayList<>();
    private final float[] labels;
    private final float[][] teacherLogits;
    private final long padId;
    private final long unknownId;
    private final float tokenDropout;

    /**
     * @param tokenDropout the chance that a word piece is replaced by {@code [UNK]} in a training
     *     batch, so the model cannot lean on any single word
     */
    TokenizedBatches(HuggingFaceTokenizer tokenizer, List<LabelledText> examples, List<String> labelNames,
            long padId, long unknownId, float tokenDropout) {
        this(tokenizer, examples, labelNames, padId, unknownId, tokenDropout, null);
    }

    /**
     * @param softTargets the teacher's logits of each example and the unlabelled texts after them;
     *     null to train on the labels alone
     */
    TokenizedBatches(HuggingFaceTokenizer tokenizer, List<LabelledText> examples, List<String> labelNames,
            long padId, long unknownId, float tokenDropout, SoftTargets softTargets) {
        this.padId = padId;
        this.unknownId = unknownId;
        this.tokenDropout = tokenDropout;
        List<String> unlabelled = softTargets == null ? List.of() : softTargets.unlabelledTexts();
        this.labels = new float[examples.size() + unlabelled.size()];
        this.teacherLogits = softTargets == null ? null : softTargets.logits();
        if (teacherLogits != null && teacherLogits.length != labels.length) {
            throw new IllegalArgumentException("teacher logits for " + teacherLogits.length + " texts, but there are "
                    + labels.length);
        }
        List<String> texts = new ArrayList<>(examples.stream().map(LabelledText::text).toList());
        texts.addAll(unlabelled);
        for (int i = 0; i < texts.size(); i++) {
            ids.add(tokenizer.encode(texts.get(i)).getIds());
            labels[i] = i < examples.size() ? labelNames.indexOf(examples.get(i).label()) : NO_LABEL;
        }
    }

    int size() {
        return labels.length;
    }

    /**
     * Steps in an epoch. Cut by tokens, their number depends a little on each epoch's draw: this is
     * one draw's, close enough for the learning rate's schedule and the ETA.
     */
    int batchesPerEpoch(int batchSize, int batchTokens) {
        if (batchTokens <= 0) {
            return (size() + batchSize - 1) / batchSize;
        }
        return cut(order(batchSize, new Random(0)), batchSize, batchTokens).size();
    }

    /**
     * This epoch's batches, in an order drawn from {@code random}: {@code batchSize} texts each, or
     * with {@code batchTokens} above 0, as many texts as fit that many padded tokens.
     */
    List<Batch> epoch(int batchSize, int batchTokens, Random random) {
        List<Batch> batches = new ArrayList<>();
        for (List<Integer> members : cut(order(batchSize, random), batchSize, batchTokens)) {
            batches.add(batch(members, random));
        }
        Collections.shuffle(batches, random);
        return batches;
    }

    /** Every example once, shuffled, then sorted by length within pools of {@link #POOL_BATCHES} batches. */
    private List<Integer> order(int batchSize, Random random) {
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
        return order;
    }

    private List<List<Integer>> cut(List<Integer> order, int batchSize, int batchTokens) {
        List<List<Integer>> batches = new ArrayList<>();
        if (batchTokens <= 0) {
            for (int from = 0; from < order.size(); from += batchSize) {
                batches.add(order.subList(from, Math.min(order.size(), from + batchSize)));
            }
            return batches;
        }
        int from = 0;
        int longest = 0;
        for (int i = 0; i < order.size(); i++) {
            int length = ids.get(order.get(i)).length;
            int padded = Math.max(longest, length) * (i - from + 1);
            // A pool ends where lengths drop back; a batch never spans two pools' orders.
            boolean newPool = length < longest;
            if (i > from && (padded > batchTokens || newPool)) {
                batches.add(order.subList(from, i));
                from = i;
                longest = 0;
            }
            longest = Math.max(longest, length);
        }
        if (from < order.size()) {
            batches.add(order.subList(from, order.size()));
        }
        return batches;
    }

    private Batch batch(List<Integer> members, Random random) {
        int length = members.stream().mapToInt(i -> ids.get(i).length).max().orElse(0);
        long[][] batchIds = new long[members.size()][length];
        long[][] mask = new long[members.size()][length];
        float[] batchLabels = new float[members.size()];
        float[][] batchLogits = teacherLogits == null ? null : new float[members.size()][];
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
            if (batchLogits != null) {
                batchLogits[row] = teacherLogits[members.get(row)];
            }
        }
        return new Batch(batchIds, mask, batchLabels, batchLogits);
    }
}
