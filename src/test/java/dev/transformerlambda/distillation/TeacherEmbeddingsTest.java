package dev.transformerlambda.distillation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.TextClassifier;
import dev.transformerlambda.model.TokenizerVocabulary;
import dev.transformerlambda.model.WordPieceTrainer;
import dev.transformerlambda.training.TinyModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A student's vocabulary and first embeddings taken from a BERT teacher's (a synthetic table, or a
 * small BERT fine-tuned on the fixture).
 */
class TeacherEmbeddingsTest {

    private static final int WIDTH = 8;

    @TempDir
    Path dir;

    /** A BERT-layout vocabulary: specials and placeholders, characters, then words by frequency. */
    private static final List<String> PIECES = new ArrayList<>();
    private static final float[] TABLE;

    static {
        PIECES.addAll(List.of("[PAD]", "[unused0]", "[unused1]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        for (char c = 'a'; c <= 'z'; c++) {
            PIECES.add(String.valueOf(c));
        }
        PIECES.addAll(List.of("the", "film", "is", "good", "bad", "terrific", "dreadful", "##ly", "##ful"));
        for (char c = 'a'; c <= 'z'; c++) {
            PIECES.add("##" + c);
        }
        TABLE = new float[PIECES.size() * WIDTH];
        Random random = new Random(7);
        for (int i = 0; i < TABLE.length; i++) {
            TABLE[i] = (float) random.nextGaussian();
        }
    }

    private static TeacherEmbeddings teacher() {
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < PIECES.size(); i++) {
            ids.put(PIECES.get(i), i);
        }
        return new TeacherEmbeddings(ids, TABLE, WIDTH, "teacher 1", null);
    }

    private static float[] teacherRow(String piece) {
        int id = PIECES.indexOf(piece);
        float[] row = new float[WIDTH];
        System.arraycopy(TABLE, id * WIDTH, row, 0, WIDTH);
        return row;
    }

    @Test
    void theStudentsVocabularyIsTheTrainersSpecialsEveryCharacterThenTheTeachersWordsInOrder() {
        List<String> vocabulary = teacher().withVocabulary(60).vocabulary().orElseThrow();

        assertEquals(60, vocabulary.size());
        assertEquals(WordPieceTrainer.SPECIAL_TOKENS, vocabulary.subList(0, WordPieceTrainer.SPECIAL_TOKENS.size()));
        for (char c = 'a'; c <= 'z'; c++) {
            assertTrue(vocabulary.contains(String.valueOf(c)) && vocabulary.contains("##" + c), "character " + c);
        }
        assertFalse(vocabulary.contains("[MASK]") || vocabulary.contains("[unused0]"), vocabulary.toString());
        // 4 specials + 52 characters leave 4 places: the teacher's first words, in its order.
        assertEquals(List.of("the", "film", "is", "good"), vocabulary.subList(56, 60));
        assertThrows(IllegalArgumentException.class, () -> teacher().withVocabulary(40));
    }

    @Test
    void theTeachersWordsJoinALearnedVocabularyAfterItsOwnPiecesMostFrequentFirstAndNoneTwice() {
        List<String> learned = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "f", "##m", "film", "good", "plot");

        List<String> vocabulary = teacher().withWordsAdded(learned, 3).vocabulary().orElseThrow();

        // "the", "film", "is", "good", "bad" in the teacher's order; "film" and "good" are learned already.
        assertEquals(learned, vocabulary.subList(0, learned.size()), "the learned pieces keep their ids");
        assertEquals(List.of("the", "is", "bad"), vocabulary.subList(learned.size(), vocabulary.size()));
        assertTrue(TeacherEmbeddings.isWholeWord("bad") && !TeacherEmbeddings.isWholeWord("##ly")
                && !TeacherEmbeddings.isWholeWord("a") && !TeacherEmbeddings.isWholeWord("[MASK]"));
    }

    @Test
    void aWordsNeighboursAreTheTeachersOtherWholeWordsNearestByCosineAndAWordWithoutARowHasNone() {
        List<String> wholeWords = List.of("the", "film", "is", "good", "bad", "terrific", "dreadful");

        WordNeighbours neighbours = teacher().neighbours(List.of("good", "dreadful", "plot", "##ly", "good"), 3);

        for (String word : List.of("good", "dreadful")) {
            List<String> expected = wholeWords.stream().filter(other -> !other.equals(word))
                    .sorted(Comparator.comparingDouble(other -> -cosine(teacherRow(word), teacherRow(other))))
                    .limit(3).toList();
            assertEquals(expected, neighbours.of(word), word);
            assertTrue(expected.contains(neighbours.replace(word, new Random(1))), word);
        }
        assertEquals(List.of(), neighbours.of("plot"), "not the teacher's word");
        assertEquals(List.of(), neighbours.of("##ly"), "not a whole word");
        assertEquals("plot", neighbours.replace("plot", new Random(1)), "kept");
        assertTrue(neighbours.describe().contains("3 nearest words in teacher 1, for the 2 words"),
                neighbours.describe());
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return dot / Math.sqrt(aa * bb);
    }

    @Test
    void aWordTheTrainingTextsNeverShowKeepsItsOwnPieceAndTheTeachersRow() throws Exception {
        TeacherEmbeddings embeddings = teacher().withVocabulary(64);
        List<String> vocabulary = embeddings.vocabulary().orElseThrow();
        Path tokenizerJson = dir.resolve("tokenizer.json");
        WordPieceTrainer.writeTokenizerJson(vocabulary, tokenizerJson);

        try (HuggingFaceTokenizer tokenizer = ModelArtifact.openTokenizer(tokenizerJson, 32)) {
            assertEquals(List.of("[CLS]", "the", "film", "is", "terrific", "[SEP]"),
                    List.of(tokenizer.encode("The film is terrific").getTokens()));
            // Not in the student's 64 pieces: split into characters, never unknown.
            assertFalse(List.of(tokenizer.encode("dreadfully").getTokens()).contains(WordPieceTrainer.UNK));
        }

        // With as many components as the teacher has dimensions, the projection only centres and
        // rotates: the rows keep the teacher's distances, a word the training texts never show included.
        float[][] rows = embeddings.rows(vocabulary, WIDTH);
        for (String other : List.of("good", "bad", "the", "##ly", "##s")) {
            assertEquals(distance(teacherRow("terrific"), teacherRow(other)),
                    distance(rows[vocabulary.indexOf("terrific")], rows[vocabulary.indexOf(other)]), 1e-4, other);
        }
        assertTrue(embeddings.describe().contains("a vocabulary of 64 pieces"), embeddings.describe());
    }

    @Test
    void aRowFromTheTeachersOutputsCarriesWhatTheTeacherConcludesOfThatPieceAlone() throws Exception {
        Path teacherDir = TinyModels.fineTuned(dir.resolve("teacher"), 3);
        Path tokenizerJson = teacherDir.resolve(ModelArtifact.TOKENIZER);
        List<String> words = TokenizerVocabulary.read(tokenizerJson).keySet().stream()
                .filter(piece -> piece.length() > 1 && piece.chars().allMatch(Character::isLetter)).sorted().toList();
        try (TextClassifier teacher = ModelArtifact.load(teacherDir);
                Predictor<List<String>, float[][]> logits = teacher.newLogitsPredictor()) {
            int width = teacher.manifest().hyperparameters().width();
            assertTrue(words.size() > 4 * width, words.size() + " words, enough that no " + width
                    + "-wide rows fit any numbers by chance");
            float[][] teacherLogits = logits.predict(words);
            double[] margins = new double[words.size()];
            for (int i = 0; i < margins.length; i++) {
                margins[i] = teacherLogits[i][1] - teacherLogits[i][0];
            }
            // The teacher's head is linear and the projection (as wide as the teacher) only centres,
            // rotates and scales: the teacher's margin for a word alone is a linear function of its row.
            TeacherEmbeddings outputs = TeacherEmbeddings.outputsOf(teacher, tokenizerJson).orElseThrow();
            assertTrue(relativeResidual(outputs.rows(words, width), margins) < 1e-3, "fits");
            // The input embeddings, which the teacher's layers have not read yet, do not.
            TeacherEmbeddings inputs = TeacherEmbeddings.of(teacher, tokenizerJson).orElseThrow();
            assertTrue(relativeResidual(inputs.rows(words, width), margins) > 0.05, "input embeddings fit too");
            assertTrue(outputs.describe().contains("outputs of sst2"), outputs.describe());
        }
    }

    /**
     * How much of {@code y}'s spread a least-squares fit {@code y ~ rows . w + b} leaves unexplained
     * (root mean square residual over standard deviation).
     */
    private static double relativeResidual(float[][] rows, double[] y) {
        int n = rows.length;
        int k = rows[0].length + 1;
        double[][] normal = new double[k][k + 1];
        for (int i = 0; i < n; i++) {
            double[] x = features(rows[i]);
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    normal[a][b] += x[a] * x[b];
                }
                normal[a][k] += x[a] * y[i];
            }
        }
        double[] w = solve(normal);
        double mean = Arrays.stream(y).average().orElseThrow();
        double residual = 0;
        double spread = 0;
        for (int i = 0; i < n; i++) {
            double[] x = features(rows[i]);
            double fitted = 0;
            for (int a = 0; a < k; a++) {
                fitted += w[a] * x[a];
            }
            residual += (y[i] - fitted) * (y[i] - fitted);
            spread += (y[i] - mean) * (y[i] - mean);
        }
        return Math.sqrt(residual / spread);
    }

    private static double[] features(float[] row) {
        double[] x = new double[row.length + 1];
        for (int d = 0; d < row.length; d++) {
            x[d] = row[d];
        }
        x[row.length] = 1;
        return x;
    }

    /** Gaussian elimination with partial pivoting on an augmented matrix (k rows, k + 1 columns). */
    private static double[] solve(double[][] m) {
        int k = m.length;
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int row = col + 1; row < k; row++) {
                if (Math.abs(m[row][col]) > Math.abs(m[pivot][col])) {
                    pivot = row;
                }
            }
            double[] swap = m[col];
            m[col] = m[pivot];
            m[pivot] = swap;
            for (int row = col + 1; row < k; row++) {
                double factor = m[row][col] / m[col][col];
                for (int c = col; c <= k; c++) {
                    m[row][c] -= factor * m[col][c];
                }
            }
        }
        double[] w = new double[k];
        for (int row = k - 1; row >= 0; row--) {
            double sum = m[row][k];
            for (int c = row + 1; c < k; c++) {
                sum -= m[row][c] * w[c];
            }
            w[row] = sum / m[row][row];
        }
        return w;
    }

    private static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }
}
