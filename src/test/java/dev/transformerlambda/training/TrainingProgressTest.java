package dev.transformerlambda.training;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingProgressTest {

    @Test
    void anEpochCutByTokensCountsItsOwnStepsAndTheEtaNeverGoesNegative() {
        StringWriter written = new StringWriter();
        // The estimate says 10 steps an epoch; this epoch's draw has 12, as token budgets do.
        TrainingProgress progress = new TrainingProgress(new PrintWriter(written), false, 2, 10);

        progress.epochStarted(12);
        for (int step = 1; step <= 12; step++) {
            progress.step(1, step, 32, 0.5f);
        }

        List<String> lines = written.toString().lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("epoch 1/2  step 12/12 "), last);
        assertFalse(lines.stream().anyMatch(line -> line.contains("ETA -") || line.contains(":-")), lines.toString());
    }

    @Test
    void theLastStepOfAnEpochIsAlwaysPrinted() {
        StringWriter written = new StringWriter();
        TrainingProgress progress = new TrainingProgress(new PrintWriter(written), false, 1, 100);

        progress.epochStarted(3);
        progress.step(1, 1, 8, 0.7f);
        progress.step(1, 2, 8, 0.6f);
        progress.step(1, 3, 8, 0.5f);

        // In a log a line is printed every 5 s, and at the end of the epoch whatever the pause.
        List<String> lines = written.toString().lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("epoch 1/1  step 3/3 ") && last.contains("ETA 0:00"), last);
    }
}
