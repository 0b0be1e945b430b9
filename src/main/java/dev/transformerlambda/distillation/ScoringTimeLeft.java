package dev.transformerlambda.distillation;

import dev.transformerlambda.training.TrainingProgress;
import java.time.Duration;

/**
 * Bounds on the time left to score texts that come shortest first, from the pace of the batches
 * just scored. Every batch left is at least as long as those, so it costs at least what one of them
 * did: the lower bound. A batch is padded to its longest text, and its fixed cost spreads over more
 * characters as the texts grow, so a padded character left costs at most what one of them did: the
 * upper bound. (Attention's cost per character grows with length, but at a sentence's length it is a
 * small share of an encoder's.)
 */
record ScoringTimeLeft(Duration atLeast, Duration atMost) {

    /**
     * @param seconds how long the recent batches took
     * @param batches how many batches that was
     * @param padded their characters, each text padded to its batch's longest
     * @param batchesLeft batches not scored yet
     * @param paddedLeft the same for the batches not scored yet
     */
    static ScoringTimeLeft of(double seconds, int batches, long padded, int batchesLeft, long paddedLeft) {
        double perBatch = seconds / Math.max(batches, 1);
        double perPadded = seconds / Math.max(padded, 1);
        return new ScoringTimeLeft(Duration.ofMillis(Math.round(1000 * perBatch * batchesLeft)),
                Duration.ofMillis(Math.round(1000 * Math.max(perPadded * paddedLeft, perBatch * batchesLeft))));
    }

    @Override
    public String toString() {
        return TrainingProgress.format(atLeast) + " to " + TrainingProgress.format(atMost);
    }
}
