package dev.transformerlambda.training;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * The progress line of a training run: epoch, step, running loss, sentences per second and the
 * time left. On a terminal it redraws one line; in a log (a Batch job, CI) it prints a line every
 * few seconds so the log stays readable.
 */
public final class TrainingProgress {

    private static final long PRINT_EVERY_NANOS = Duration.ofSeconds(5).toNanos();
    private static final long REDRAW_EVERY_NANOS = Duration.ofMillis(250).toNanos();

    private final PrintWriter out;
    private final boolean terminal;
    private final int epochs;
    private final int stepsPerEpoch;
    private final long start = System.nanoTime();
    private long lastPrint;
    private long sentences;
    private int stepsDone;
    private double lossSum;
    private int lossCount;
    private long epochStart;
    private long epochSentences;
    private int epochSteps;

    /**
     * @param stepsPerEpoch the estimate for epochs not drawn yet: cut by tokens, each epoch's draw
     *     has a few more or fewer steps
     */
    TrainingProgress(PrintWriter out, boolean terminal, int epochs, int stepsPerEpoch) {
        this.out = out;
        this.terminal = terminal;
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    /**
     * Marks the start of an epoch of {@code steps} steps, so its pace leaves out the validation
     * between epochs.
     */
    void epochStarted(int steps) {
        epochStart = System.nanoTime();
        epochSentences = 0;
        epochSteps = steps;
    }

    /** Records one optimiser step of {@code batchSize} sentences. */
    void step(int epoch, int step, int batchSize, float loss) {
        sentences += batchSize;
        epochSentences += batchSize;
        stepsDone++;
        lossSum += loss;
        lossCount++;
        long now = System.nanoTime();
        if (now - lastPrint >= (terminal ? REDRAW_EVERY_NANOS : PRINT_EVERY_NANOS) || step == epochSteps) {
            lastPrint = now;
            String line = line(epoch, step, now);
            if (terminal) {
                out.print("\r" + line + "   ");
                if (step == epochSteps) {
                    out.println();
                }
            } else {
                out.println(line);
            }
            out.flush();
        }
    }

    /** How an epoch's steps went: their mean loss, and sentences per second over them. */
    record EpochPace(double meanLoss, double sentencesPerSecond) {}

    /** The epoch since {@link #epochStarted()}, for its summary; starts the next loss average. */
    EpochPace takeEpoch() {
        double mean = lossCount == 0 ? Double.NaN : lossSum / lossCount;
        lossSum = 0;
        lossCount = 0;
        double seconds = (System.nanoTime() - epochStart) / 1e9;
        return new EpochPace(mean, epochSentences / Math.max(seconds, 1e-9));
    }

    private String line(int epoch, int step, long now) {
        double seconds = (now - start) / 1e9;
        double rate = sentences / Math.max(seconds, 1e-9);
        long remainingSteps = (epochSteps - step) + (long) (epochs - epoch) * stepsPerEpoch;
        double secondsPerStep = seconds / Math.max(stepsDone, 1);
        return String.format("epoch %d/%d  step %d/%d  loss %.4f  %.0f sentences/s  ETA %s (at most)",
                epoch, epochs, step, epochSteps, lossSum / Math.max(lossCount, 1), rate,
                format(Duration.ofMillis((long) (remainingSteps * secondsPerStep * 1000))));
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour. */
    public static String format(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds >= 3600
                ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format("%d:%02d", seconds / 60, seconds % 60);
    }
}
