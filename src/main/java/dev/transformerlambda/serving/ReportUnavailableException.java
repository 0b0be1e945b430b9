package dev.transformerlambda.serving;

/** The served version's training report cannot be read now (the registry failed, or the file is damaged). */
public class ReportUnavailableException extends RuntimeException {

    public ReportUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
