package dev.transformerlambda.scoring;

/**
 * A unit of work: the rows of one input object whose first byte lies in {@code [start, end)}. A row
 * that begins before {@code end} belongs to this split even where it runs past it.
 */
public record Split(int index, InputObject object, long start, long end) {

    /** The whole object, not a byte range of it. */
    boolean whole() {
        return start == 0 && end == object.size();
    }

    long bytes() {
        return end - start;
    }

    /** The scored rows of this split, in input order. */
    String partName() {
        return String.format("part-%05d.jsonl", index);
    }

    /** The rows this split refused, with their input, position and reason. */
    String errorsName() {
        return String.format("errors-%05d.jsonl", index);
    }

    /** Written after the part: its existence marks the split done, and it holds the split's counts. */
    String doneName() {
        return String.format("_splits/%05d.json", index);
    }

    @Override
    public String toString() {
        return whole() ? object.name() : object.name() + " bytes " + start + "-" + end;
    }
}
