package dev.transformerlambda.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordPieceTrainerTest {

    private static final List<String> TEXTS = List.of(
            "The movie was wonderful , and the acting wonderfully done .",
            "A boring , boring film that does n't work .",
            "Wonderful acting ; a moving story !",
            "The story was boring and the film was long .",
            "Café scenes are charming but the plot is not .");

    @TempDir
    Path dir;

    @Test
    void learnsSpecialTokensFirstThenPiecesWithinTheSizeLimit() {
        List<String> vocabulary = new WordPieceTrainer(60, 1).learnVocabulary(TEXTS);

        assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]"), vocabulary.subList(0, 4));
        assertTrue(vocabulary.size() <= 60, "size " + vocabulary.size());
        assertTrue(vocabulary.contains("##n") && vocabulary.contains("w"), vocabulary.toString());
        assertEquals(vocabulary.size(), Set.copyOf(vocabulary).size(), "no duplicates");
    }

    @Test
    void frequentWordsBecomeWholeTokens() {
        List<String> vocabulary = new WordPieceTrainer(200, 2).learnVocabulary(TEXTS);

        assertTrue(vocabulary.contains("boring"), vocabulary.toString());
        assertTrue(vocabulary.contains("wonderful"), vocabulary.toString());
    }

    @Test
    void preTokenizesLikeTheBertPreTokenizer() {
        assertEquals(List.of("does", "n", "'", "t", "-", "lrb", "-", "cafe", "!", "日", "本"),
                WordPieceTrainer.preTokenize("Does n't -LRB- Café!日本"));
    }

    @Test
    void savedTokenizerLoadsAndEncodesTrainingWordsWithoutUnknowns() throws IOException {
        List<String> vocabulary = new WordPieceTrainer(300, 1).learnVocabulary(TEXTS);
        Path file = writeTokenizer(vocabulary);

        try (HuggingFaceTokenizer tokenizer = ModelArtifact.openTokenizer(file, 64)) {
            for (String text : TEXTS) {
                Encoding encoding = tokenizer.encode(text);
                long[] ids = encoding.getIds();
                assertEquals(vocabulary.indexOf("[CLS]"), ids[0]);
                assertEquals(vocabulary.indexOf("[SEP]"), ids[ids.length - 1]);
                assertFalse(Arrays.stream(ids).anyMatch(id -> id == vocabulary.indexOf("[UNK]")),
                        text + " -> " + Arrays.toString(encoding.getTokens()));
                String joined = String.join(" ", encoding.getTokens()).replace(" ##", "");
                assertEquals("[CLS] " + String.join(" ", WordPieceTrainer.preTokenize(text)) + " [SEP]", joined);
            }
        }
    }

    @Test
    void unseenWordsSplitIntoKnownPiecesAndUnseenCharactersBecomeUnknown() throws IOException {
        List<String> vocabulary = new WordPieceTrainer(300, 1).learnVocabulary(TEXTS);
        Path file = writeTokenizer(vocabulary);

        try (HuggingFaceTokenizer tokenizer = ModelArtifact.openTokenizer(file, 64)) {
            String[] unseenWord = tokenizer.encode("wonderfulness").getTokens();
            assertEquals("wonderful", unseenWord[1], Arrays.toString(unseenWord));
            assertTrue(unseenWord[2].startsWith("##"), Arrays.toString(unseenWord));

            assertArrayEquals(new String[] {"[CLS]", "[UNK]", "[UNK]", "[SEP]"}, tokenizer.encode("日本").getTokens());
        }
    }

    @Test
    void batchEncodingPadsToTheLongestTextAndTruncatesToMaxLength() throws IOException {
        List<String> vocabulary = new WordPieceTrainer(300, 1).learnVocabulary(TEXTS);
        Path file = writeTokenizer(vocabulary);

        try (HuggingFaceTokenizer tokenizer = ModelArtifact.openTokenizer(file, 8)) {
            Encoding[] batch = tokenizer.batchEncode(List.of("boring", "a moving story"));
            assertEquals(5, batch[0].getIds().length, "padded to the longest, [CLS] a moving story [SEP]");
            assertArrayEquals(new long[] {1, 1, 1, 0, 0}, batch[0].getAttentionMask());
            assertEquals(vocabulary.indexOf("[PAD]"), batch[0].getIds()[4]);

            assertEquals(8, tokenizer.encode(TEXTS.get(0)).getIds().length, "truncated to max length");
        }
    }

    private Path writeTokenizer(List<String> vocabulary) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        WordPieceTrainer.writeTokenizerJson(vocabulary, file);
        return file;
    }
}
