package dev.transformerlambda.model;

import java.io.IOException;

/** A model artifact is incomplete, unreadable or does not match its manifest; it must not load. */
public class InvalidArtifactException extends IOException {

    public InvalidArtifactException(String message) {
        super(message);
    }

    public InvalidArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
