package dev.transformerlambda.scoring;

/** A scoring job that cannot go on, with a message that says why and what to do. */
public final class ScoringException extends RuntimeException {

    public ScoringException(String message) {
        super(message);
    }
}
