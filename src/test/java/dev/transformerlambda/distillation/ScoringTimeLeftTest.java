package dev.transformerlambda.distillation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScoringTimeLeftTest {

    private static final int BATCH = 64;

    /** A batch's characters, each text padded to the longest (the last, as the texts are sorted). */
    private static long padded(int[] lengths, int batch) {
        return (long) BATCH * lengths[Math.min(lengths.length, (batch + 1) * BATCH) - 1];
    }

    @Test
    void whenAPaddedCharacterCostsTheSameAtEveryLengthTheTimeLeftLiesInTheRange() {
        // Phrase-like lengths: many short texts, a tail of sentences.
        Random random = new Random(7);
        int[] lengths = random.ints(20_000, 0, 1000).map(r -> 1 + r * r / 4000).sorted().toArray();
        int batches = (lengths.length + BATCH - 1) / BATCH;
        long[] padded = new long[batches];
        double[] costs = new double[batches];
        for (int b = 0; b < batches; b++) {
            padded[b] = padded(lengths, b);
            costs[b] = 0.05 + 0.00002 * padded[b]; // an encoder's: a fixed part, and one per padded token
        }
        int window = 5;
        for (int done = window; done < batches; done++) {
            double seconds = Arrays.stream(costs, done - window, done).sum();
            long recent = Arrays.stream(padded, done - window, done).sum();
            long left = Arrays.stream(padded, done, batches).sum();
            double actual = Arrays.stream(costs, done, batches).sum();

            ScoringTimeLeft range = ScoringTimeLeft.of(seconds, window, recent, batches - done, left);

            assertTrue(range.low().toMillis() <= Math.ceil(actual * 1000), done + ": " + range + ", took " + actual);
            assertTrue(range.high().toMillis() >= Math.floor(actual * 1000), done + ": " + range + ", took " + actual);
        }
    }

    @Test
    void readsAsARangeOfMinutes() {
        ScoringTimeLeft left = ScoringTimeLeft.of(10, 20, 10_000, 600, 1_200_000);

        assertEquals(Duration.ofMinutes(5), left.low());
        assertEquals(Duration.ofMinutes(20), left.high());
        assertEquals("5:00 to 20:00", left.toString());
    }
}
