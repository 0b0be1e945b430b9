package dev.transformerlambda.training;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.transformerlambda.model.ArtifactManifest.Epoch;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

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
        Map<String, Metric> metrics = new LinkedHashMap<>();
        metrics.put("Loss", new Metric(epoch.trainLoss(), "None"));
        metrics.put("ValidationAccuracy", new Metric(epoch.accuracy(), "None"));
        metrics.put("SentencesPerSecond", new Metric(epoch.sentencesPerSecond(), "Count/Second"));
        metrics.put("LearningRate", new Metric(epoch.learningRate(), "None"));
        // CloudWatch takes numbers only, and Jackson would write NaN as a bare token (not JSON):
        // a diverged loss is left out of that epoch's line rather than spoiling the whole line.
        metrics.values().removeIf(metric -> !Double.isFinite(metric.value()));

        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", at.toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray().add(MODEL_DIMENSION);
        ArrayNode definitions = directive.putArray("Metrics");
        metrics.forEach((name, metric) -> definitions.addObject().put("Name", name).put("Unit", metric.unit()));
        root.put(MODEL_DIMENSION, model);
        metrics.forEach((name, metric) -> root.put(name, metric.value()));
        // Not a metric: a property, for finding the line in CloudWatch Logs Insights.
        root.put("Epoch", epoch.epoch());
        // Compact JSON: an EMF document must be one log event, so one line.
        return root.toString();
    }

    private record Metric(double value, String unit) {}
}
