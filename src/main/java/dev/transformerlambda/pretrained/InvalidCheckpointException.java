package dev.transformerlambda.pretrained;

import java.io.IOException;

/** A weights file or its configuration that cannot be read as a BERT encoder; the message says why. */
public class InvalidCheckpointException extends IOException {

    public InvalidCheckpointException(String message) {
        super(message);
    }

    public InvalidCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
