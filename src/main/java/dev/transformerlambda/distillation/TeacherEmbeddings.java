package dev.transformerlambda.distillation;

import ai.djl.nn.Parameter;
import dev.transformerlambda.model.BertClassifier;
import dev.transformerlambda.model.TextClassifier;
import dev.transformerlambda.model.TokenizerVocabulary;
import dev.transformerlambda.training.StudentEmbeddings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A BERT teacher's knowledge of word pieces, as a starting point for a student's embeddings: each
 * of the student's pieces takes the teacher's row for the same piece, or the mean of the rows of
 * the pieces the teacher's vocabulary splits it into, and the rows are projected onto their top
 * principal directions to the student's width. Both vocabularies are BERT-style WordPiece
 * ({@code ##} marks a continuation), so most pieces match exactly.
 *
 *
 * <p>The same rows find each word's nearest words, which augmentation puts in its place. What the
 * teacher makes of each piece alone, and the teacher's vocabulary as the student's, measured no
 * better (docs/distillation.md).
 */
public final class TeacherEmbeddings implements StudentEmbeddings {

    private final Map<String, Integer> vocabulary;
    private final float[] table;
    private final int width;
    private final String source;

    TeacherEmbeddings(Map<String, Integer> vocabulary, float[] table, int width, String source) {
        this.vocabulary = vocabulary;
        this.table = table;
        this.width = width;
        this.source = source;
    }

    /** The word embeddings of {@code model}, if it is a BERT-family model; empty otherwise. */
    public static Optional<TeacherEmbeddings> of(TextClassifier model, Path tokenizerJson) throws IOException {
        if (!(model.block() instanceof BertClassifier bert)) {
            return Optional.empty();
        }
        Parameter words = bert.encoder().huggingFaceParameters().get("embeddings.word_embeddings.weight");
        return Optional.of(new TeacherEmbeddings(TokenizerVocabulary.read(tokenizerJson), words.getArray().toFloatArray(),
                (int) words.getArray().getShape().get(1), "the word embeddings of " + nameOf(model)));
    }

    private static String nameOf(TextClassifier model) {
        return model.manifest().name() + " " + model.manifest().version();
    }

    /**
     * For each of {@code words} that is one of the teacher's whole words, the {@code count} nearest
     * of its other whole words by the cosine of these rows: the words an {@link Augmenter} may put in
     * its place.
     */
    public WordNeighbours neighbours(Collection<String> words, int count) {
        List<String> candidates = piecesById().stream().filter(TeacherEmbeddings::isWholeWord).toList();
        List<String> queries = words.stream().distinct()
                .filter(word -> isWholeWord(word) && vocabulary.containsKey(word)).sorted().toList();
        return WordNeighbours.nearest(queries, rowsOf(queries), candidates, rowsOf(candidates), count, source);
    }

    private float[][] rowsOf(List<String> pieces) {
        return pieces.stream().map(this::teacherRow).toArray(float[][]::new);
    }

    /** A piece that is a word of two letters or more, not a character or a word's continuation. */
    public static boolean isWholeWord(String piece) {
        return piece.length() > 1 && piece.chars().allMatch(Character::isLetter);
    }

    /** The teacher's pieces in id order, which a BERT vocabulary keeps by frequency after its characters. */
    private List<String> piecesById() {
        List<String> byId = new ArrayList<>(vocabulary.keySet());
        byId.sort(Comparator.comparingInt(vocabulary::get));
        return byId;
    }

    @Override
    public String describe() {
        return source + " (" + width + " wide), projected on their principal directions";
    }

    @Override
    public float[][] rows(List<String> studentVocabulary, int studentWidth) {
        float[][] rows = new float[studentVocabulary.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = teacherRow(studentVocabulary.get(i));
        }
        return PrincipalDirections.project(rows, Math.min(studentWidth, width), studentWidth);
    }

    /** The teacher's row for a piece, or the mean of the rows of the pieces it splits into. */
    private float[] teacherRow(String piece) {
        Integer id = vocabulary.get(piece);
        List<Integer> ids = id != null ? List.of(id) : split(piece);
        if (ids.isEmpty()) {
            ids = List.of(vocabulary.getOrDefault("[UNK]", 0));
        }
        float[] row = new float[width];
        for (int token : ids) {
            for (int e = 0; e < width; e++) {
                row[e] += table[token * width + e] / ids.size();
            }
        }
        return row;
    }

    /** Greedy longest-match-first WordPiece over the teacher's vocabulary, as BERT tokenizes. */
    private List<Integer> split(String piece) {
        boolean continuation = piece.startsWith("##");
        String rest = continuation ? piece.substring(2) : piece;
        List<Integer> ids = new ArrayList<>();
        int start = 0;
        while (start < rest.length()) {
            Integer found = null;
            int end = rest.length();
            for (; end > start; end--) {
                String candidate = (start > 0 || continuation ? "##" : "") + rest.substring(start, end);
                found = vocabulary.get(candidate);
                if (found != null) {
                    break;
                }
            }
            if (found == null) {
                return List.of();
            }
            ids.add(found);
            start = end;
        }
        return ids;
    }
}
