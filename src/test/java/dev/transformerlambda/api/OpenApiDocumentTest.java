package dev.transformerlambda.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ClassificationMetrics;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.serving.ModelStatus;
import dev.transformerlambda.serving.ReloadCheck;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The hand-written OpenAPI document says what the handler does: its routes and its answers' fields. */
class OpenApiDocumentTest {

    /** Each schema of the document, and the type whose JSON it describes. */
    private static final Map<String, Class<?>> SCHEMAS = Map.ofEntries(
            Map.entry("PredictResponse", PredictResponse.class),
            Map.entry("ModelRef", PredictResponse.ModelRef.class),
            Map.entry("Prediction", Prediction.class),
            Map.entry("ModelStatus", ModelStatus.class),
            Map.entry("ReloadCheck", ReloadCheck.class),
            Map.entry("ClassificationMetrics", ClassificationMetrics.class),
            Map.entry("ClassScores", ClassificationMetrics.ClassScores.class),
            Map.entry("Lineage", ArtifactManifest.Lineage.class),
            Map.entry("Source", ArtifactManifest.Source.class),
            Map.entry("Distillation", ArtifactManifest.Distillation.class),
            Map.entry("ApiError", ApiError.class),
            Map.entry("Readiness", Readiness.class));

    @Test
    void listsExactlyTheHandlersRoutesWithTheirMethods() throws Exception {
        Map<String, Object> paths = section(document(), "paths");
        Map<String, String> documented = new HashMap<>();
        paths.forEach((path, operations) -> {
            Set<String> methods = ((Map<?, ?>) operations).keySet().stream()
                    .map(m -> m.toString().toUpperCase()).collect(Collectors.toSet());
            assertEquals(1, methods.size(), path + " documents one method");
            documented.put(path, methods.iterator().next());
        });
        assertEquals(HttpApiHandler.ROUTES, documented);
    }

    @Test
    void describesEveryFieldTheAnswersCarryAndNoOther() throws Exception {
        Map<String, Object> schemas = section(section(document(), "components"), "schemas");
        ObjectMapper json = new ObjectMapper();
        SCHEMAS.forEach((name, type) -> {
            Map<String, Object> schema = section(schemas, name);
            BeanDescription bean = json.getSerializationConfig().introspect(json.constructType(type));
            Set<String> written = bean.findProperties().stream().map(BeanPropertyDefinition::getName)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(written, new TreeSet<>(section(schema, "properties").keySet()), "schema " + name);
        });
    }

    private static Map<String, Object> document() throws Exception {
        try (InputStream in = HttpApiHandler.class.getClassLoader().getResourceAsStream(OpenApiDocument.RESOURCE)) {
            assertNotNull(in, "the document is on the classpath");
            return new Yaml().load(in);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertNotNull(value, "the document has " + key);
        return (Map<String, Object>) value;
    }
}
