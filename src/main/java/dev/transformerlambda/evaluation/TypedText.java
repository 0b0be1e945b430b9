package dev.transformerlambda.evaluation;

import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.LabelledText;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Sentiment Treebank's text as a person types it: the Penn Treebank tokenization undone
 * ({@code do n't} is {@code don't}, {@code -lrb- a -rrb- .} is {@code (a).}, {@code `` a ''} is
 * {@code "a"}), sentences capitalised and {@code i} written {@code I}. Evaluating on both spellings
 * shows what a model trained on the treebank loses on text that reaches the API. It is an
 * approximation: people also misspell, shorten and shout, which no rule here reproduces.
 */
public final class TypedText {

    private record Rewrite(Pattern pattern, String replacement) {

        static Rewrite of(String regex, String replacement) {
            return new Rewrite(Pattern.compile(regex), replacement);
        }

        String apply(String text) {
            return pattern.matcher(text).replaceAll(replacement);
        }
    }

    private static final List<Rewrite> REWRITES = List.of(
            Rewrite.of("``\\s*", "\""),
            Rewrite.of("\\s*''", "\""),
            Rewrite.of("-lrb-\\s*", "("),
            Rewrite.of("\\s*-rrb-", ")"),
            Rewrite.of("-lsb-\\s*", "["),
            Rewrite.of("\\s*-rsb-", "]"),
            Rewrite.of("\\b(ca|wo) n't\\b", "$1n't"),
            Rewrite.of(" n't\\b", "n't"),
            Rewrite.of(" '(s|m|d|re|ve|ll)\\b", "'$1"),
            Rewrite.of(" ([,.!?;:%](?:\\s|$))", "$1"),
            Rewrite.of(" \\.\\.\\.", "..."),
            Rewrite.of("\\$ (?=\\d)", "\\$"),
            Rewrite.of("\\bi\\b", "I"));

    private static final Pattern SENTENCE_START = Pattern.compile("(^|[.!?]\\s+)([a-z])");

    private TypedText() {}

    /** One treebank text as typed. */
    public static String of(String treebankText) {
        String text = treebankText.strip();
        for (Rewrite rewrite : REWRITES) {
            text = rewrite.apply(text);
        }
        Matcher start = SENTENCE_START.matcher(text);
        return start.replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2).toUpperCase()));
    }

    /** Every text of {@code data} as typed; the labels and the sha256 of the file stay. */
    public static LabelledDataset of(LabelledDataset data) {
        List<LabelledText> typed = data.examples().stream()
                .map(e -> new LabelledText(of(e.text()), e.label(), e.group()))
                .toList();
        return new LabelledDataset(data.source() + " (as typed)", data.sha256(), typed);
    }
}
