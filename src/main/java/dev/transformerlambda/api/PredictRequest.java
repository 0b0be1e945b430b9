package dev.transformerlambda.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.serving.ServingConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated {@code POST /predict} body: {@code {"text": "..."}} or {@code {"texts": [...]}}.
 * Parsed by hand rather than bound, so every way a body can be wrong gets its own clear message
 * and the limits are checked before any work is done.
 */
public record PredictRequest(List<String> texts) {

    /**
     * Parses and checks a request body.
     *
     * @throws ApiException 400 for malformed or missing input, 413 over a limit
     */
    public static PredictRequest parse(String body, ServingConfig.Limits limits, ObjectMapper json) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("invalid_request", "send a JSON body: {\"text\": \"...\"} or {\"texts\": [\"...\"]}");
        }
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxBodyBytes()) {
            throw ApiException.tooLarge("the body has " + bytes + " bytes; the limit is " + limits.maxBodyBytes());
        }
        JsonNode root;
        try {
            // A body with anything after its JSON value ({"text": "a"} xyz) is malformed too, not
            // a valid request with junk ignored.
            root = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed_json", "the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("invalid_request", "the body must be a JSON object with \"text\" or \"texts\"");
        }
        JsonNode text = root.get("text");
        JsonNode texts = root.get("texts");
        if ((text == null) == (texts == null)) {
            throw ApiException.badRequest("invalid_request", "give exactly one of \"text\" (a string) or \"texts\" (a list of strings)");
        }
        List<String> values = new ArrayList<>();
        if (text != null) {
            values.add(requireText(text, "\"text\""));
        } else {
            if (!texts.isArray()) {
                throw ApiException.badRequest("invalid_request", "\"texts\" must be a list of strings");
            }
            if (texts.isEmpty()) {
                throw ApiException.badRequest("invalid_request", "\"texts\" is empty; send at least one text");
            }
            if (texts.size() > limits.maxTexts()) {
                throw ApiException.tooLarge("\"texts\" has " + texts.size() + " texts; the limit is " + limits.maxTexts());
            }
            for (int i = 0; i < texts.size(); i++) {
                values.add(requireText(texts.get(i), "\"texts\"[" + i + "]"));
            }
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).length() > limits.maxTextChars()) {
                throw ApiException.tooLarge((text != null ? "\"text\"" : "\"texts\"[" + i + "]") + " has "
                        + values.get(i).length() + " characters; the limit is " + limits.maxTextChars());
            }
        }
        return new PredictRequest(List.copyOf(values));
    }

    private static String requireText(JsonNode node, String name) {
        if (!node.isTextual()) {
            throw ApiException.badRequest("invalid_request", name + " must be a string, not " + node.getNodeType().toString().toLowerCase());
        }
        if (node.asText().isBlank()) {
            throw ApiException.badRequest("invalid_request", name + " is empty");
        }
        return node.asText();
    }
}
