package dev.transformerlambda.api;

import dev.transformerlambda.serving.ServingConfig;
import java.util.Map;

/**
 * The OpenAPI document ({@code openapi.yaml}, written by hand) with the limits this function runs
 * with in place of its {@code ${max-texts}}-style placeholders: a client reads the limits that
 * apply, not the defaults.
 */
final class OpenApiDocument {

    static final String RESOURCE = "openapi.yaml";

    private OpenApiDocument() {}

    static String render(ServingConfig.Limits limits) {
        String document = Pages.readResource(RESOURCE);
        for (Map.Entry<String, Integer> limit : Map.of(
                "max-texts", limits.maxTexts(),
                "max-text-chars", limits.maxTextChars(),
                "max-body-bytes", limits.maxBodyBytes()).entrySet()) {
            document = document.replace("${" + limit.getKey() + "}", Integer.toString(limit.getValue()));
        }
        if (document.contains("${")) {
            throw new IllegalStateException(RESOURCE + " has a placeholder with no value: "
                    + document.substring(document.indexOf("${")).lines().findFirst().orElse(""));
        }
        return document;
    }
}
