package dev.transformerlambda.distillation;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.transformerlambda.digest.Sha256;
import dev.transformerlambda.model.TextClassifier;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A teacher's logits for a list of texts, cached on disk under a key made of the teacher's
 * manifest and every text, so a rerun (or a resumed job) does not score them again and a different
 * teacher or different texts never reuse another's.
 */
public final class TeacherLogits {

    private static final int MAGIC = 0x544c4731; // "TLG1"
    private static final int BATCH = 64;
    private static final long PRINT_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    private TeacherLogits() {}

    /** The cache key of {@code texts} scored by the teacher whose manifest has {@code teacherSha256}. */
    public static String key(String teacherSha256, List<String> texts) {
        return Sha256.of(teacherSha256 + "\n" + String.join("\n", texts));
    }

    /**
     * The teacher's logits for {@code texts}, one row each, read from {@code cacheDir} if this key
     * was scored before, else scored now (in batches of similar length) and cached.
     */
    public static float[][] score(TextClassifier teacher, String key, List<String> texts, Path cacheDir,
            PrintWriter log) throws IOException, TranslateException {
        Path cached = cacheDir.resolve("teacher-logits-" + key + ".bin");
        if (Files.isRegularFile(cached)) {
            float[][] logits = read(cached, texts.size());
            if (logits != null) {
                log.printf("teacher logits: %d texts from the cache (%s)%n", texts.size(), cached);
                return logits;
            }
            log.printf("teacher logits: the cache %s does not fit these texts; scoring again%n", cached);
        }
        float[][] logits = scoreAll(teacher, texts, log);
        Files.createDirectories(cacheDir);
        Path partial = Files.createTempFile(cacheDir, ".teacher-logits-", ".partial");
        try {
            write(partial, logits);
            Files.move(partial, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
        return logits;
    }

    private static float[][] scoreAll(TextClassifier teacher, List<String> texts, PrintWriter log)
            throws TranslateException {
        // Batches of similar length waste little on padding; the rows go back in the texts' order.
        int[] order = IntStream.range(0, texts.size()).boxed()
                .sorted(Comparator.comparingInt(i -> texts.get(i).length())).mapToInt(Integer::intValue).toArray();
        float[][] logits = new float[texts.size()][];
        // The texts come shortest first, so the time left follows the pace of the last batches and the
        // lengths still to come: see ScoringTimeLeft.
        long paddedLeft = 0;
        for (int from = 0; from < order.length; from += BATCH) {
            paddedLeft += padded(texts, order, from);
        }
        long start = System.nanoTime();
        long lastPrint = start;
        int recentBatches = 0;
        long recentPadded = 0;
        try (Predictor<List<String>, float[][]> predictor = teacher.newLogitsPredictor()) {
            for (int from = 0; from < order.length; from += BATCH) {
                int to = Math.min(order.length, from + BATCH);
                List<String> batch = IntStream.range(from, to).mapToObj(i -> texts.get(order[i])).toList();
                float[][] rows = predictor.predict(batch);
                for (int i = from; i < to; i++) {
                    logits[order[i]] = rows[i - from];
                }
                recentBatches++;
                recentPadded += padded(texts, order, from);
                long now = System.nanoTime();
                if (now - lastPrint >= PRINT_EVERY_NANOS || to == order.length) {
                    paddedLeft -= recentPadded;
                    int batchesLeft = (order.length - to + BATCH - 1) / BATCH;
                    ScoringTimeLeft left = ScoringTimeLeft.of((now - lastPrint) / 1e9, recentBatches,
                            recentPadded, batchesLeft, paddedLeft);
                    log.printf("teacher logits: %d/%d texts, %.0f texts/s, ETA %s%n", to, order.length,
                            to / ((now - start) / 1e9), left);
                    log.flush();
                    lastPrint = now;
                    recentBatches = 0;
                    recentPadded = 0;
                }
            }
        }
        return logits;
    }

    /** The characters of the batch from {@code from}, each text padded to the batch's longest (its last). */
    private static long padded(List<String> texts, int[] order, int from) {
        return (long) BATCH * texts.get(order[Math.min(order.length, from + BATCH) - 1]).length();
    }

    private static void write(Path file, float[][] logits) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(MAGIC);
            out.writeInt(logits.length);
            out.writeInt(logits.length == 0 ? 0 : logits[0].length);
            for (float[] row : logits) {
                for (float value : row) {
                    out.writeFloat(value);
                }
            }
        }
    }

    /** The cached rows, or null if the file is not a cache of {@code rows} texts. */
    private static float[][] read(Path file, int rows) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC || in.readInt() != rows) {
                return null;
            }
            int classes = in.readInt();
            float[][] logits = new float[rows][classes];
            for (float[] row : logits) {
                for (int c = 0; c < classes; c++) {
                    row[c] = in.readFloat();
                }
            }
            return in.read() == -1 ? logits : null;
        } catch (java.io.EOFException e) {
            return null;
        }
    }
}
