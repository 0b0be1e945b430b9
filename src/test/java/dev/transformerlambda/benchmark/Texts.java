package dev.transformerlambda.benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The suite's inputs: review-like English sentences of a given number of words, the same every run. */
final class Texts {

    private static final String[] WORDS = ("the a film movie story acting plot is was an and but with of to in"
            + " it this that its as for funny dull brilliant boring moving slow sharp warm cold clever tired"
            + " great bad good awful charming messy smart silly director cast script scene ending characters"
            + " never always quite really too very rather often best worst most least than more less so")
            .split(" ");

    private Texts() {}

    /** One sentence of {@code words} words; {@code seed} picks which. */
    static String sentence(int words, long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) {
            text.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return text.append(" .").toString();
    }

    /** {@code count} different sentences of {@code words} words. */
    static List<String> sentences(int count, int words) {
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            texts.add(sentence(words, 1_000 + i));
        }
        return texts;
    }
}
