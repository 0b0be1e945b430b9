package dev.transformerlambda.data;

/**
 * One example: a text, the label it carries, and the group it belongs to.
 *
 * @param group the value of the file's group column (the treebank's {@code sentence}: the parse tree a
 *     phrase comes from), whose rows go to one side of a validation split together; null where the
 *     file has no such column and each row stands alone
 */
public record LabelledText(String text, String label, String group) {

    public LabelledText(String text, String label) {
        this(text, label, null);
    }
}
