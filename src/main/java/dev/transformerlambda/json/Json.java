package dev.transformerlambda.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The product's JSON mapper, one for every file it reads and writes (the API's bodies go through
 * Quarkus's own). Jackson mappers are thread-safe once built, and costly to build.
 */
public final class Json {

    /**
     * Reads records leniently, so an artifact, pointer or job file written by a newer version with
     * fields this one does not know still loads; writes compactly, as a JSON line wants.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Writes indented, for the files people open: manifests, checkpoints, job files, tokenizers. */
    public static final ObjectWriter INDENTED = MAPPER.writerWithDefaultPrettyPrinter();

    private Json() {}
}
