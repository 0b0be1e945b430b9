package dev.transformerlambda.model;

/**
 * A model artifact larger than the function may load: refused before it is downloaded, as loading
 * it would run the instance out of memory (and keep doing so on every check).
 */
public class ModelTooLargeException extends InvalidArtifactException {

    public ModelTooLargeException(String message) {
        super(message);
    }
}
