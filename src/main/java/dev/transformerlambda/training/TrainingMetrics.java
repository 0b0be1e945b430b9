package dev.transformerlambda.training;

import dev.transformerlambda.metrics.EmbeddedMetrics;
import dev.transformerlambda.metrics.EmbeddedMetrics.Unit;
import dev.transformerlambda.model.ArtifactManifest.Epoch;
import java.time.Instant;

/**
 * An epoch's figures as one line of CloudWatch's Embedded Metric Format (EMF). A Batch job's
 * standard output goes to CloudWatch Logs through the awslogs driver, and CloudWatch turns each
 * such line into metrics (per model name) with no agent, no API call and no permission beyond
 * writing the log, so a run's curves can be graphed while it trains.
 */
final class TrainingMetrics {

    static final String NAMESPACE = "TransformerLambda/Training";
    static final String MODEL_DIMENSION = "Model";

    private TrainingMetrics() {}

    /** The EMF line of {@code epoch} of model {@code model}, timestamped {@code at}. */
    static String emf(String model, Epoch epoch, Instant at) {
        return EmbeddedMetrics.in(NAMESPACE)
                .dimensions(MODEL_DIMENSION)
                .dimension(MODEL_DIMENSION, model)
                .metric("Loss", epoch.trainLoss(), Unit.NONE)
                .metric("ValidationAccuracy", epoch.accuracy(), Unit.NONE)
                .metric("SentencesPerSecond", epoch.sentencesPerSecond(), Unit.COUNT_PER_SECOND)
                .metric("LearningRate", epoch.learningRate(), Unit.NONE)
                .property("Epoch", epoch.epoch())
                .toJson(at);
    }
}
