package dev.transformerlambda.serving;

/** No model is loaded yet, so nothing can be predicted; the message says why. */
public class ModelUnavailableException extends RuntimeException {

    public ModelUnavailableException(String message) {
        super(message);
    }
}
