package dev.transformerlambda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import dev.transformerlambda.evaluation.ClassificationMetrics;
import dev.transformerlambda.model.ArtifactManifest.TrainingSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArtifactTest {

    private static final List<String> LABELS = List.of("negative", "positive");
    private static final List<String> TEXTS =
            List.of("a wonderful film", "a dull and boring film", "not wonderful at all , sadly");

    @TempDir
    Path dir;

    private ModelConfig config;

    @BeforeEach
    void writeArtifact() throws Exception {
        List<String> vocabulary = new WordPieceTrainer(200, 1).learnVocabulary(TEXTS);
        WordPieceTrainer.writeTokenizerJson(vocabulary, dir.resolve(ModelArtifact.TOKENIZER));
        config = new ModelConfig(vocabulary.size(), 2, 1, 16, 2, 32, 0.1f, 32, Pooling.MEAN);
        try (Model model = Model.newInstance("test")) {
            TransformerClassifier block = TransformerClassifierTest.initialized(model.getNDManager(), config);
            ModelArtifact.writeWeights(dir, block);
        }
        ModelArtifact.writeManifest(dir, manifest(config));
    }

    @Test
    void loadedModelPredictsExactlyWhatTheSavedBlockPredicted() throws Exception {
        List<Prediction> before;
        try (Model model = Model.newInstance("in-memory");
                HuggingFaceTokenizer tokenizer = ModelArtifact.openTokenizer(dir.resolve(ModelArtifact.TOKENIZER), 32)) {
            TransformerClassifier block = TransformerClassifierTest.initialized(model.getNDManager(), config);
            try (var in = new java.io.DataInputStream(Files.newInputStream(dir.resolve(ModelArtifact.WEIGHTS)))) {
                block.loadParameters(model.getNDManager(), in);
            }
            model.setBlock(block);
            try (Predictor<List<String>, List<Prediction>> predictor =
                    model.newPredictor(new ClassifierTranslator(tokenizer, LABELS))) {
                before = predictor.predict(TEXTS);
            }
        }

        try (TextClassifier loaded = ModelArtifact.load(dir)) {
            assertEquals(before, loaded.predict(TEXTS));
            assertEquals(manifest(config).version(), loaded.manifest().version());
        }
    }

    @Test
    void manifestListsEveryFileWithSizeAndSha256() throws IOException {
        ArtifactManifest manifest = ModelArtifact.verify(dir);

        assertEquals(List.of(ModelArtifact.TOKENIZER, ModelArtifact.WEIGHTS),
                manifest.files().stream().map(ArtifactManifest.ArtifactFile::path).toList());
        for (ArtifactManifest.ArtifactFile file : manifest.files()) {
            assertEquals(Files.size(dir.resolve(file.path())), file.size());
            assertEquals(64, file.sha256().length());
        }
    }

    @Test
    void tamperedWeightsAreRefused() throws IOException {
        byte[] weights = Files.readAllBytes(dir.resolve(ModelArtifact.WEIGHTS));
        weights[weights.length / 2] ^= 0x01;
        Files.write(dir.resolve(ModelArtifact.WEIGHTS), weights);

        InvalidArtifactException e = assertThrows(InvalidArtifactException.class, () -> ModelArtifact.load(dir));

        assertTrue(e.getMessage().contains("weights.params does not match the manifest"), e.getMessage());
    }

    @Test
    void aTokenizerChangedByHandIsRefused() throws IOException {
        Files.writeString(dir.resolve(ModelArtifact.TOKENIZER),
                Files.readString(dir.resolve(ModelArtifact.TOKENIZER)).replace("[UNK]", "[UNX]"));

        InvalidArtifactException e = assertThrows(InvalidArtifactException.class, () -> ModelArtifact.verify(dir));

        assertTrue(e.getMessage().contains("tokenizer.json does not match"), e.getMessage());
    }

    @Test
    void aMissingFileIsRefused() throws IOException {
        Files.delete(dir.resolve(ModelArtifact.WEIGHTS));

        InvalidArtifactException e = assertThrows(InvalidArtifactException.class, () -> ModelArtifact.load(dir));

        assertTrue(e.getMessage().contains("weights.params is missing"), e.getMessage());
    }

    @Test
    void aDirectoryWithoutManifestOrWithABrokenOneIsRefused() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertTrue(assertThrows(InvalidArtifactException.class, () -> ModelArtifact.load(empty))
                .getMessage().contains("no manifest.json"));

        Files.writeString(dir.resolve(ModelArtifact.MANIFEST), "{\"name\": ");
        assertTrue(assertThrows(InvalidArtifactException.class, () -> ModelArtifact.load(dir))
                .getMessage().contains("not a valid manifest"));
    }

    @Test
    void weightsThatDoNotFitTheArchitectureAreRefused() throws IOException {
        ModelConfig wider = new ModelConfig(config.vocabularySize(), 2, 1, 32, 2, 32, 0.1f, 32, Pooling.MEAN);
        ModelArtifact.writeManifest(dir, manifest(wider));

        InvalidArtifactException e = assertThrows(InvalidArtifactException.class, () -> ModelArtifact.load(dir));

        assertTrue(e.getMessage().contains("do not fit the manifest's architecture"), e.getMessage());
    }

    @Test
    void aManifestNamingAFileOutsideTheArtifactIsRefused() throws IOException {
        ArtifactManifest manifest = ModelArtifact.verify(dir);
        List<ArtifactManifest.ArtifactFile> files = new java.util.ArrayList<>(manifest.files());
        files.add(new ArtifactManifest.ArtifactFile("../outside", 1, "00"));
        Files.writeString(dir.resolve(ModelArtifact.MANIFEST), ModelArtifact.toJson(manifest.withFiles(files)));

        InvalidArtifactException e = assertThrows(InvalidArtifactException.class, () -> ModelArtifact.verify(dir));

        assertTrue(e.getMessage().contains("outside the artifact"), e.getMessage());
    }

    private static ArtifactManifest manifest(ModelConfig config) {
        ClassificationMetrics metrics = ClassificationMetrics.of(LABELS, new int[] {0, 1}, new int[] {0, 1});
        TrainingSummary training = new TrainingSummary("train.tsv", "00", "dev.tsv", "00", 3, 2, 1, 1, 8,
                1e-3f, 0.01f, 0.1f, 0f, 3, 42, 1.0, "cpu()");
        return new ArtifactManifest("test", "20261129T000000Z-abcdef", "2026-11-29T00:00:00Z",
                ArtifactManifest.FORMAT, ArtifactManifest.ARCHITECTURE, config, config.maxLength(), LABELS,
                ModelArtifact.TOKENIZER, ModelArtifact.WEIGHTS, training, metrics, Map.of("djl", "test"), null,
                List.of());
    }
}
