package dev.transformerlambda.cli;

import ai.djl.inference.Predictor;
import dev.transformerlambda.data.DataSource;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.LabelledText;
import dev.transformerlambda.data.ValidationSplit;
import dev.transformerlambda.digest.Sha256;
import dev.transformerlambda.distillation.Augmenter;
import dev.transformerlambda.distillation.TeacherEmbeddings;
import dev.transformerlambda.distillation.TeacherLogits;
import dev.transformerlambda.distillation.TrainingWords;
import dev.transformerlambda.distillation.WordNeighbours;
import dev.transformerlambda.distillation.WordReplacement;
import dev.transformerlambda.evaluation.Evaluator;
import dev.transformerlambda.evaluation.TypingSlips;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ArtifactManifest.Source;
import dev.transformerlambda.model.ClassificationMetrics;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import dev.transformerlambda.training.SoftTargets;
import dev.transformerlambda.training.TrainingOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.commons.io.FileUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code distill}: trains a small student on a teacher's logits over the training texts and
 * augmented ones, then writes (and publishes) it as {@code train} does.
 */
@Command(name = "distill", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Distill a teacher model (any classifier artifact, usually a fine-tuned pretrained encoder)"
                + " into a small student trained from scratch, and write its artifact directory. The student's"
                + " defaults: the from-scratch shape, dropout 0.1, 2 epochs, patience 2; its embeddings start from"
                + " a BERT-family teacher's.")
public final class DistillCommand implements Callable<Integer> {

    /** TinyBERT's number of candidates per word. */
    private static final int NEIGHBOURS = 15;

    @Spec
    CommandSpec spec;

    @Option(names = "--teacher", required = true, paramLabel = ModelLocation.LABEL,
            description = "The teacher: an artifact directory, a registry whose current version teaches, or one"
                    + " version on S3.")
    String teacher;

    @Option(names = "--augment-per-text", description = "Augmented texts to try per training sentence (phrases"
            + " are not augmented) (default: ${DEFAULT-VALUE}).")
    int perText = 20;

    @Option(names = "--mask-rate", description = "Chance a word is masked (default: ${DEFAULT-VALUE}).")
    double maskRate = 0.1;

    @Option(names = "--replace-rate", description = "Chance a word is replaced by one of its " + NEIGHBOURS
            + " nearest words in a BERT-family teacher's word embeddings, as TinyBERT's augmentation does (any"
            + " training word, by frequency, for another teacher) (default: ${DEFAULT-VALUE}).")
    double replaceRate = 0.3;

    @Option(names = "--ngram-rate", description = "Chance a text is cut to one of its n-grams, n from 1 to 5"
            + " (default: ${DEFAULT-VALUE}).")
    double ngramRate = 0.25;

    @Option(names = "--unlabelled-data", paramLabel = "PATH|s3://BUCKET/KEY", description = "Texts without labels"
            + " for the teacher to label too (with their augmented texts): .tsv or .csv with a 'text' column, or"
            + " .jsonl with a 'text' field; any label is ignored. Texts also in the training, validation or"
            + " evaluation data are dropped.")
    String unlabelledData;

    @Option(names = "--label-weight", description = "The true label's share of the loss where one is known;"
            + " the teacher's logits take the rest (default: ${DEFAULT-VALUE}).")
    float labelWeight = 0.5f;

    @Option(names = "--typos", paramLabel = "SHARE", description = "Add a misspelt copy of each training text, this"
            + " share of its words with a typing slip (a letter dropped, doubled, swapped or struck on a key beside"
            + " it), that learns the teacher's logits of the clean text: no more teacher scoring; 0 for none"
            + " (default: ${DEFAULT-VALUE}).")
    double typos = 0.1;

    @Option(names = "--teacher-cache", paramLabel = "DIR", description = "Where the teacher's logits are cached,"
            + " keyed by teacher and texts (default: ${DEFAULT-VALUE}).")
    Path cache = Path.of(System.getProperty("java.io.tmpdir"), "transformer-lambda", "teacher-logits");

    @Mixin
    TrainingRun run;

    @Mixin
    ModelOptions student;

    @Override
    public Integer call() throws Exception {
        return run.run(spec, student, this::softTargets);
    }

    private SoftTargets softTargets(TrainingOptions options, ValidationSplit split, LabelledDataset evaluation,
            Supplier<S3Client> s3) throws Exception {
        PrintWriter log = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("distill-teacher-");
        try {
            Path teacherDir = ModelLocation.fetch(teacher, s3, work);
            // Loaded once: loading verifies every file, and a pretrained teacher's weights are 90 MB.
            try (TextClassifier model = ModelArtifact.load(teacherDir)) {
                ArtifactManifest manifest = model.manifest();
                String teacherSha256 = Sha256.of(teacherDir.resolve(ModelArtifact.MANIFEST));
                int[] columns = columnsOf(manifest.labels(), split.train().labels());
                Path tokenizerJson = teacherDir.resolve(manifest.tokenizer());
                TeacherEmbeddings embeddings = TeacherEmbeddings.of(model, tokenizerJson).orElse(null);
                if (embeddings == null) {
                    log.printf("the teacher is not BERT-family: the student's embeddings start random, and replaced"
                            + " words are any training word%n");
                }

                long seed = options.seed();
                Augmenter augmenter = new Augmenter(perText, maskRate, replaceRate, ngramRate, seed);
                List<String> trainTexts = split.train().examples().stream().map(LabelledText::text).toList();
                Set<String> known = knownTexts(split, evaluation);
                List<String> given = unlabelledData == null ? List.of()
                        : unseen("unlabelled", new DataSource(s3).readTexts(unlabelledData), known, log);
                WordNeighbours neighbours = embeddings == null ? null
                        : neighbours(embeddings, split.trainSentences(), given, log);
                WordReplacement replacement = replacementFor(trainTexts, neighbours);
                List<String> augmented = unseen("augmented", augmenter.augment(split.trainSentences(), replacement),
                        known, log);
                List<String> texts = new ArrayList<>(trainTexts);
                texts.addAll(augmented);
                String augmentation = augmenter.describe(replacement) + ", from the " + split.trainSentences().size()
                        + " training sentences";
                log.printf("teacher %s %s (%s): %d training texts and %d augmented ones (%s)%n", manifest.name(),
                        manifest.version(), manifest.architecture(), trainTexts.size(), augmented.size(),
                        augmentation);
                // Texts from elsewhere (the given ones and theirs) are scored apart, so the training
                // texts' logits stay cached under the same key whether or not they come too.
                List<String> fromElsewhere = new ArrayList<>(given);
                fromElsewhere.addAll(unseen("augmented unlabelled", new Augmenter(perText, maskRate, replaceRate,
                        ngramRate, seed + 1).augment(given, replacementFor(given, neighbours)), known, log));
                String key = TeacherLogits.key(teacherSha256, texts);
                float[][] logits = TeacherLogits.score(model, key, texts, cache, log);
                List<String> unlabelled = new ArrayList<>(augmented);
                if (!fromElsewhere.isEmpty()) {
                    String elsewhereKey = TeacherLogits.key(teacherSha256, fromElsewhere);
                    logits = concat(logits, TeacherLogits.score(model, elsewhereKey, fromElsewhere, cache, log));
                    key = key + "+" + elsewhereKey;
                    unlabelled.addAll(fromElsewhere);
                }
                if (typos > 0) {
                    TypingSlips slips = new TypingSlips(typos, seed + 2);
                    Set<String> taken = new HashSet<>(known);
                    taken.addAll(unlabelled);
                    List<float[]> rows = new ArrayList<>();
                    List<String> misspelt = slips.apply(trainTexts);
                    for (int i = 0; i < trainTexts.size(); i++) {
                        if (taken.add(misspelt.get(i))) {
                            unlabelled.add(misspelt.get(i));
                            rows.add(logits[i]);
                        }
                    }
                    logits = concat(logits, rows.toArray(float[][]::new));
                    key = key + "+typos-" + typos + "-" + slips.seed();
                    augmentation += String.format(", and %d misspelt copies of the training texts (a slip in %.0f%% of"
                            + " words, seed %d) learning the teacher's logits of the clean text", rows.size(),
                            typos * 100, slips.seed());
                    log.printf("misspelt copies: %d of %d training texts (the others are unchanged or already"
                            + " known)%n", rows.size(), trainTexts.size());
                }
                ClassificationMetrics teacherEvaluation = null;
                if (evaluation != null) {
                    try (Predictor<List<String>, List<Prediction>> predictor = model.newPredictor()) {
                        teacherEvaluation = Evaluator.evaluate(predictor, manifest.labels(), evaluation,
                                Evaluator.BATCH).metrics();
                    }
                    log.printf("teacher on %s: accuracy %.4f, macro-F1 %.4f%n", evaluation.source(),
                            teacherEvaluation.accuracy(), teacherEvaluation.macroF1());
                }
                return new SoftTargets(unlabelled, given.size(), reorder(logits, columns), labelWeight,
                        new Source(manifest.name(), manifest.version(), teacherSha256), augmentation, key,
                        teacherEvaluation, embeddings);
            }
        } finally {
            FileUtils.deleteDirectory(work.toFile());
        }
    }

    /** The teacher's nearest words to each word of {@code texts} and {@code moreTexts} it has a row for. */
    private static WordNeighbours neighbours(TeacherEmbeddings embeddings, List<String> texts, List<String> moreTexts,
            PrintWriter log) {
        Map<String, Integer> counts = new HashMap<>();
        for (List<String> some : List.of(texts, moreTexts)) {
            for (String text : some) {
                for (String word : Augmenter.words(text)) {
                    counts.merge(word, 1, Integer::sum);
                }
            }
        }
        WordNeighbours neighbours = embeddings.neighbours(counts.keySet(), NEIGHBOURS);
        log.printf("word neighbours: %s%n", neighbours.describe());
        // One example, so that a reader of the log can judge them: the most frequent word of 4 letters or more.
        counts.entrySet().stream().filter(e -> e.getKey().length() > 3 && !neighbours.of(e.getKey()).isEmpty())
                .max(Map.Entry.comparingByValue())
                .ifPresent(e -> log.printf("  e.g. %s: %s%n", e.getKey(), String.join(", ", neighbours.of(e.getKey()))));
        return neighbours;
    }

    /** The teacher's neighbours when there are some, else the words of {@code texts} by frequency. */
    private static WordReplacement replacementFor(List<String> texts, WordNeighbours neighbours) {
        return neighbours != null ? neighbours : TrainingWords.of(texts);
    }

    /** Every text of the training, validation and evaluation data. */
    private static Set<String> knownTexts(ValidationSplit split, LabelledDataset evaluation) {
        Set<String> known = new HashSet<>();
        for (LabelledDataset data : Arrays.asList(split.train(), split.validation(), evaluation)) {
            if (data != null) {
                data.examples().forEach(example -> known.add(example.text()));
            }
        }
        return known;
    }

    /**
     * {@code texts} (described as {@code what}), once each, without the {@code known} ones (training,
     * validation and evaluation texts): the teacher's logits for a validation or evaluation text
     * would leak it into the student.
     */
    private static List<String> unseen(String what, List<String> texts, Set<String> known, PrintWriter log) {
        Set<String> kept = new LinkedHashSet<>();
        int dropped = 0;
        for (String text : texts) {
            if (known.contains(text)) {
                dropped++;
            } else {
                kept.add(text);
            }
        }
        log.printf("%s texts: %d kept, %d dropped as training, validation or evaluation texts, %d repeats"
                + " dropped%n", what, kept.size(), dropped, texts.size() - dropped - kept.size());
        return List.copyOf(kept);
    }

    private static float[][] concat(float[][] first, float[][] second) {
        float[][] all = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    /** For each of the student's labels, the teacher's logit column that holds it. */
    private static int[] columnsOf(List<String> teacherLabels, List<String> studentLabels) {
        int[] columns = new int[studentLabels.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = teacherLabels.indexOf(studentLabels.get(i));
            if (columns[i] < 0) {
                throw new IllegalArgumentException("the teacher does not know the label '" + studentLabels.get(i)
                        + "'; its labels are " + teacherLabels);
            }
        }
        if (teacherLabels.size() != studentLabels.size()) {
            throw new IllegalArgumentException("the teacher's labels " + teacherLabels + " are not the training"
                    + " data's " + studentLabels);
        }
        return columns;
    }

    /** The teacher's logits in the student's label order. */
    private static float[][] reorder(float[][] rows, int[] columns) {
        float[][] out = new float[rows.length][columns.length];
        for (int row = 0; row < rows.length; row++) {
            for (int c = 0; c < columns.length; c++) {
                out[row][c] = rows[row][columns[c]];
            }
        }
        return out;
    }
}
