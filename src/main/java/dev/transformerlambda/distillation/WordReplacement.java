package dev.transformerlambda.distillation;

import java.util.Random;

/** Where the {@link Augmenter} finds a word to put in place of another. */
public interface WordReplacement {

    /** A word to put in place of {@code word}, or {@code word} itself when there is none. */
    String replace(String word, Random random);

    /** Where the words come from, for the manifest. */
    String describe();
}
