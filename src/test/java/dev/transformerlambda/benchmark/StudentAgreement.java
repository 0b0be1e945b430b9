package dev.transformerlambda.benchmark;

import ai.djl.inference.Predictor;
import dev.transformerlambda.data.DatasetReader;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.LabelledText;
import dev.transformerlambda.data.ValidationSplit;
import dev.transformerlambda.distillation.Augmenter;
import dev.transformerlambda.evaluation.Evaluator;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Where a distilled student parts from its teacher: how often the two predict the same label on
 * the student's own training texts, on the validation data it chose its epoch on (carved as
 * {@code distill} carves it, or given), and on evaluation data, overall and for slices of the texts (length,
 * contrast, negation, words the training texts never show). A student that agrees on its training
 * texts far more often than on held-out ones is short of data or of a prior, not of capacity.
 * {@code scripts/student-agreement} runs this.
 */
@Command(name = "student-agreement", mixinStandardHelpOptions = true,
        description = "Prints a teacher's and a student's accuracy and agreement, per slice of the texts.")
public final class StudentAgreement implements Callable<Integer> {

    private static final int BATCH = 64;

    @Option(names = "--teacher", required = true, description = "The teacher's artifact directory.")
    Path teacher;

    @Option(names = "--student", required = true, description = "The student's artifact directory.")
    Path student;

    @Option(names = "--data", required = true, description = "The training data both were made from (repeat it"
            + " for several files, as given to distill).")
    List<Path> data;

    @Option(names = "--eval-data", description = "Evaluation data, also scored (read it once: it chooses nothing).")
    Path evalData;

    @Option(names = "--val-data", description = "The validation data, where distill was given one.")
    Path valData;

    @Option(names = "--val-fraction", defaultValue = "0.1", description = "As given to distill (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--seed", defaultValue = "42", description = "As given to distill (default: ${DEFAULT-VALUE}).")
    long seed;

    /** One text as both models saw it. */
    private record Scored(LabelledText example, String teacher, String student) {}

    @Override
    public Integer call() throws Exception {
        List<LabelledDataset> training = new ArrayList<>();
        for (Path file : data) {
            training.add(DatasetReader.read(file));
        }
        ValidationSplit split = valData == null ? ValidationSplit.carve(training, valFraction, seed)
                : ValidationSplit.given(training, DatasetReader.read(valData));
        Set<String> trainingWords = new HashSet<>();
        split.train().examples().forEach(e -> trainingWords.addAll(Arrays.asList(Augmenter.words(e.text()))));

        Map<String, LabelledDataset> parts = new LinkedHashMap<>();
        parts.put("training part", split.train());
        parts.put("validation split", split.validation());
        if (evalData != null) {
            parts.put("evaluation data", DatasetReader.read(evalData));
        }
        Map<String, Predicate<String>> slices = slices(trainingWords);

        System.out.println("| texts | slice | count | teacher accuracy | student accuracy | agreement |");
        System.out.println("|---|---|---|---|---|---|");
        try (TextClassifier teacherModel = ModelArtifact.load(teacher);
                TextClassifier studentModel = ModelArtifact.load(student)) {
            for (var part : parts.entrySet()) {
                List<Scored> scored = score(part.getValue().examples(), teacherModel, studentModel);
                for (var slice : slices.entrySet()) {
                    List<Scored> in = scored.stream().filter(s -> slice.getValue().test(s.example().text())).toList();
                    if (!in.isEmpty()) {
                        System.out.printf("| %s | %s | %d | %.3f | %.3f | %.3f |%n", part.getKey(), slice.getKey(),
                                in.size(), share(in, s -> s.teacher().equals(s.example().label())),
                                share(in, s -> s.student().equals(s.example().label())),
                                share(in, s -> s.student().equals(s.teacher())));
                    }
                }
            }
        }
        return 0;
    }

    private static Map<String, Predicate<String>> slices(Set<String> trainingWords) {
        Map<String, Predicate<String>> slices = new LinkedHashMap<>();
        slices.put("all", text -> true);
        slices.put("10 words or fewer", text -> Augmenter.words(text).length <= 10);
        slices.put("11 to 25 words", text -> {
            int words = Augmenter.words(text).length;
            return words > 10 && words <= 25;
        });
        slices.put("more than 25 words", text -> Augmenter.words(text).length > 25);
        slices.put("a contrast (but, though, yet)", text -> hasWord(text, Set.of("but", "though", "although", "yet")));
        slices.put("a negation (not, n't, no, never)", text -> hasWord(text, Set.of("not", "n't", "no", "never")));
        slices.put("a word the training part lacks", text -> !trainingWords.containsAll(Arrays.asList(Augmenter.words(text))));
        return slices;
    }

    private static boolean hasWord(String text, Set<String> words) {
        return Arrays.stream(Augmenter.words(text)).anyMatch(words::contains);
    }

    private static List<Scored> score(List<LabelledText> examples, TextClassifier teacher, TextClassifier student)
            throws Exception {
        List<String> texts = examples.stream().map(LabelledText::text).toList();
        List<String> byTeacher;
        List<String> byStudent;
        try (Predictor<List<String>, List<Prediction>> t = teacher.newPredictor();
                Predictor<List<String>, List<Prediction>> s = student.newPredictor()) {
            byTeacher = Evaluator.predictLabels(t, texts, BATCH);
            byStudent = Evaluator.predictLabels(s, texts, BATCH);
        }
        List<Scored> scored = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            scored.add(new Scored(examples.get(i), byTeacher.get(i), byStudent.get(i)));
        }
        return scored;
    }

    private static double share(List<Scored> scored, Predicate<Scored> test) {
        return scored.stream().filter(test).count() / (double) scored.size();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new StudentAgreement()).execute(args));
    }
}
