package dev.transformerlambda.metrics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One document of CloudWatch's Embedded Metric Format (EMF): metric values, the dimensions they are
 * aggregated by, and free properties, written as one JSON line. Lambda sends a function's standard
 * output to CloudWatch Logs, and so does Batch's awslogs driver; CloudWatch turns each such line
 * into metrics, with no agent, no API call and no permission beyond writing the log.
 *
 * <pre>{@code
 * String line = EmbeddedMetrics.in("TransformerLambda")
 *         .dimensions("Model").dimension("Model", "sst2")
 *         .metric("Requests", 1, Unit.COUNT)
 *         .toJson(Instant.now());
 * }</pre>
 */
public final class EmbeddedMetrics {

    /** The units CloudWatch knows that this product uses. */
    public enum Unit {
        COUNT("Count"),
        MILLISECONDS("Milliseconds"),
        COUNT_PER_SECOND("Count/Second"),
        NONE("None");

        private final String cloudWatchName;

        Unit(String cloudWatchName) {
            this.cloudWatchName = cloudWatchName;
        }
    }

    private record Metric(double value, Unit unit) {}

    private final String namespace;
    private final List<List<String>> dimensionSets = new ArrayList<>();
    private final Map<String, String> dimensions = new LinkedHashMap<>();
    private final Map<String, Metric> metrics = new LinkedHashMap<>();
    private final ObjectNode properties = JsonNodeFactory.instance.objectNode();

    private EmbeddedMetrics(String namespace) {
        this.namespace = namespace;
    }

    public static EmbeddedMetrics in(String namespace) {
        return new EmbeddedMetrics(namespace);
    }

    /** One more set of dimensions every metric is aggregated by; no call: aggregated as a whole. */
    public EmbeddedMetrics dimensions(String... names) {
        dimensionSets.add(List.of(names));
        return this;
    }

    public EmbeddedMetrics dimension(String name, String value) {
        dimensions.put(name, value);
        return this;
    }

    /**
     * A metric value. CloudWatch takes numbers only, and JSON has no NaN or infinity: a value that
     * is not finite is left out rather than spoiling the whole line.
     */
    public EmbeddedMetrics metric(String name, double value, Unit unit) {
        if (Double.isFinite(value)) {
            metrics.put(name, new Metric(value, unit));
        }
        return this;
    }

    /** Not a metric: a property, for finding the line in CloudWatch Logs Insights. */
    public EmbeddedMetrics property(String name, String value) {
        properties.put(name, value);
        return this;
    }

    /** As {@link #property(String, String)}, a number. */
    public EmbeddedMetrics property(String name, long value) {
        properties.put(name, value);
        return this;
    }

    /** The document, timestamped {@code at}, as one line of compact JSON (one log event). */
    public String toJson(Instant at) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", at.toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", namespace);
        ArrayNode sets = directive.putArray("Dimensions");
        if (dimensionSets.isEmpty()) {
            sets.addArray();
        }
        for (List<String> set : dimensionSets) {
            ArrayNode names = sets.addArray();
            set.forEach(names::add);
        }
        ArrayNode definitions = directive.putArray("Metrics");
        metrics.forEach((name, metric) -> definitions.addObject().put("Name", name).put("Unit", metric.unit().cloudWatchName));
        dimensions.forEach(root::put);
        metrics.forEach((name, metric) -> root.put(name, metric.value()));
        root.setAll(properties);
        return root.toString();
    }
}
