package dev.transformerlambda.training;

import dev.transformerlambda.evaluation.Evaluator;
import dev.transformerlambda.model.ArtifactManifest.Epoch;
import java.util.List;

/** The outcome of the optimisation loop: the best epoch, its validation scores, and every epoch run. */
record Fit(int bestEpoch, Evaluator.Result best, List<Epoch> history) {

    int epochs() {
        return history.size();
    }
}
