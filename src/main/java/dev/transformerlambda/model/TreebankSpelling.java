package dev.transformerlambda.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.transformerlambda.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites text as people type it ({@code I don't like it (at all).}) into the Penn Treebank
 * spelling of the Sentiment Treebank's text ({@code i do n't like it -lrb- at all -rrb- .}), as
 * {@code Replace} normalizers in a {@code tokenizer.json}.
 *
 * <p>Why: a model learns the treebank's tokens. Typed, {@code don't} becomes the word pieces
 * {@code don ' t} where the treebank has {@code do n ' t}, so the negation the model learned is gone;
 * curly apostrophes, double quotes and parentheses are not in a student's vocabulary at all and
 * become {@code [UNK]}. The rules leave treebank-spelled text as it is, so a model trained on the
 * treebank predicts exactly as before on such text. They run after the BERT normalizer
 * (lower-casing) and are written with case-insensitive patterns that both Oniguruma (the Hugging
 * Face tokenizers library, which DJL loads) and {@link java.util.regex} read alike, so the Java side
 * ({@link WordPieceTrainer#preTokenize}) sees the words the tokenizer sees.
 */
public final class TreebankSpelling {

    /** One rule: every match of {@code pattern} becomes {@code replacement}, a literal. */
    record Rule(String pattern, String replacement) {

        Pattern compiled() {
            return Pattern.compile(pattern);
        }
    }

    // Apostrophe-less negations people type (dont, isnt) become the treebank's; "cant" and "wont"
    // are words too, but in reviews they are almost always the negation.
    private static final String NEGATED_VERBS = String.join("|", List.of("\\bdo", "\\bdoes", "\\bdid", "\\bis",
            "\\bwas", "\\bare", "\\bwere", "\\bhas", "\\bhave", "\\bhad", "\\bcould", "\\bshould", "\\bwould",
            "\\bmust", "\\bneed", "\\bca", "\\bwo", "\\bai"));

    static final List<Rule> RULES = List.of(
            new Rule("[\u2018\u2019]", "'"),
            new Rule("[\u201C\u201D]", "\""),
            // An opening quote comes before a word; the treebank writes `` and '' for the two.
            new Rule("(?i)\"(?=[a-z0-9])", " `` "),
            new Rule("\"", " '' "),
            new Rule("(?i)(?<=[a-z])n't\\b", " n't"),
            new Rule("(?i)(?<=[a-z])'(?=(?:s|m|d|re|ve|ll)\\b)", " '"),
            new Rule("(?i)(?<=" + NEGATED_VERBS + ")nt\\b", " n't"),
            new Rule("\\(", " -lrb- "),
            new Rule("\\)", " -rrb- "));

    private static final List<Pattern> COMPILED = RULES.stream().map(Rule::compiled).toList();

    private TreebankSpelling() {}

    /** {@code text} in the treebank's spelling, as the tokenizer's normalizers write it. */
    public static String apply(String text) {
        String result = text;
        for (int i = 0; i < RULES.size(); i++) {
            Matcher matcher = COMPILED.get(i).matcher(result);
            result = matcher.replaceAll(Matcher.quoteReplacement(RULES.get(i).replacement()));
        }
        return result;
    }

    /**
     * Appends the rules to a {@code tokenizer.json}'s normalizer (wrapped in a {@code Sequence}
     * when it is a single one); does nothing when they are there already.
     *
     * @return whether the tokenizer changed
     */
    public static boolean addTo(ObjectNode tokenizerJson) {
        if (isIn(tokenizerJson)) {
            return false;
        }
        JsonNodeFactory json = JsonNodeFactory.instance;
        JsonNode existing = tokenizerJson.get("normalizer");
        ObjectNode sequence = json.objectNode().put("type", "Sequence");
        ArrayNode normalizers = sequence.putArray("normalizers");
        if (existing != null && !existing.isNull()) {
            if ("Sequence".equals(existing.path("type").asText())) {
                normalizers.addAll((ArrayNode) existing.get("normalizers"));
            } else {
                normalizers.add(existing);
            }
        }
        for (Rule rule : RULES) {
            ObjectNode replace = normalizers.addObject().put("type", "Replace");
            replace.putObject("pattern").put("Regex", rule.pattern());
            replace.put("content", rule.replacement());
        }
        tokenizerJson.set("normalizer", sequence);
        return true;
    }

    /** {@link #addTo(ObjectNode)} for a {@code tokenizer.json} file, rewritten in place when it changes. */
    public static boolean addTo(Path tokenizerJson) throws IOException {
        ObjectNode root = (ObjectNode) Json.MAPPER.readTree(tokenizerJson.toFile());
        if (!addTo(root)) {
            return false;
        }
        Json.INDENTED.writeValue(tokenizerJson.toFile(), root);
        return true;
    }

    /** Whether a {@code tokenizer.json}'s normalizer holds these rules. */
    public static boolean isIn(JsonNode tokenizerJson) {
        JsonNode normalizers = tokenizerJson.path("normalizer").path("normalizers");
        for (JsonNode normalizer : normalizers) {
            if ("Replace".equals(normalizer.path("type").asText())
                    && RULES.get(RULES.size() - 1).pattern().equals(normalizer.path("pattern").path("Regex").asText())) {
                return true;
            }
        }
        return false;
    }
}
