package dev.transformerlambda.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Token ids a training run needs from a {@code tokenizer.json} (padding, unknown), read from the
 * file itself: a pretrained vocabulary puts them wherever it was built to.
 */
public final class TokenizerVocabulary {

    private TokenizerVocabulary() {}

    /**
     * The id of {@code token} in the tokenizer's vocabulary.
     *
     * @throws IOException if the file is unreadable or has no such token
     */
    public static long idOf(Path tokenizerJson, String token) throws IOException {
        JsonNode id = new ObjectMapper().readTree(tokenizerJson.toFile()).path("model").path("vocab").path(token);
        if (!id.canConvertToLong()) {
            throw new IOException(tokenizerJson + ": the vocabulary has no " + token + " token");
        }
        return id.asLong();
    }
}
