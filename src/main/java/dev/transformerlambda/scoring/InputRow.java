package dev.transformerlambda.scoring;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A row read from a split: a text to score, or a row refused with its reason. */
sealed interface InputRow {

    /** Where the row is: its line number where known, else its byte offset in the object. */
    RowPosition position();

    /**
     * @param id the row's id field, or its object and position
     * @param input the row's fields, for {@code --join-input}
     */
    record Text(RowPosition position, String id, String text, ObjectNode input) implements InputRow {}

    /** @param input the row as it was read */
    record Refused(RowPosition position, String input, String reason) implements InputRow {}

    /**
     * A line number (from 1) where the split starts at the object's beginning; a byte offset
     * otherwise, since the line number would need every earlier byte of the object read.
     */
    record RowPosition(String object, long line, long offset) {

        static RowPosition line(String object, long line) {
            return new RowPosition(object, line, -1);
        }

        static RowPosition offset(String object, long offset) {
            return new RowPosition(object, -1, offset);
        }

        /** The id of a row without an id field: {@code object:line}, or {@code object@offset}. */
        String id() {
            return line > 0 ? object + ":" + line : object + "@" + offset;
        }
    }
}
