package dev.transformerlambda.distillation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A student's first embeddings and a word's neighbours, from a BERT teacher's synthetic word table. */
class TeacherEmbeddingsTest {

    private static final int WIDTH = 8;

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
        return new TeacherEmbeddings(ids, TABLE, WIDTH, "teacher 1");
    }

    private static float[] teacherRow(String piece) {
        int id = PIECES.indexOf(piece);
        float[] row = new float[WIDTH];
        System.arraycopy(TABLE, id * WIDTH, row, 0, WIDTH);
        return row;
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
    void aStudentsPieceTakesTheTeachersRowOrTheMeanOfItsPiecesAndTheProjectionKeepsTheirDistances() {
        List<String> student = List.of("[PAD]", "[UNK]", "the", "film", "terrific", "dreadfully", "good", "bad", "##s");

        // With as many components as the teacher has dimensions, the projection only centres and
        // rotates: the rows keep the teacher's distances.
        float[][] rows = teacher().rows(student, WIDTH);

        float[] dreadfully = new float[WIDTH];
        for (int e = 0; e < WIDTH; e++) {
            dreadfully[e] = (teacherRow("dreadful")[e] + teacherRow("##ly")[e]) / 2;
        }
        for (String other : List.of("good", "bad", "the", "##s")) {
            assertEquals(distance(teacherRow("terrific"), teacherRow(other)),
                    distance(rows[student.indexOf("terrific")], rows[student.indexOf(other)]), 1e-4, other);
            assertEquals(distance(dreadfully, teacherRow(other)),
                    distance(rows[student.indexOf("dreadfully")], rows[student.indexOf(other)]), 1e-4, other);
        }
        assertTrue(teacher().describe().startsWith("teacher 1 (8 wide), projected"), teacher().describe());
    }

    private static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }
}
