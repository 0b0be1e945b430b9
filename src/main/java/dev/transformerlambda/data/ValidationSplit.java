package dev.transformerlambda.data;

import dev.transformerlambda.digest.Sha256;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The examples a model is fitted on and the separate ones that choose its epoch and stop it early.
 * An evaluation or test set is never one of these: it is scored once, after training, so its score
 * says how the model does on data nothing was chosen on.
 *
 * @param train the examples to fit on
 * @param validation the examples to select on
 * @param description how the validation examples were chosen, for the manifest
 */
public record ValidationSplit(LabelledDataset train, LabelledDataset validation, String description) {

    /**
     * Holds out {@code fraction} of each label's examples of {@code data}, drawn with {@code seed}:
     * the same data, fraction and seed always give the same split.
     */
    public static ValidationSplit carve(LabelledDataset data, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("the validation fraction must be in (0, 1), got " + fraction);
        }
        Map<String, List<LabelledText>> byLabel = new LinkedHashMap<>();
        for (String label : data.labels()) {
            byLabel.put(label, new ArrayList<>());
        }
        data.examples().forEach(example -> byLabel.get(example.label()).add(example));
        List<LabelledText> train = new ArrayList<>();
        List<LabelledText> validation = new ArrayList<>();
        Random random = new Random(seed);
        byLabel.forEach((label, examples) -> {
            Collections.shuffle(examples, random);
            // At least one validation example per label, and at least one left to train on.
            int held = (int) Math.max(1, Math.min(examples.size() - 1, Math.round(examples.size() * fraction)));
            validation.addAll(examples.subList(0, held));
            train.addAll(examples.subList(held, examples.size()));
        });
        String description = String.format("%.0f%% of %s per label, seed %d", fraction * 100, data.source(), seed);
        return new ValidationSplit(
                new LabelledDataset(data.source() + " (training part)", derivedSha256(data, "train", fraction, seed),
                        train),
                new LabelledDataset(data.source() + " (validation part)",
                        derivedSha256(data, "validation", fraction, seed), validation),
                description);
    }

    /** Validation data given as its own file. */
    public static ValidationSplit given(LabelledDataset train, LabelledDataset validation) {
        return new ValidationSplit(train, validation, validation.source());
    }

    /** Identifies a carved part by the data it came from and how it was cut. */
    private static String derivedSha256(LabelledDataset data, String part, double fraction, long seed) {
        return Sha256.of(data.sha256() + "|" + part + "|" + fraction + "|" + seed);
    }
}
