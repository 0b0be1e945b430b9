package dev.transformerlambda.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CloudWatch metric a template names: in an alarm (its own metric, or a metric math alarm's
 * {@code MetricStat}) or in a dashboard (a metric written out in full, or a {@code SEARCH}
 * expression).
 *
 * @param resource the alarm or dashboard
 * @param widget the dashboard widget's title; null in an alarm
 * @param name null for a SEARCH that does not name its metric
 * @param dimensions each dimension's value as the template writes it ({@code ${ModelName}} for
 *     {@code !Ref ModelName} too); null for any value (a SEARCH schema's dimension it does not filter)
 */
record MetricReference(String resource, String widget, String namespace, String name, Map<String, String> dimensions) {

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!]+)}");
    private static final Pattern SEARCH = Pattern.compile("SEARCH\\(\\s*'([^']*)'");
    private static final Pattern SCHEMA = Pattern.compile("\\{([^}]*)}");
    private static final Pattern TERM = Pattern.compile("(\\w+)\\s*=\\s*(?:\"([^\"]*)\"|([^\\s\"]+))");

    /** Where it is, for messages. */
    String where() {
        return widget == null ? resource : resource + " widget '" + widget + "'";
    }

    /** Every metric the template's alarms and dashboards name. */
    static List<MetricReference> in(CloudFormationTemplate template) throws Exception {
        List<MetricReference> references = new ArrayList<>();
        for (String alarm : template.resourcesOfType("AWS::CloudWatch::Alarm")) {
            CloudFormationTemplate.visitMaps(template.properties(alarm), map -> {
                if (map.containsKey("MetricName") && map.containsKey("Namespace")) {
                    Map<String, String> dimensions = new TreeMap<>();
                    for (Object dimension : (List<?>) map.get("Dimensions")) {
                        Map<?, ?> d = (Map<?, ?>) dimension;
                        dimensions.put(d.get("Name").toString(), value(d.get("Value")));
                    }
                    references.add(new MetricReference(alarm, null, map.get("Namespace").toString(),
                            map.get("MetricName").toString(), dimensions));
                }
            });
        }
        for (String dashboard : template.resourcesOfType("AWS::CloudWatch::Dashboard")) {
            for (JsonNode widget : dashboardBody(template, dashboard).path("widgets")) {
                String title = widget.path("properties").path("title").asText();
                for (JsonNode metric : widget.path("properties").path("metrics")) {
                    references.addAll(dashboardMetric(dashboard, title, metric));
                }
            }
        }
        return references;
    }

    /**
     * A dashboard's body, parsed: a {@code !Sub} string whose variables stay as written, except
     * Number parameters, which take their defaults so that a bare {@code ${Threshold}} is still JSON.
     */
    static JsonNode dashboardBody(CloudFormationTemplate template, String dashboard) throws Exception {
        Object body = template.properties(dashboard).get("DashboardBody");
        String text = body instanceof Map<?, ?> sub ? (String) sub.get("Fn::Sub") : (String) body;
        Map<String, Object> parameters = template.section("Parameters");
        Matcher variables = SUB_VARIABLE.matcher(text);
        StringBuilder json = new StringBuilder();
        while (variables.find()) {
            Map<?, ?> parameter = (Map<?, ?>) parameters.get(variables.group(1));
            String replacement = parameter != null && "Number".equals(parameter.get("Type"))
                    ? parameter.get("Default").toString() : variables.group();
            variables.appendReplacement(json, Matcher.quoteReplacement(replacement));
        }
        variables.appendTail(json);
        return new ObjectMapper().readTree(json.toString());
    }

    /** One entry of a widget's metrics: [namespace, name, dimension, value, ..., {options}] or [{expression}]. */
    private static List<MetricReference> dashboardMetric(String dashboard, String widget, JsonNode metric) {
        List<MetricReference> references = new ArrayList<>();
        if (metric.path(0).isTextual()) {
            List<String> words = new ArrayList<>();
            metric.forEach(word -> {
                if (word.isTextual()) {
                    if (word.asText().equals(".")) {
                        throw new IllegalArgumentException(dashboard + " widget '" + widget
                                + "': write each metric out in full; '.' (as the line above) is not followed here");
                    }
                    words.add(word.asText());
                }
            });
            Map<String, String> dimensions = new TreeMap<>();
            for (int i = 2; i + 1 < words.size(); i += 2) {
                dimensions.put(words.get(i), words.get(i + 1));
            }
            references.add(new MetricReference(dashboard, widget, words.get(0), words.get(1), dimensions));
        } else {
            for (Iterator<JsonNode> parts = metric.elements(); parts.hasNext(); ) {
                Matcher search = SEARCH.matcher(parts.next().path("expression").asText());
                while (search.find()) {
                    references.add(search(dashboard, widget, search.group(1)));
                }
            }
        }
        return references;
    }

    /** {@code {Namespace,Dimension,...} MetricName="Name" Dimension="value"}, as a reference. */
    private static MetricReference search(String dashboard, String widget, String expression) {
        Matcher schema = SCHEMA.matcher(expression);
        if (!schema.find()) {
            throw new IllegalArgumentException(dashboard + " widget '" + widget
                    + "': a SEARCH without a {namespace,dimensions} schema matches any metric: " + expression);
        }
        List<String> names = new ArrayList<>();
        for (String part : schema.group(1).split(",")) {
            names.add(part.trim().replace("\"", ""));
        }
        Map<String, String> dimensions = new TreeMap<>();
        names.subList(1, names.size()).forEach(name -> dimensions.put(name, null));
        String metricName = null;
        Matcher terms = TERM.matcher(expression.substring(schema.end()));
        while (terms.find()) {
            String value = terms.group(2) != null ? terms.group(2) : terms.group(3);
            if (terms.group(1).equals("MetricName")) {
                metricName = value;
            } else {
                dimensions.put(terms.group(1), value);
            }
        }
        return new MetricReference(dashboard, widget, names.get(0), metricName, dimensions);
    }

    /** A dimension's value in an alarm: a string, or {@code !Ref X} written as {@code !Sub} would. */
    private static String value(Object value) {
        return value instanceof Map<?, ?> ref && ref.get("Ref") != null ? "${" + ref.get("Ref") + "}" : value.toString();
    }
}
