package dev.transformerlambda.training;

import java.util.List;
import java.util.Optional;

/**
 * Initial token embeddings for a student trained from scratch, one row per word piece of its
 * vocabulary: a teacher's knowledge of words, for a student whose own data is small.
 */
public interface StudentEmbeddings {

    /**
     * @param vocabulary the student's word pieces in id order
     * @param width the student's embedding size
     * @return (vocabulary size, width) rows
     */
    float[][] rows(List<String> vocabulary, int width);

    /**
     * The student's word pieces in id order, when they come from the same source as the rows (a
     * teacher's vocabulary, so words the training texts never show still have a row of their own);
     * empty when the student learns its vocabulary from the training texts.
     */
    default Optional<List<String>> vocabulary() {
        return Optional.empty();
    }

    /** Where the rows come from, in words, for the log. */
    String describe();
}
