package dev.transformerlambda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.transformerlambda.evaluation.TypedText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreebankSpellingTest {

    /** Treebank text, as in the Sentiment Treebank's files. */
    private static final List<String> TREEBANK = List.of(
            "it does n't work , and i ca n't say i 'm surprised -lrb- or sorry -rrb- .",
            "the rock is destined to be the 21st century 's new `` conan '' and he 's going to make a splash .",
            "you 'll wish you 'd stayed home ; they 've wo n't and they 're not .",
            "a gorgeous , witty , seductive movie .");

    @TempDir
    Path dir;

    @Test
    void typedTextBecomesTheTreebanksSpelling() {
        assertEquals("i do n't like it  -lrb- at all -rrb- .", TreebankSpelling.apply("i don't like it (at all)."));
        assertEquals("it 's good, i 'd say", TreebankSpelling.apply("it\u2019s good, i'd say"));
        assertEquals("it is n't bad and i ca n't stop", TreebankSpelling.apply("it isnt bad and i cant stop"));
        assertEquals(" `` conan '' ", TreebankSpelling.apply("\u201Cconan\u201D"));
    }

    @Test
    void leavesTreebankTextAsItIs() {
        for (String text : TREEBANK) {
            assertEquals(text, TreebankSpelling.apply(text));
        }
    }

    @Test
    void theTokenizerSeesTypedTextAsTheTreebankTextItWasTypedFrom() throws IOException {
        List<String> vocabulary = new WordPieceTrainer(400, 1).learnVocabulary(TREEBANK);
        Path file = dir.resolve("tokenizer.json");
        WordPieceTrainer.writeTokenizerJson(vocabulary, file);

        try (HuggingFaceTokenizer tokenizer = ModelArtifact.openTokenizer(file, 64)) {
            for (String text : TREEBANK) {
                String typed = TypedText.of(text);
                assertFalse(typed.contains(" n't") || typed.contains("-lrb-"), typed);
                assertEquals(tokenizer.tokenize(text), tokenizer.tokenize(typed), typed);
                assertFalse(tokenizer.tokenize(typed).contains("[UNK]"), typed);
            }
        }
    }

    @Test
    void theJavaSideSplitsTypedTextIntoTheWordsTheTokenizerSees() throws IOException {
        List<String> vocabulary = new WordPieceTrainer(400, 1).learnVocabulary(TREEBANK);
        Path file = dir.resolve("tokenizer.json");
        WordPieceTrainer.writeTokenizerJson(vocabulary, file);
        String typed = "I don\u2019t think it\u2019s \u201Cgood\u201D (it isnt).";

        try (HuggingFaceTokenizer tokenizer = ModelArtifact.openTokenizer(file, 64)) {
            List<String> tokens = tokenizer.tokenize(typed);
            String joined = String.join(" ", tokens.subList(1, tokens.size() - 1)).replace(" ##", "");
            assertEquals(String.join(" ", WordPieceTrainer.preTokenize(typed)), joined);
        }
    }

    @Test
    void addsItsRulesToAPretrainedTokenizerOnce() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.putObject("normalizer").put("type", "BertNormalizer").put("lowercase", true);
        json.writeValue(file.toFile(), root);

        assertTrue(TreebankSpelling.addTo(file));
        assertFalse(TreebankSpelling.addTo(file), "a second time changes nothing");

        ObjectNode written = (ObjectNode) json.readTree(Files.readString(file));
        assertEquals("Sequence", written.path("normalizer").path("type").asText());
        assertEquals("BertNormalizer", written.path("normalizer").path("normalizers").get(0).path("type").asText());
        assertEquals(TreebankSpelling.RULES.size() + 1, written.path("normalizer").path("normalizers").size());
    }
}
