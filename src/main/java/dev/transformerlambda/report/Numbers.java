package dev.transformerlambda.report;

import java.util.Locale;

/**
 * How the report writes numbers: always with a point, never a locale's comma, and with the
 * precision the command line prints them, so the report and the terminal agree.
 */
final class Numbers {

    private Numbers() {}

    /** Accuracy, F1, precision, recall, loss: four decimals. */
    static String ratio(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : "n/a";
    }

    /** A learning rate or another small positive figure: three significant digits. */
    static String rate(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.3g", value) : "n/a";
    }

    /** Sentences per second and other large figures: a whole number. */
    static String whole(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.0f", value) : "n/a";
    }

    /** A duration in seconds, as minutes and seconds (or hours). */
    static String duration(double seconds) {
        long total = Math.round(seconds);
        return total >= 3600 ? String.format(Locale.ROOT, "%d h %02d min %02d s", total / 3600, total / 60 % 60, total % 60)
                : total >= 60 ? String.format(Locale.ROOT, "%d min %02d s", total / 60, total % 60)
                : total + " s";
    }
}
