package dev.transformerlambda.api;

import java.util.HashMap;
import java.util.Map;

/**
 * One answer of the API before it becomes an API Gateway response.
 *
 * @param status the HTTP status
 * @param body an object written as JSON, or a {@code String} sent as it is
 * @param contentType the body's media type
 * @param headers headers beyond the ones every answer has
 * @param modelMillis the forward pass's share of a prediction (tokenization included); NaN otherwise
 */
record ApiAnswer(int status, Object body, String contentType, Map<String, String> headers, double modelMillis) {

    static final String JSON = "application/json";

    static ApiAnswer json(int status, Object body) {
        return new ApiAnswer(status, body, JSON, Map.of(), Double.NaN);
    }

    static ApiAnswer error(int status, String code, String message) {
        return json(status, new ApiError(code, message));
    }

    ApiAnswer withHeader(String name, String value) {
        Map<String, String> more = new HashMap<>(headers);
        more.put(name, value);
        return new ApiAnswer(status, body, contentType, Map.copyOf(more), modelMillis);
    }
}
