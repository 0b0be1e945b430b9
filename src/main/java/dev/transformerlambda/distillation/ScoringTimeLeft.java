package dev.transformerlambda.distillation;

import dev.transformerlambda.training.TrainingProgress;
import java.time.Duration;

/**
 * A range for the time left to score texts that come shortest first, from the pace of the batches
 * just scored. Every batch left is at least as long as those, so it costs at least what one of them
 * did: the low end. A batch is padded to its longest text, and its fixed cost spreads over more
 * characters as the texts grow, so were the cost of a padded character the same at every length, one
 * left would cost at most what one of them did: the high end. It is not quite the same: the longest
 * batches of a real scoring ran past the high end (docs/accuracy.md; the cause not profiled), so the
 * range is an estimate, not a bound.
 */
record ScoringTimeLeft(Duration low, Duration high) {

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
        return TrainingProgress.format(low) + " to " + TrainingProgress.format(high);
    }
}
