package dev.transformerlambda.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** API Gateway v2 events for POST /predict, made from {@code events/predict-one.json}. */
final class Events {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode template;

    Events(Path template) throws IOException {
        this.template = (ObjectNode) JSON.readTree(template.toFile());
    }

    /** An event asking to classify {@code texts} in one request. */
    String predict(List<String> texts) throws IOException {
        ObjectNode event = template.deepCopy();
        event.put("body", JSON.writeValueAsString(Map.of("texts", texts)));
        return JSON.writeValueAsString(event);
    }

    /** The status code of a handler's answer, and the model version that made the predictions. */
    record Answer(int statusCode, String modelVersion) {}

    static Answer read(String response) throws IOException {
        var tree = JSON.readTree(response);
        var body = JSON.readTree(tree.path("body").asText("{}"));
        return new Answer(tree.path("statusCode").asInt(), body.path("model").path("version").asText(null));
    }
}
