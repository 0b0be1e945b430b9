package dev.transformerlambda.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.transformerlambda.data.LabelledText;
import dev.transformerlambda.model.ModelArtifact;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenizedBatchesTest {

    private static final List<String> LABELS = List.of("negative", "positive");

    @Test
    void aTokenBudgetPutsManyShortPhrasesInAStepAndEveryTextOnceAnEpoch() throws Exception {
        List<LabelledText> examples = new ArrayList<>();
        Random random = new Random(5);
        for (int i = 0; i < 2_000; i++) {
            // The treebank's mix: mostly short phrases, some whole sentences.
            int words = random.nextInt(5) == 0 ? 20 + random.nextInt(20) : 1 + random.nextInt(4);
            StringBuilder text = new StringBuilder("w" + i);
            for (int w = 1; w < words; w++) {
                text.append(w % 2 == 0 ? " good" : " film");
            }
            examples.add(new LabelledText(text.toString(), LABELS.get(i % 2)));
        }
        try (HuggingFaceTokenizer tokenizer = ModelArtifact.openTokenizer(Path.of("src/main/models/sst2/tokenizer.json"), 64)) {
            TokenizedBatches batches = new TokenizedBatches(tokenizer, examples, LABELS, 0, 1, 0f);

            List<TokenizedBatches.Batch> byTexts = batches.epoch(32, 0, new Random(1));
            List<TokenizedBatches.Batch> byTokens = batches.epoch(32, 1024, new Random(1));

            assertTrue(byTexts.stream().allMatch(b -> b.size() <= 32));
            assertEquals(examples.size(), byTokens.stream().mapToInt(TokenizedBatches.Batch::size).sum());
            for (TokenizedBatches.Batch batch : byTokens) {
                int padded = batch.size() * batch.ids()[0].length;
                assertTrue(padded <= 1024 || batch.size() == 1, batch.size() + " texts of " + batch.ids()[0].length);
            }
            int shortest = byTokens.stream().filter(b -> b.ids()[0].length <= 6).mapToInt(TokenizedBatches.Batch::size)
                    .max().orElseThrow();
            assertTrue(shortest > 100, "short phrases come many to a step: " + shortest);
            assertTrue(byTokens.size() < byTexts.size() / 2, byTokens.size() + " steps against " + byTexts.size());
            int planned = batches.batchesPerEpoch(32, 1024);
            assertTrue(Math.abs(planned - byTokens.size()) <= Math.max(2, byTokens.size() / 20),
                    "planned " + planned + ", drawn " + byTokens.size());
            assertEquals(byTexts.size(), batches.batchesPerEpoch(32, 0));
        }
    }
}
