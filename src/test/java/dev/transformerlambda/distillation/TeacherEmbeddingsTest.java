package dev.transformerlambda.distillation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.WordPieceTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A student's vocabulary and first embeddings taken from a BERT teacher's (here a small synthetic one). */
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
        assertTrue(embeddings.describe().contains("its vocabulary (64 pieces)"), embeddings.describe());
    }

    private static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }
}
