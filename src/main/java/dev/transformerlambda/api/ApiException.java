package dev.transformerlambda.api;

/** A request the API refuses, with the status and error code it answers. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    static ApiException tooLarge(String message) {
        return new ApiException(413, "too_large", message);
    }

    static ApiException notFound(String path) {
        return new ApiException(404, "not_found", "no such resource: " + path);
    }
}
