package dev.transformerlambda.training;

import java.util.List;

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

    /** Where the rows come from, in words, for the log. */
    String describe();
}
