package dev.transformerlambda.scoring;

/**
 * What a row must hold to be scored.
 *
 * @param textField the field or column with the text
 * @param idField a field or column carried through as the row's id, or null for its position
 * @param joinInput copy the input row's fields into the output row
 * @param maxTextChars longer texts are refused: the model reads only their first tokens, and such
 *     rows are more often broken records than reviews
 */
public record RowRules(String textField, String idField, boolean joinInput, int maxTextChars) {}
