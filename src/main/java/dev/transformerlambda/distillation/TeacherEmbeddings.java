package dev.transformerlambda.distillation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.transformerlambda.model.BertClassifier;
import dev.transformerlambda.model.Pooling;
import dev.transformerlambda.model.TextClassifier;
import dev.transformerlambda.model.TokenizerVocabulary;
import dev.transformerlambda.model.WordPieceTrainer;
import dev.transformerlambda.training.StudentEmbeddings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A BERT teacher's knowledge of word pieces, as a starting point for a student's embeddings: each
 * of the student's pieces takes the teacher's row for the same piece, or the mean of the rows of
 * the pieces the teacher's vocabulary splits it into, and the rows are projected onto their top
 * principal directions to the student's width. Both vocabularies are BERT-style WordPiece
 * ({@code ##} marks a continuation), so most pieces match exactly.
 *
 * <p>A row is either the teacher's input embedding of the piece ({@link #of}) or what the whole
 * teacher makes of the piece alone ({@link #outputsOf}): its pooled output for {@code [CLS] piece
 * [SEP]}, the way Model2Vec distils a static embedding from a sentence encoder. A fine-tuned
 * teacher's outputs carry its task (a sentiment teacher's row for "dreadful" points where negative
 * texts do), which input embeddings, learned before the task, do not.
 *
 * <p>The student may also take its vocabulary from the teacher ({@link #withVocabulary}): the
 * teacher's most frequent pieces (a BERT vocabulary lists words in frequency order after its
 * characters), every single character among them so that any word still splits into known pieces.
 * Words the training texts never show then keep the teacher's row instead of being cut into pieces
 * the student learned from a few thousand sentences.
 */
public final class TeacherEmbeddings implements StudentEmbeddings {

    private static final int PIECES_PER_BATCH = 512;

    private final Map<String, Integer> vocabulary;
    private final float[] table;
    private final int width;
    private final String source;
    private final List<String> studentVocabulary;

    TeacherEmbeddings(Map<String, Integer> vocabulary, float[] table, int width, String source,
            List<String> studentVocabulary) {
        this.vocabulary = vocabulary;
        this.table = table;
        this.width = width;
        this.source = source;
        this.studentVocabulary = studentVocabulary;
    }

    /** The word embeddings of {@code model}, if it is a BERT-family model; empty otherwise. */
    public static Optional<TeacherEmbeddings> of(TextClassifier model, Path tokenizerJson) throws IOException {
        if (!(model.block() instanceof BertClassifier bert)) {
            return Optional.empty();
        }
        Parameter words = bert.encoder().huggingFaceParameters().get("embeddings.word_embeddings.weight");
        return Optional.of(new TeacherEmbeddings(TokenizerVocabulary.read(tokenizerJson), words.getArray().toFloatArray(),
                (int) words.getArray().getShape().get(1), "the word embeddings of " + nameOf(model), null));
    }

    /**
     * What {@code model}, if it is a BERT-family model, makes of each of its word pieces alone: the
     * pooled last hidden state of {@code [CLS] piece [SEP]}, rescaled to the spread of its input
     * embeddings (the scale the student's other weights start at); empty for another model.
     */
    public static Optional<TeacherEmbeddings> outputsOf(TextClassifier model, Path tokenizerJson) throws IOException {
        if (!(model.block() instanceof BertClassifier bert)) {
            return Optional.empty();
        }
        Map<String, Integer> vocabulary = TokenizerVocabulary.read(tokenizerJson);
        NDArray words = bert.encoder().huggingFaceParameters().get("embeddings.word_embeddings.weight").getArray();
        int pieces = (int) words.getShape().get(0);
        int width = (int) words.getShape().get(1);
        float[] table = new float[pieces * width];
        long cls = vocabulary.get("[CLS]");
        long sep = vocabulary.get("[SEP]");
        Pooling pooling = model.manifest().hyperparameters().pooling();
        try (NDManager manager = NDManager.newBaseManager(words.getDevice())) {
            ParameterStore parameters = new ParameterStore(manager, false);
            for (int from = 0; from < pieces; from += PIECES_PER_BATCH) {
                int to = Math.min(pieces, from + PIECES_PER_BATCH);
                long[][] ids = new long[to - from][];
                long[][] mask = new long[to - from][];
                for (int i = from; i < to; i++) {
                    ids[i - from] = new long[] {cls, i, sep};
                    mask[i - from] = new long[] {1, 1, 1};
                }
                try (NDManager batch = manager.newSubManager()) {
                    NDArray realTokens = batch.create(mask);
                    NDArray hidden = bert.encoder().forward(parameters, new NDList(batch.create(ids), realTokens),
                            false).head();
                    float[] pooled = pooling.pool(hidden, realTokens.toType(DataType.FLOAT32, false)).toFloatArray();
                    System.arraycopy(pooled, 0, table, from * width, pooled.length);
                }
            }
        }
        scaleToSpread(table, words.toFloatArray());
        return Optional.of(new TeacherEmbeddings(vocabulary, table, width, "the outputs of " + nameOf(model)
                + " for each word piece alone", null));
    }

    private static String nameOf(TextClassifier model) {
        return model.manifest().name() + " " + model.manifest().version();
    }

    /** Scales {@code table} in place so that its root mean square is that of {@code like}. */
    private static void scaleToSpread(float[] table, float[] like) {
        double scale = Math.sqrt(meanSquare(like) / meanSquare(table));
        for (int i = 0; i < table.length; i++) {
            table[i] *= (float) scale;
        }
    }

    private static double meanSquare(float[] values) {
        double sum = 0;
        for (float value : values) {
            sum += (double) value * value;
        }
        return sum / values.length;
    }

    /**
     * These embeddings with the teacher's vocabulary as the student's: this trainer's special tokens,
     * then every single-character piece, then the teacher's other pieces in its id order, {@code
     * size} in all.
     */
    public TeacherEmbeddings withVocabulary(int size) {
        LinkedHashSet<String> pieces = new LinkedHashSet<>(WordPieceTrainer.SPECIAL_TOKENS);
        for (String piece : piecesById()) {
            if (piece.codePointCount(0, piece.length()) == 1
                    || piece.startsWith("##") && piece.codePointCount(2, piece.length()) == 1) {
                pieces.add(piece);
            }
        }
        if (pieces.size() > size) {
            throw new IllegalArgumentException("a vocabulary of " + size + " pieces cannot hold the teacher's "
                    + pieces.size() + " single characters and the special tokens");
        }
        for (String piece : piecesById()) {
            if (pieces.size() == size) {
                break;
            }
            if (!isReserved(piece)) {
                pieces.add(piece);
            }
        }
        return new TeacherEmbeddings(vocabulary, table, width, source, List.copyOf(pieces));
    }

    /**
     * These embeddings with a student vocabulary of {@code learned} pieces and then the teacher's
     * {@code count} most frequent whole words that {@code learned} lacks: words the training texts
     * never show get a piece of their own, and the teacher's row for it.
     */
    public TeacherEmbeddings withWordsAdded(List<String> learned, int count) {
        Set<String> known = new HashSet<>(learned);
        List<String> pieces = new ArrayList<>(learned);
        for (String piece : piecesById()) {
            if (pieces.size() == learned.size() + count) {
                break;
            }
            if (isWholeWord(piece) && !known.contains(piece)) {
                pieces.add(piece);
            }
        }
        return new TeacherEmbeddings(vocabulary, table, width, source, List.copyOf(pieces));
    }

    /**
     * The whole words of the student's vocabulary that are the teacher's too, in the student's order;
     * none when the student learns its vocabulary alone.
     */
    public List<String> sharedWords() {
        return studentVocabulary == null ? List.of()
                : studentVocabulary.stream().filter(piece -> isWholeWord(piece) && vocabulary.containsKey(piece)).toList();
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

    /** BERT's own special and placeholder tokens ({@code [MASK]}, {@code [unused12]}). */
    private static boolean isReserved(String piece) {
        return piece.startsWith("[") && piece.endsWith("]");
    }

    @Override
    public Optional<List<String>> vocabulary() {
        return Optional.ofNullable(studentVocabulary);
    }

    @Override
    public String describe() {
        return source + " (" + width + " wide), projected on their principal directions"
                + (studentVocabulary == null ? "" : ", for a vocabulary of " + studentVocabulary.size()
                        + " pieces with the teacher's in it");
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
