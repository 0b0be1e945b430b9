package dev.transformerlambda.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * The structure CloudWatch's Embedded Metric Format specification requires of a log event, checked
 * rule by rule: a JSON object on one line; {@code _aws} with an integer {@code Timestamp} (ms since
 * the epoch) and {@code CloudWatchMetrics}, an array of metric directives; each directive with a
 * {@code Namespace} (1-255 characters), {@code Dimensions} (an array of dimension sets, each an
 * array of at most 30 member names) and {@code Metrics} (at most 100 definitions, each a {@code
 * Name}, optionally a {@code Unit} CloudWatch knows and a {@code StorageResolution} of 1 or 60);
 * every dimension named a string member of the root and every metric named a number (or an array
 * of at most 100 numbers) there.
 */
public final class EmfSpecification {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
            "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent",
            "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
            "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second",
            "None");

    private EmfSpecification() {}

    /**
     * Checks {@code line} against the specification.
     *
     * @return the parsed document
     * @throws AssertionError naming the first rule broken
     */
    public static JsonNode validate(String line) throws Exception {
        assertFalse(line.contains("\n") || line.contains("\r"), "one log event, one line: " + line);
        JsonNode root = JSON.readTree(line);
        assertTrue(root.isObject(), "the root is an object: " + line);
        JsonNode aws = root.get("_aws");
        assertTrue(aws != null && aws.isObject(), "_aws is an object: " + line);
        JsonNode timestamp = aws.get("Timestamp");
        assertTrue(timestamp != null && timestamp.isIntegralNumber() && timestamp.asLong() >= 0,
                "_aws.Timestamp is a number of milliseconds: " + line);
        JsonNode directives = aws.get("CloudWatchMetrics");
        assertTrue(directives != null && directives.isArray() && !directives.isEmpty(),
                "_aws.CloudWatchMetrics is an array of metric directives: " + line);
        for (JsonNode directive : directives) {
            assertTrue(directive.isObject(), "a metric directive is an object");
            JsonNode namespace = directive.get("Namespace");
            assertTrue(namespace != null && namespace.isTextual() && !namespace.asText().isBlank()
                    && namespace.asText().length() <= 255, "Namespace is a string of 1 to 255 characters: " + line);
            JsonNode dimensions = directive.get("Dimensions");
            assertTrue(dimensions != null && dimensions.isArray(), "Dimensions is an array of dimension sets: " + line);
            for (JsonNode set : dimensions) {
                assertTrue(set.isArray() && set.size() <= 30, "a dimension set is an array of at most 30 names");
                for (JsonNode name : set) {
                    assertTrue(name.isTextual(), "a dimension is named by a string");
                    JsonNode value = root.get(name.asText());
                    assertTrue(value != null && value.isTextual() && !value.asText().isBlank(),
                            "dimension " + name + " is a string member of the root: " + line);
                }
            }
            JsonNode metrics = directive.get("Metrics");
            assertTrue(metrics != null && metrics.isArray() && metrics.size() <= 100,
                    "Metrics is an array of at most 100 metric definitions: " + line);
            for (JsonNode definition : metrics) {
                JsonNode name = definition.get("Name");
                assertTrue(name != null && name.isTextual() && !name.asText().isBlank() && name.asText().length() <= 255,
                        "a metric definition has a Name: " + line);
                JsonNode unit = definition.get("Unit");
                assertTrue(unit == null || unit.isTextual() && UNITS.contains(unit.asText()),
                        "Unit is one CloudWatch knows: " + unit);
                JsonNode resolution = definition.get("StorageResolution");
                assertTrue(resolution == null || resolution.isInt() && Set.of(1, 60).contains(resolution.asInt()),
                        "StorageResolution is 1 or 60: " + resolution);
                JsonNode value = root.get(name.asText());
                assertTrue(value != null && (value.isNumber() || value.isArray() && value.size() <= 100
                        && StreamSupport.stream(value.spliterator(), false).allMatch(JsonNode::isNumber)),
                        "metric " + name + " is a number member of the root: " + line);
            }
        }
        return root;
    }

    /** The units of a validated document's metrics, by metric name. */
    public static Map<String, String> units(JsonNode document) {
        Map<String, String> units = new LinkedHashMap<>();
        for (JsonNode directive : document.get("_aws").get("CloudWatchMetrics")) {
            directive.get("Metrics").forEach(d -> units.put(d.get("Name").asText(),
                    d.has("Unit") ? d.get("Unit").asText() : "None"));
        }
        return units;
    }
}
