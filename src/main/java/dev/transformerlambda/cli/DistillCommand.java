package dev.transformerlambda.cli;

import ai.djl.inference.Predictor;
import dev.transformerlambda.data.DataSource;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.LabelledText;
import dev.transformerlambda.data.ValidationSplit;
import dev.transformerlambda.digest.Sha256;
import dev.transformerlambda.distillation.Augmenter;
import dev.transformerlambda.distillation.PooledTargets;
import dev.transformerlambda.distillation.TeacherEmbeddings;
import dev.transformerlambda.distillation.TeacherLogits;
import dev.transformerlambda.distillation.TrainingWords;
import dev.transformerlambda.distillation.WordNeighbours;
import dev.transformerlambda.distillation.WordReplacement;
import dev.transformerlambda.evaluation.ClassificationMetrics;
import dev.transformerlambda.evaluation.Evaluator;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ArtifactManifest.Source;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import dev.transformerlambda.model.WordPieceTrainer;
import dev.transformerlambda.training.SoftTargets;
import dev.transformerlambda.training.TrainingOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code distill}: trains a small student on a teacher's logits over the training texts and
 * augmented ones, then writes (and publishes) it as {@code train} does.
 */
@Command(name = "distill", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Distill a teacher model (any classifier artifact, usually a fine-tuned pretrained encoder)"
                + " into a small student trained from scratch, and write its artifact directory.")
public final class DistillCommand implements Callable<Integer> {

    private static final int EVALUATION_BATCH = 64;
    /** TinyBERT's number of candidates per word. */
    private static final int NEIGHBOURS = 15;

    @Spec
    CommandSpec spec;

    @Option(names = "--teacher", required = true, paramLabel = ModelLocation.LABEL,
            description = "The teacher: an artifact directory, a registry whose current version teaches, or one"
                    + " version on S3.")
    String teacher;

    @Option(names = "--augment-per-text", description = "Augmented texts to try per training text"
            + " (default: ${DEFAULT-VALUE}).")
    int perText = 20;

    @Option(names = "--mask-rate", description = "Chance a word is masked (default: ${DEFAULT-VALUE}).")
    double maskRate = 0.1;

    @Option(names = "--replace-rate", description = "Chance a word is replaced by another (default:"
            + " ${DEFAULT-VALUE}).")
    double replaceRate = 0.1;

    @Option(names = "--replace-with", description = "Where a replacing word comes from: TRAINING_WORDS (any, by"
            + " frequency) or TEACHER_NEIGHBOURS (one of the word's " + NEIGHBOURS + " nearest words in a BERT-family"
            + " teacher's word embeddings, as TinyBERT's augmentation does) (default: ${DEFAULT-VALUE}).")
    Replacement replaceWith = Replacement.TRAINING_WORDS;

    /** Where a replacing word comes from. */
    enum Replacement { TRAINING_WORDS, TEACHER_NEIGHBOURS }

    @Option(names = "--ngram-rate", description = "Chance a text is cut to one of its n-grams, n from 1 to"
            + " --longest-ngram (default: ${DEFAULT-VALUE}).")
    double ngramRate = 0.25;

    @Option(names = "--longest-ngram", paramLabel = "N", description = "The most words such an n-gram keeps; more"
            + " than the paper's 5 makes phrases of a text as well as its short bits (default: ${DEFAULT-VALUE}).")
    int longestNgram = Augmenter.PAPER_LONGEST_NGRAM;

    @Option(names = "--unlabelled-data", paramLabel = "PATH|s3://BUCKET/KEY", description = "Texts without labels"
            + " for the teacher to label too (with their augmented texts): .tsv or .csv with a 'text' column, or"
            + " .jsonl with a 'text' field; any label is ignored. Texts also in the training, validation or"
            + " evaluation data are dropped.")
    String unlabelledData;

    @Option(names = "--label-weight", description = "The true label's share of the loss where one is known;"
            + " the teacher's logits take the rest (default: ${DEFAULT-VALUE}).")
    float labelWeight = 0.5f;

    @Option(names = "--temperature", description = "How the student learns the teacher's logits: 0 for the mean"
            + " squared error of the logits (Tang et al. 2019), more for the KL divergence of the two softmax"
            + " distributions at this temperature (default: ${DEFAULT-VALUE}).")
    float temperature = 0f;

    @Option(names = "--feature-weight", description = "Weight of a second target, the teacher's pooled text"
            + " vector on its principal directions, matched by the student's pooled vector with a squared error; 0"
            + " to learn the logits alone (default: ${DEFAULT-VALUE}).")
    float featureWeight = 0f;

    @Option(names = "--teacher-cache", paramLabel = "DIR", description = "Where the teacher's logits are cached,"
            + " keyed by teacher and texts (default: ${DEFAULT-VALUE}).")
    Path cache = Path.of(System.getProperty("java.io.tmpdir"), "transformer-lambda", "teacher-logits");

    @Mixin
    TrainingRun run;

    @Mixin
    ModelOptions student;

    @Option(names = "--student-embeddings", description = "Where the student's token embeddings start: TEACHER"
            + " (a BERT-family teacher's word embeddings), TEACHER_OUTPUTS (what the whole teacher makes of each word"
            + " piece alone), both projected to the student's width, or RANDOM (default: ${DEFAULT-VALUE}).")
    EmbeddingStart studentEmbeddings = EmbeddingStart.TEACHER;

    /** Where the student's token embeddings start. */
    enum EmbeddingStart { TEACHER, TEACHER_OUTPUTS, RANDOM }

    @Option(names = "--student-vocabulary", description = "The student's word pieces: LEARNED from the training"
            + " texts, or the TEACHER's most frequent ones (a BERT-family teacher; every piece, seen in training or"
            + " not, starts from the teacher's row), --vocabulary-size of them (default: ${DEFAULT-VALUE}).")
    VocabularySource studentVocabulary = VocabularySource.LEARNED;

    /** Where the student's word pieces come from. */
    enum VocabularySource { LEARNED, TEACHER }

    @Option(names = "--teacher-words", paramLabel = "N", description = "Adds to the LEARNED vocabulary the"
            + " teacher's N most frequent whole words it lacks, each starting from the teacher's row (a BERT-family"
            + " teacher; default: ${DEFAULT-VALUE}).")
    int teacherWords = 0;

    @Option(names = "--word-texts", description = "The teacher also labels, alone, each whole word of the"
            + " student's vocabulary that the training texts never show (with --student-vocabulary TEACHER or"
            + " --teacher-words), so that the student learns what it does.")
    boolean wordTexts;

    @Override
    public Integer call() throws Exception {
        return run.run(spec, student, this::softTargets);
    }

    private SoftTargets softTargets(TrainingOptions options, ValidationSplit split, LabelledDataset evaluation,
            Supplier<S3Client> s3) throws Exception {
        if (featureWeight < 0) {
            throw new ParameterException(spec.commandLine(), "--feature-weight must be 0 or more, got " + featureWeight);
        }
        PrintWriter log = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("distill-teacher-");
        try {
            Path teacherDir = ModelLocation.fetch(teacher, s3, work);
            // Loaded once: loading verifies every file, and a pretrained teacher's weights are 90 MB.
            try (TextClassifier model = ModelArtifact.load(teacherDir)) {
                ArtifactManifest manifest = model.manifest();
                String teacherSha256 = Sha256.of(teacherDir.resolve(ModelArtifact.MANIFEST));
                int[] columns = columnsOf(manifest.labels(), split.train().labels());

                long seed = options.seed();
                Augmenter augmenter = new Augmenter(perText, maskRate, replaceRate, ngramRate, longestNgram, seed);
                List<String> trainTexts = split.train().examples().stream().map(LabelledText::text).toList();
                List<String> given = unlabelledData == null ? List.of()
                        : unlabelled(new DataSource(s3).readTexts(unlabelledData), split, evaluation, log);
                WordNeighbours neighbours = replaceWith == Replacement.TEACHER_NEIGHBOURS
                        ? neighbours(model, teacherDir.resolve(manifest.tokenizer()), trainTexts, given, log) : null;
                WordReplacement trainingReplacement = replacementFor(trainTexts, neighbours);
                List<String> augmented = augmenter.augment(trainTexts, trainingReplacement);
                List<String> texts = new ArrayList<>(trainTexts);
                texts.addAll(augmented);
                String augmentation = augmenter.describe(trainingReplacement);
                log.printf("teacher %s %s (%s): %d training texts and %d augmented ones (%s)%n", manifest.name(),
                        manifest.version(), manifest.architecture(), trainTexts.size(), augmented.size(),
                        augmentation);
                // Texts from elsewhere (the given ones and theirs, the teacher's words) are scored apart, so
                // the training texts' logits stay cached under the same key whether or not they come too.
                TeacherEmbeddings embeddings = studentEmbeddings(model, teacherDir.resolve(manifest.tokenizer()),
                        options, trainTexts, log);
                List<String> words = wordTexts ? unseenWords(embeddings, trainTexts, split, evaluation, log) : List.of();
                List<String> fromElsewhere = new ArrayList<>(given);
                fromElsewhere.addAll(new Augmenter(perText, maskRate, replaceRate, ngramRate, longestNgram, seed + 1)
                        .augment(given, replacementFor(given, neighbours)));
                fromElsewhere.addAll(words);
                boolean pooled = featureWeight > 0;
                String key = TeacherLogits.key(teacherSha256, texts, pooled);
                float[][] logits = TeacherLogits.score(model, key, texts, pooled, cache, log);
                List<String> unlabelled = new ArrayList<>(augmented);
                if (!fromElsewhere.isEmpty()) {
                    String elsewhereKey = TeacherLogits.key(teacherSha256, fromElsewhere, pooled);
                    logits = concat(logits, TeacherLogits.score(model, elsewhereKey, fromElsewhere, pooled, cache,
                            log));
                    key = key + "+" + elsewhereKey;
                    unlabelled.addAll(fromElsewhere);
                }
                float[][] targets = reorder(logits, columns);
                if (pooled) {
                    targets = PooledTargets.projected(targets, columns.length, options.width());
                    key = key + " on " + options.width() + " principal directions";
                }
                ClassificationMetrics teacherEvaluation = null;
                if (evaluation != null) {
                    try (Predictor<List<String>, List<Prediction>> predictor = model.newPredictor()) {
                        teacherEvaluation = Evaluator.evaluate(predictor, manifest.labels(), evaluation,
                                EVALUATION_BATCH).metrics();
                    }
                    log.printf("teacher on %s: accuracy %.4f, macro-F1 %.4f%n", evaluation.source(),
                            teacherEvaluation.accuracy(), teacherEvaluation.macroF1());
                }
                return new SoftTargets(unlabelled, given.size() + words.size(), targets, labelWeight, temperature,
                        new Source(manifest.name(), manifest.version(), teacherSha256), augmentation, key,
                        teacherEvaluation, embeddings, featureWeight);
            }
        } finally {
            ModelArtifact.delete(work);
        }
    }

    /** The teacher's nearest words to each word of {@code texts} and {@code moreTexts} it has a row for. */
    private WordNeighbours neighbours(TextClassifier teacherModel, Path tokenizerJson, List<String> texts,
            List<String> moreTexts, PrintWriter log) throws IOException {
        TeacherEmbeddings embeddings = TeacherEmbeddings.of(teacherModel, tokenizerJson).orElseThrow(() ->
                new ParameterException(spec.commandLine(), "the teacher is not BERT-family: it has no word embeddings"
                        + " to find neighbours in (--replace-with TEACHER_NEIGHBOURS)"));
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

    /** The teacher's word embeddings (and vocabulary) for the student, as the options ask; null for none. */
    private TeacherEmbeddings studentEmbeddings(TextClassifier teacherModel, Path tokenizerJson, TrainingOptions options,
            List<String> trainTexts, PrintWriter log) throws IOException {
        boolean teachersPieces = studentVocabulary == VocabularySource.TEACHER || teacherWords > 0;
        String vocabularyOption = studentVocabulary == VocabularySource.TEACHER ? "--student-vocabulary TEACHER"
                : "--teacher-words";
        if (studentVocabulary == VocabularySource.TEACHER && teacherWords > 0) {
            throw new ParameterException(spec.commandLine(), "--teacher-words adds to a LEARNED vocabulary, not the"
                    + " teacher's (--student-vocabulary TEACHER)");
        }
        if (wordTexts && !teachersPieces) {
            throw new ParameterException(spec.commandLine(), "--word-texts labels the teacher's words in the student's"
                    + " vocabulary: add --teacher-words N or --student-vocabulary TEACHER");
        }
        if (teachersPieces && studentEmbeddings == EmbeddingStart.RANDOM) {
            throw new ParameterException(spec.commandLine(), vocabularyOption + " needs the teacher's embeddings"
                    + " (--student-embeddings TEACHER or TEACHER_OUTPUTS)");
        }
        if (studentEmbeddings == EmbeddingStart.RANDOM) {
            return null;
        }
        if (studentEmbeddings == EmbeddingStart.TEACHER_OUTPUTS) {
            log.printf("running the teacher on each of its word pieces alone%n");
            log.flush();
        }
        TeacherEmbeddings embeddings = (studentEmbeddings == EmbeddingStart.TEACHER
                ? TeacherEmbeddings.of(teacherModel, tokenizerJson)
                : TeacherEmbeddings.outputsOf(teacherModel, tokenizerJson)).orElse(null);
        if (embeddings == null) {
            if (teachersPieces) {
                throw new ParameterException(spec.commandLine(), "the teacher is not BERT-family: it has no word"
                        + " pieces to give the student (" + vocabularyOption + ")");
            }
            log.printf("the teacher is not BERT-family: the student's embeddings start random%n");
            return null;
        }
        if (studentVocabulary == VocabularySource.TEACHER) {
            return embeddings.withVocabulary(options.vocabularySize());
        }
        if (teacherWords > 0) {
            // Learned here as the trainer would learn it, so that the teacher's words can join it.
            List<String> learned = new WordPieceTrainer(options.vocabularySize(), options.minFrequency())
                    .learnVocabulary(trainTexts);
            return embeddings.withWordsAdded(learned, teacherWords);
        }
        return embeddings;
    }

    /**
     * The teacher's whole words in the student's vocabulary that no training text holds, as texts for
     * the teacher to label, without any the validation or evaluation data hold as a whole text.
     */
    private static List<String> unseenWords(TeacherEmbeddings embeddings, List<String> trainTexts,
            ValidationSplit split, LabelledDataset evaluation, PrintWriter log) {
        Set<String> seen = new HashSet<>();
        for (String text : trainTexts) {
            seen.addAll(Arrays.asList(text.toLowerCase(Locale.ROOT).split("[^\\p{L}]+")));
        }
        List<String> unseen = embeddings.sharedWords().stream().filter(word -> !seen.contains(word)).toList();
        log.printf("word texts: %d of the student's words are in no training text%n", unseen.size());
        return unlabelled(unseen, split, evaluation, log);
    }

    /**
     * The given unlabelled texts, once each, without those the training, validation or evaluation data
     * hold: the teacher's logits for a validation text would leak it into the student.
     */
    private static List<String> unlabelled(List<String> texts, ValidationSplit split, LabelledDataset evaluation,
            PrintWriter log) {
        Set<String> known = new HashSet<>();
        for (LabelledDataset data : Arrays.asList(split.train(), split.validation(), evaluation)) {
            if (data != null) {
                data.examples().forEach(example -> known.add(example.text()));
            }
        }
        Set<String> kept = new LinkedHashSet<>();
        int dropped = 0;
        for (String text : texts) {
            if (known.contains(text)) {
                dropped++;
            } else {
                kept.add(text);
            }
        }
        log.printf("unlabelled texts: %d kept, %d dropped as training, validation or evaluation texts, %d repeats"
                + " dropped%n", kept.size(), dropped, texts.size() - dropped - kept.size());
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

    /** The rows with their logits in the student's label order; any columns after the logits as they were. */
    private static float[][] reorder(float[][] rows, int[] columns) {
        float[][] out = new float[rows.length][];
        for (int row = 0; row < rows.length; row++) {
            out[row] = rows[row].clone();
            for (int c = 0; c < columns.length; c++) {
                out[row][c] = rows[row][columns[c]];
            }
        }
        return out;
    }
}
