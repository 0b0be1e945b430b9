package dev.transformerlambda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.data.DatasetReader;
import dev.transformerlambda.data.LabelledText;
import dev.transformerlambda.digest.Sha256;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.DefaultModelTest;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import dev.transformerlambda.report.ReportChecks;
import dev.transformerlambda.training.TinyModels;
import dev.transformerlambda.metrics.EmfSpecification;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import picocli.CommandLine;

/**
 * {@code distill} on a few dozen of the fixture's sentences, with the committed SST-2 model
 * (trained on thousands) as the teacher: the setting distillation is for, a teacher that knows
 * more than the student's labelled data can teach it.
 */
class DistillCommandTest {

    private static final Path TEACHER = DefaultModelTest.DEFAULT_MODEL;
    private static final List<String> STUDENT = List.of("--layers", "1", "--width", "32", "--heads", "2",
            "--ffn-size", "64", "--max-length", "32", "--vocabulary-size", "300", "--epochs", "6", "--batch-size", "16",
            "--learning-rate", "0.003", "--dropout", "0.1", "--patience", "6", "--seed", "5");

    @TempDir
    Path dir;

    @Test
    void aDistilledStudentAgreesWithItsTeacherMoreThanAStudentOfTheLabelsAlone() throws Exception {
        Path train = smallTrainingSet(24);
        Path distilled = dir.resolve("distilled");
        Path plain = dir.resolve("plain");
        String output = run(train, "distill", "--teacher", TEACHER.toString(), "--augment-per-text", "20",
                "--label-weight", "0", "--teacher-cache", dir.resolve("cache").toString(), "--output",
                distilled.toString());
        run(train, "train", "--output", plain.toString());

        List<String> heldOut = texts("sentiment-dev.tsv");
        List<Prediction> teacher = predict(TEACHER, heldOut);
        double distilledAgreement = agreement(teacher, predict(distilled, heldOut));
        double plainAgreement = agreement(teacher, predict(plain, heldOut));
        System.out.printf("agreement with the teacher on %d held-out texts: distilled %.3f, labels alone %.3f%n",
                heldOut.size(), distilledAgreement, plainAgreement);
        assertTrue(distilledAgreement > plainAgreement,
                "distilled " + distilledAgreement + " against " + plainAgreement + "\n" + output);

        ArtifactManifest manifest = ModelArtifact.verify(distilled);
        ArtifactManifest teacherManifest = ModelArtifact.verify(TEACHER);
        assertEquals(teacherManifest.name(), manifest.lineage().teacher().name());
        assertEquals(teacherManifest.version(), manifest.lineage().teacher().origin());
        assertEquals(Sha256.of(TEACHER.resolve(ModelArtifact.MANIFEST)), manifest.lineage().teacher().sha256());
        assertTrue(manifest.lineage().distillation().augmentedTexts() > 500,
                "augmented: " + manifest.lineage().distillation().augmentedTexts());
        assertTrue(manifest.lineage().distillation().augmentation().contains("20 per text"));
        assertEquals("mean squared error of centred logits", manifest.lineage().distillation().loss());
        assertEquals(manifest.metrics().examples(), manifest.lineage().distillation().teacherMetrics().examples(),
                "both scored on the same evaluation data");

        // The report: listed, the manifest's numbers, the teacher named and scored beside the student.
        Path report = distilled.resolve(ModelArtifact.REPORT);
        String reportSha256 = Sha256.of(report);
        assertTrue(manifest.files().stream().anyMatch(f -> f.path().equals(ModelArtifact.REPORT)
                && f.sha256().equals(reportSha256)), "listed with its sha256");
        String html = Files.readString(report);
        Document document = ReportChecks.parse(html);
        ReportChecks.assertSelfContained(document, html);
        ReportChecks.assertNumbersMatch(document, manifest);
        List<String> pointers = ReportChecks.pointers(document);
        for (String shown : List.of("/lineage/teacher/name", "/lineage/teacher/origin", "/lineage/teacher/sha256",
                "/lineage/distillation/augmentedTexts", "/lineage/distillation/teacherMetrics/accuracy",
                "/training/history/0/trainLoss")) {
            assertTrue(pointers.contains(shown), shown + ": " + pointers);
        }
        // distill prints the same per-epoch metrics lines as train.
        List<String> emf = output.lines().filter(line -> line.startsWith("{")).toList();
        assertEquals(manifest.training().history().size(), emf.size(), output);
        for (String line : emf) {
            EmfSpecification.validate(line);
        }
    }

    @Test
    void unlabelledAndAugmentedTextsAreLabelledByTheTeacherOnceEachAndNeverOneTheStudentIsChosenOrScoredOn()
            throws Exception {
        Path train = smallTrainingSet(4);
        List<String> sentences = Files.readAllLines(train).stream().skip(1).map(line -> line.split("\t", 2)[1]).toList();
        String trainingText = sentences.get(0);
        // Evaluation texts that augmentation would make: every word and pair of words of the training texts.
        List<String> evaluation = new ArrayList<>(List.of("label\ttext"));
        Set<String> bits = new LinkedHashSet<>();
        for (String sentence : sentences) {
            String[] words = sentence.split(" ");
            for (int i = 0; i < words.length; i++) {
                bits.add(words[i]);
                if (i + 1 < words.length) {
                    bits.add(words[i] + " " + words[i + 1]);
                }
            }
        }
        bits.forEach(bit -> evaluation.add((evaluation.size() % 2 == 0 ? "positive" : "negative") + "\t" + bit));
        Path eval = Files.write(dir.resolve("bits.tsv"), evaluation);
        String evaluationText = bits.iterator().next();
        Path unlabelled = Files.write(dir.resolve("unlabelled.tsv"), List.of("text", "a film nobody labelled .",
                trainingText, "another unlabelled sentence about a movie .", evaluationText, "a film nobody labelled ."));
        Path distilled = dir.resolve("distilled");

        List<String> oneEpoch = new ArrayList<>(STUDENT);
        oneEpoch.set(oneEpoch.indexOf("--epochs") + 1, "1");
        List<String> args = new ArrayList<>(List.of("distill", "--data", train.toString(), "--eval-data",
                eval.toString(), "--teacher", TEACHER.toString(), "--augment-per-text", "20",
                "--teacher-cache", dir.resolve("cache").toString(), "--unlabelled-data", unlabelled.toString(),
                "--typos", "0", "--output", distilled.toString()));
        args.addAll(oneEpoch);
        Execution run = execute(args);
        assertEquals(0, run.exit(), run.out());

        assertTrue(run.out().contains("unlabelled texts: 2 kept, 2 dropped as training, validation or evaluation"
                + " texts, 1 repeats dropped"), run.out());
        Matcher augmented = Pattern.compile("augmented texts: (\\d+) kept, (\\d+) dropped").matcher(run.out());
        assertTrue(augmented.find(), run.out());
        assertTrue(Integer.parseInt(augmented.group(2)) > 0, "n-grams that are evaluation texts dropped: " + run.out());
        ArtifactManifest.Distillation distillation = ModelArtifact.verify(distilled).lineage().distillation();
        assertEquals(2, distillation.unlabelledTexts());
        Matcher fromUnlabelled = Pattern.compile("augmented unlabelled texts: (\\d+) kept").matcher(run.out());
        assertTrue(fromUnlabelled.find(), run.out());
        assertEquals(Integer.parseInt(augmented.group(1)) + Integer.parseInt(fromUnlabelled.group(1)),
                distillation.augmentedTexts());
        assertEquals("mean squared error of centred logits", distillation.loss());
    }

    @Test
    void aBertTeacherGivesTheStudentItsWordEmbeddingsAndItsNearestWordsAndOnlySentencesAreAugmented()
            throws Exception {
        Path teacher = TinyModels.fineTuned(dir.resolve("bert-teacher"), 4);
        Path train = smallTrainingSet(4);
        // The sentences' phrases, each sentence a tree of its own: trained on, never augmented.
        List<String> phrases = new ArrayList<>(List.of("label\ttext\tsentence"));
        List<String> rows = Files.readAllLines(train).stream().skip(1).toList();
        for (int tree = 0; tree < rows.size(); tree++) {
            String[] row = rows.get(tree).split("\t", 2);
            String[] words = row[1].split(" ");
            phrases.add(row[0] + "\t" + row[1] + "\t" + tree);
            phrases.add(row[0] + "\t" + String.join(" ", List.of(words).subList(0, words.length / 2)) + "\t" + tree);
        }
        Path phraseFile = Files.write(dir.resolve("phrases.tsv"), phrases);
        Path distilled = dir.resolve("distilled");
        List<String> options = new ArrayList<>(STUDENT);
        options.set(options.indexOf("--epochs") + 1, "1");
        List<String> args = new ArrayList<>(List.of("distill", "--data", train.toString(), "--data",
                phraseFile.toString(), "--val-fraction", "0.25", "--teacher", teacher.toString(),
                "--augment-per-text", "2", "--teacher-cache", dir.resolve("cache").toString(), "--output",
                distilled.toString()));
        args.addAll(options);
        Execution run = execute(args);
        assertEquals(0, run.exit(), run.out());

        ArtifactManifest manifest = ModelArtifact.verify(distilled);
        ArtifactManifest.Distillation distillation = manifest.lineage().distillation();
        assertTrue(distillation.studentEmbeddings().startsWith("the word embeddings of sst2"),
                distillation.studentEmbeddings());
        assertTrue(distillation.augmentation().contains("replace 0.30 (one of the 15 nearest words in the word"
                + " embeddings of sst2"), distillation.augmentation());
        assertTrue(distillation.augmentation().contains("from the 6 training sentences,"), distillation.augmentation());
        assertTrue(run.out().contains("word neighbours: "), run.out());
        assertEquals(List.of(train.toString(), phraseFile.toString()),
                manifest.training().dataFiles().stream().map(ArtifactManifest.DataFile::location).toList());
        assertEquals(12, manifest.training().trainExamples(), "6 sentences and their halves, once each");
    }

    @Test
    void misspeltCopiesOfTheTrainingTextsLearnTheTeachersLogitsOfTheCleanTextWithNoMoreTeacherScoring()
            throws Exception {
        Path train = smallTrainingSet(8);
        Path distilled = dir.resolve("misspelt");
        List<String> args = new ArrayList<>(List.of("distill", "--data", train.toString(), "--teacher",
                TEACHER.toString(), "--augment-per-text", "0", "--typos", "0.5", "--teacher-cache",
                dir.resolve("cache").toString(), "--output", distilled.toString()));
        List<String> oneEpoch = new ArrayList<>(STUDENT);
        oneEpoch.set(oneEpoch.indexOf("--epochs") + 1, "1");
        args.addAll(oneEpoch);

        Execution run = execute(args);

        assertEquals(0, run.exit(), run.out());
        Matcher copies = Pattern.compile("misspelt copies: (\\d+) of (\\d+) training texts").matcher(run.out());
        assertTrue(copies.find(), run.out());
        int misspelt = Integer.parseInt(copies.group(1));
        assertTrue(misspelt > 0, run.out());
        Matcher scored = Pattern.compile("teacher logits: (\\d+)/(\\d+) texts").matcher(run.out());
        String lastScored = null;
        while (scored.find()) {
            lastScored = scored.group(2);
        }
        assertEquals(copies.group(2), lastScored, "the teacher scores the training texts alone: " + run.out());
        ArtifactManifest.Distillation distillation = ModelArtifact.verify(distilled).lineage().distillation();
        assertEquals(misspelt, distillation.augmentedTexts());
        assertTrue(distillation.augmentation().contains(misspelt + " misspelt copies"), distillation.augmentation());
    }

    @Test
    void retiredLeversAreUnknownOptions() throws Exception {
        Path train = smallTrainingSet(4);
        for (String retired : List.of("--temperature", "--feature-weight", "--teacher-words", "--student-vocabulary",
                "--student-embeddings", "--longest-ngram", "--replace-with")) {
            Execution run = execute(List.of("distill", "--data", train.toString(), "--teacher", TEACHER.toString(),
                    retired, "1", "--output", dir.resolve("refused").toString()));
            assertEquals(2, run.exit(), run.out());
            assertTrue(run.out().contains("Unknown options: '" + retired + "'"), run.out());
            assertTrue(Files.notExists(dir.resolve("refused")), "nothing written");
        }
    }

    /** The first {@code perLabel} sentences of each label of the training fixture, as a TSV file. */
    private Path smallTrainingSet(int perLabel) throws Exception {
        List<String> lines = new ArrayList<>(List.of("label\ttext"));
        try (InputStream in = DistillCommandTest.class.getResourceAsStream("/fixtures/sentiment-train.tsv")) {
            List<LabelledText> examples = DatasetReader.read("sentiment-train.tsv", in).examples();
            for (String label : List.of("negative", "positive")) {
                examples.stream().filter(e -> e.label().equals(label)).limit(perLabel)
                        .forEach(e -> lines.add(e.label() + "\t" + e.text()));
            }
        }
        return Files.write(dir.resolve("small-train.tsv"), lines);
    }

    private String run(Path train, String command, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(command, "--data", train.toString(),
                "--eval-data", fixture("sentiment-dev.tsv")));
        args.addAll(List.of(options));
        args.addAll(STUDENT);
        Execution run = execute(args);
        assertEquals(0, run.exit(), run.out());
        return run.out();
    }

    /** A command's exit code and everything it printed. */
    private record Execution(int exit, String out) {}

    private static Execution execute(List<String> args) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(out, true));
        int exit = commandLine.execute(args.toArray(String[]::new));
        return new Execution(exit, out.toString());
    }

    private static List<Prediction> predict(Path model, List<String> texts) throws Exception {
        try (TextClassifier classifier = ModelArtifact.load(model)) {
            return classifier.predict(texts);
        }
    }

    private static double agreement(List<Prediction> teacher, List<Prediction> student) {
        long same = 0;
        for (int i = 0; i < teacher.size(); i++) {
            if (teacher.get(i).label().equals(student.get(i).label())) {
                same++;
            }
        }
        return (double) same / teacher.size();
    }

    private static List<String> texts(String fixture) throws Exception {
        try (InputStream in = DistillCommandTest.class.getResourceAsStream("/fixtures/" + fixture)) {
            return DatasetReader.read(fixture, in).examples().stream().map(LabelledText::text).toList();
        }
    }

    private static String fixture(String name) throws Exception {
        return Path.of(DistillCommandTest.class.getResource("/fixtures/" + name).toURI()).toString();
    }
}
