package dev.transformerlambda.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.transformerlambda.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The vocabulary of a {@code tokenizer.json}, read from the file itself: a pretrained vocabulary
 * puts its special tokens wherever it was built to, and a teacher's word pieces are matched by name.
 */
public final class TokenizerVocabulary {

    private TokenizerVocabulary() {}

    /**
     * The id of {@code token} in the tokenizer's vocabulary.
     *
     * @throws IOException if the file is unreadable or has no such token
     */
    public static long idOf(Path tokenizerJson, String token) throws IOException {
        Integer id = read(tokenizerJson).get(token);
        if (id == null) {
            throw new IOException(tokenizerJson + ": the vocabulary has no " + token + " token");
        }
        return id;
    }

    /** The whole vocabulary: each token's id. */
    public static Map<String, Integer> read(Path tokenizerJson) throws IOException {
        JsonNode vocab = Json.MAPPER.readTree(tokenizerJson.toFile()).path("model").path("vocab");
        Map<String, Integer> ids = new HashMap<>();
        vocab.fields().forEachRemaining(entry -> ids.put(entry.getKey(), entry.getValue().asInt()));
        return ids;
    }
}
