package dev.transformerlambda.registry;

import java.io.IOException;

/** A registry operation could not be done as asked; the message says why and what to do. */
public class RegistryException extends IOException {

    public RegistryException(String message) {
        super(message);
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
