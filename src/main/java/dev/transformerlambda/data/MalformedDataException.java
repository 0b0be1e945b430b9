package dev.transformerlambda.data;

import java.io.IOException;
import java.util.List;

/** A data file has rows that cannot be used; the message names the file and every bad line. */
public class MalformedDataException extends IOException {

    private final List<Problem> problems;

    public MalformedDataException(String source, List<Problem> problems) {
        super(describe(source, problems));
        this.problems = List.copyOf(problems);
    }

    /** One bad row: its 1-based line number in the file and what is wrong with it. */
    public record Problem(long line, String reason) {}

    public List<Problem> problems() {
        return problems;
    }

    private static String describe(String source, List<Problem> problems) {
        StringBuilder message = new StringBuilder();
        message.append(source).append(": ").append(problems.size()).append(" malformed row")
                .append(problems.size() == 1 ? "" : "s");
        for (Problem problem : problems) {
            message.append(System.lineSeparator())
                    .append("  ").append(source).append(':').append(problem.line())
                    .append(": ").append(problem.reason());
        }
        return message.toString();
    }
}
