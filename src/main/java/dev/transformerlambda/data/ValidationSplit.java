package dev.transformerlambda.data;

import dev.transformerlambda.digest.Sha256;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The examples a model is fitted on and the separate ones that choose its epoch and stop it early.
 * An evaluation or test set is never one of these: it is scored once, after training, so its score
 * says how the model does on data nothing was chosen on.
 *
 * <p>Training data may come in several files, some of whose rows belong together: the treebank's
 * phrases carry the number of the sentence (parse tree) they come from. A validation example is a
 * whole sentence, and every row of its tree is left out of training with it, or the validation
 * sentence would be trained on in pieces. A sentence is a row of a file without a group column, or
 * a group's longest row; a sentence and a tree whose longest row is the same text are one unit. Each
 * text is trained on once, and never one that is also a validation text.
 *
 * @param train the examples to fit on: distinct texts
 * @param trainSentences the texts of {@code train} that are whole sentences, not phrases of one (all
 *     of them where no file has a group column): what augmentation makes new texts from
 * @param validation the examples to select on
 * @param description how the validation examples were chosen, for the manifest
 * @param files every training file read, with its rows
 * @param leftOut the rows of those files not trained on, and why
 */
public record ValidationSplit(LabelledDataset train, List<String> trainSentences, LabelledDataset validation,
        String description, List<DataFile> files, List<LeftOut> leftOut) {

    /** A training file as read: its location, sha256 and rows. */
    public record DataFile(String source, String sha256, int rows) {}

    /** Rows of the training files that were not trained on, and why. */
    public record LeftOut(String reason, int rows) {}

    static final String IN_VALIDATION_TREE = "held out for validation: a validation sentence or a row of its tree";
    static final String SAME_AS_VALIDATION = "the same text as a validation sentence";
    static final String REPEATED = "a repeat of a text already trained on";
    static final String REPEATED_OTHER_LABEL = "a repeat of a text already trained on, with another label";

    public ValidationSplit {
        trainSentences = List.copyOf(trainSentences);
        files = List.copyOf(files);
        leftOut = List.copyOf(leftOut);
    }

    /** As {@link #carve(List, double, long)}, for one file. */
    public static ValidationSplit carve(LabelledDataset data, double fraction, long seed) {
        return carve(List.of(data), fraction, seed);
    }

    /**
     * Holds out {@code fraction} of each label's sentences of {@code data}, drawn with {@code seed}:
     * the same data, fraction and seed always give the same split. Where some files have no group
     * column, their rows are the sentences (the groups' longest rows join them); else each group's
     * longest row is.
     */
    public static ValidationSplit carve(List<LabelledDataset> data, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("the validation fraction must be in (0, 1), got " + fraction);
        }
        Map<String, Unit> units = units(data);
        boolean ungroupedFiles = data.stream()
                .anyMatch(file -> file.examples().stream().anyMatch(example -> example.group() == null));
        Map<String, List<Unit>> byLabel = new TreeMap<>();
        for (Unit unit : units.values()) {
            if (unit.fromUngroupedFile || !ungroupedFiles) {
                byLabel.computeIfAbsent(unit.sentence.label(), label -> new ArrayList<>()).add(unit);
            }
        }
        List<LabelledText> validation = new ArrayList<>();
        Random random = new Random(seed);
        byLabel.forEach((label, candidates) -> {
            Collections.shuffle(candidates, random);
            // At least one validation example per label, and at least one left to train on.
            int held = (int) Math.max(1, Math.min(candidates.size() - 1, Math.round(candidates.size() * fraction)));
            candidates.subList(0, held).forEach(unit -> validation.add(unit.sentence));
        });
        String source = sources(data);
        String description = String.format("%.0f%% of the sentences of %s per label, seed %d%s", fraction * 100,
                source, seed, grouped(data) ? ", with every row of their groups left out of training" : "");
        String cut = "|" + fraction + "|" + seed;
        return split(data, units, new LabelledDataset(source + " (validation part)",
                derivedSha256(data, "validation" + cut), validation), description, cut);
    }

    /** As {@link #given(List, LabelledDataset)}, for one file. */
    public static ValidationSplit given(LabelledDataset train, LabelledDataset validation) {
        return given(List.of(train), validation);
    }

    /**
     * Validation data given as its own file. Its texts, and every row of a tree whose sentence is
     * one of them, are left out of training.
     */
    public static ValidationSplit given(List<LabelledDataset> train, LabelledDataset validation) {
        return split(train, units(train), validation, validation.source(), "|given " + validation.sha256());
    }

    /** The training part: every unit's rows but the validation sentences', each text once. */
    private static ValidationSplit split(List<LabelledDataset> data, Map<String, Unit> units,
            LabelledDataset validation, String description, String cut) {
        Set<String> validationTexts = validation.examples().stream().map(LabelledText::text)
                .collect(Collectors.toSet());
        Map<String, Integer> leftOut = new LinkedHashMap<>();
        Map<String, String> trained = new LinkedHashMap<>();
        List<LabelledText> train = new ArrayList<>();
        List<String> sentences = new ArrayList<>();
        for (Unit unit : units.values()) {
            if (validationTexts.contains(unit.sentence.text())) {
                leftOut.merge(IN_VALIDATION_TREE, unit.rows.size(), Integer::sum);
                continue;
            }
            for (LabelledText row : unit.rows) {
                String earlier = trained.get(row.text());
                String reason = validationTexts.contains(row.text()) ? SAME_AS_VALIDATION
                        : earlier == null ? null
                        : earlier.equals(row.label()) ? REPEATED : REPEATED_OTHER_LABEL;
                if (reason != null) {
                    leftOut.merge(reason, 1, Integer::sum);
                } else {
                    trained.put(row.text(), row.label());
                    train.add(new LabelledText(row.text(), row.label()));
                    if (row.text().equals(unit.sentence.text())) {
                        sentences.add(row.text());
                    }
                }
            }
        }
        List<DataFile> files = data.stream().map(file -> new DataFile(file.source(), file.sha256(), file.size()))
                .toList();
        return new ValidationSplit(
                new LabelledDataset(sources(data) + " (training part)", derivedSha256(data, "train" + cut), train),
                sentences, validation, description, files,
                leftOut.entrySet().stream().map(e -> new LeftOut(e.getKey(), e.getValue())).toList());
    }

    /** The rows that go to one side of the split together, under their sentence. */
    private static final class Unit {
        LabelledText sentence;
        boolean fromUngroupedFile;
        final List<LabelledText> rows = new ArrayList<>();
    }

    /**
     * Every row of {@code data} in a unit, keyed by the unit's sentence text, in file order: a row
     * without a group is its own sentence; a group's sentence is its longest row (the first of the
     * longest); the two join where their texts are the same.
     */
    private static Map<String, Unit> units(List<LabelledDataset> data) {
        Map<String, Unit> units = new LinkedHashMap<>();
        for (LabelledDataset file : data) {
            Map<String, List<LabelledText>> groups = new LinkedHashMap<>();
            for (LabelledText row : file.examples()) {
                if (row.group() == null) {
                    Unit unit = units.computeIfAbsent(row.text(), text -> new Unit());
                    if (!unit.fromUngroupedFile) {
                        // A file's own sentence wins over a tree's longest row: its label is the sentence's.
                        unit.sentence = row;
                        unit.fromUngroupedFile = true;
                    }
                    unit.rows.add(row);
                } else {
                    groups.computeIfAbsent(row.group(), group -> new ArrayList<>()).add(row);
                }
            }
            for (List<LabelledText> rows : groups.values()) {
                LabelledText longest = rows.get(0);
                for (LabelledText row : rows) {
                    if (row.text().length() > longest.text().length()) {
                        longest = row;
                    }
                }
                Unit unit = units.computeIfAbsent(longest.text(), text -> new Unit());
                if (unit.sentence == null) {
                    unit.sentence = longest;
                }
                unit.rows.addAll(rows);
            }
        }
        return units;
    }

    /** Whether any row of {@code data} belongs to a group (a file has a group column). */
    private static boolean grouped(List<LabelledDataset> data) {
        return data.stream().anyMatch(file -> file.examples().stream().anyMatch(example -> example.group() != null));
    }

    private static String sources(List<LabelledDataset> data) {
        return data.stream().map(LabelledDataset::source).collect(Collectors.joining(" + "));
    }

    /** Identifies a part by the data it came from and how it was cut. */
    private static String derivedSha256(List<LabelledDataset> data, String cut) {
        return Sha256.of(data.stream().map(LabelledDataset::sha256).collect(Collectors.joining("+")) + "|" + cut);
    }
}
