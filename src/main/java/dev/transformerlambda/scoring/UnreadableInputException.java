package dev.transformerlambda.scoring;

import java.io.IOException;

/**
 * An input that reading again cannot fix: changed since the job began, a header without the text
 * column, CSV whose quoting breaks. Its split fails at once, where a connection that broke is
 * retried.
 */
final class UnreadableInputException extends IOException {

    UnreadableInputException(String message) {
        super(message);
    }

    UnreadableInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
