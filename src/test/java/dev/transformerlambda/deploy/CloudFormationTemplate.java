package dev.transformerlambda.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A CloudFormation template read as plain maps and lists, with the short-form tags ({@code !Ref},
 * {@code !GetAtt}, {@code !Sub}, ...) turned into their long forms ({@code Ref}, {@code
 * Fn::GetAtt}, ...), as CloudFormation itself reads them.
 */
record CloudFormationTemplate(Path file, Map<String, Object> root) {

    static CloudFormationTemplate read(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            Map<String, Object> root = new Yaml(new ShortFormConstructor()).load(reader);
            return new CloudFormationTemplate(file, root);
        }
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> section(String name) {
        return (Map<String, Object>) root.getOrDefault(name, Map.of());
    }

    Map<String, Object> resources() {
        return section("Resources");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> properties(String resource) {
        return (Map<String, Object>) ((Map<String, Object>) resources().get(resource)).getOrDefault("Properties", Map.of());
    }

    String type(String resource) {
        return (String) ((Map<?, ?>) resources().get(resource)).get("Type");
    }

    List<String> resourcesOfType(String type) {
        return resources().keySet().stream().filter(name -> type.equals(type(name))).toList();
    }

    /** Calls {@code visitor} on every map anywhere in the template. */
    void visitMaps(Consumer<Map<?, ?>> visitor) {
        visitMaps(root, visitor);
    }

    /** Calls {@code visitor} on {@code node}, if a map, and every map below it. */
    static void visitMaps(Object node, Consumer<Map<?, ?>> visitor) {
        if (node instanceof Map<?, ?> map) {
            visitor.accept(map);
            map.values().forEach(value -> visitMaps(value, visitor));
        } else if (node instanceof List<?> list) {
            list.forEach(value -> visitMaps(value, visitor));
        }
    }

    /** Builds {"Ref": x} for !Ref, {"Fn::GetAtt": [a, b]} for !GetAtt a.b, {"Fn::X": v} for !X. */
    private static final class ShortFormConstructor extends SafeConstructor {
        ShortFormConstructor() {
            super(new LoaderOptions());
            yamlConstructors.put(null, new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String tag = node.getTag().getValue();
                    if (!tag.startsWith("!")) {
                        throw new IllegalArgumentException("unknown tag " + tag);
                    }
                    String function = tag.substring(1);
                    Object value;
                    if (node instanceof ScalarNode scalar) {
                        value = scalar.getValue();
                    } else if (node instanceof SequenceNode sequence) {
                        value = new ArrayList<>(constructSequence(sequence));
                    } else {
                        value = new LinkedHashMap<>(constructMapping((MappingNode) node));
                    }
                    if (function.equals("Ref")) {
                        return Map.of("Ref", value);
                    }
                    if (function.equals("GetAtt") && value instanceof String dotted) {
                        value = Arrays.asList(dotted.split("\\.", 2));
                    }
                    return Map.of(function.equals("Condition") ? "Condition" : "Fn::" + function, value);
                }
            });
        }
    }
}
