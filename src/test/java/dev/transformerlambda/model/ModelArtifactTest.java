package dev.transformerlambda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import dev.transformerlambda.model.ArtifactManifest.TrainingSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ModelArtifactTest {

    private static final List<String> LABELS = List.of("negative", "positive");
    private static final List<String> TEXTS =
            List.of("a wonderful film", "a dull and boring film", "not wonderful at all , sadly");

    @TempDir
    Path dir;

    private ModelConfig config;

    @BeforeEach
    void writeArtifact() throws Exception {
        config = writeArtifact(dir, EncoderFamily.PRE_LN);
    }

    /** A random model of {@code family} over a vocabulary learned from {@code TEXTS}, in {@code dir}. */
    private static ModelConfig writeArtifact(Path dir, EncoderFamily family) throws Exception {
        List<String> vocabulary = new WordPieceTrainer(200, 1).learnVocabulary(TEXTS);
        WordPieceTrainer.writeTokenizerJson(vocabulary, dir.resolve(ModelArtifact.TOKENIZER));
        ModelConfig config = family == EncoderFamily.PRE_LN
                ? ModelConfig.preLn(vocabulary.size(), 2, 1, 16, 2, 32, 0.1f, 32, Pooling.MEAN)
                : new ModelConfig(vocabulary.size(), 2, 2, 16, 2, 32, 0.1f, 32, Pooling.MEAN, family, 64, 2, 1e-12f);
        try (Model model = Model.newInstance("test")) {
            ModelArtifact.writeWeights(dir, initialized(model, config));
        }
        ModelArtifact.writeManifest(dir, manifest(config));
        return config;
    }

    private static AbstractBlock initialized(Model model, ModelConfig config) {
        AbstractBlock block = config.family().newBlock(config);
        block.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
        block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8));
        return block;
    }

    @ParameterizedTest
    @EnumSource(EncoderFamily.class)
    void loadedModelOfEitherFamilyPredictsExactlyWhatTheSavedBlockPredicted(EncoderFamily family) throws Exception {
        Path artifact = Files.createDirectory(dir.resolve(family.name()));
        ModelConfig familyConfig = writeArtifact(artifact, family);
        List<Prediction> before;
        try (Model model = Model.newInstance("in-memory");
                HuggingFaceTokenizer tokenizer =
                        ModelArtifact.openTokenizer(artifact.resolve(ModelArtifact.TOKENIZER), 32)) {
            AbstractBlock block = initialized(model, familyConfig);
            try (var in = new java.io.DataInputStream(Files.newInputStream(artifact.resolve(ModelArtifact.WEIGHTS)))) {
                block.loadParameters(model.getNDManager(), in);
            }
            model.setBlock(block);
            try (Predictor<List<String>, List<Prediction>> predictor =
                    model.newPredictor(new ClassifierTranslator(tokenizer, LABELS))) {
                before = predictor.predict(TEXTS);
            }
        }

        try (TextClassifier loaded = ModelArtifact.load(artifact)) {
            assertEquals(before, loaded.predict(TEXTS));
            assertEquals(family.architecture(), loaded.manifest().architecture());
            assertEquals(family, loaded.manifest().hyperparameters().family());
        }
    }

    @Test
    void anArchitectureThatContradictsTheHyperparametersIsRefused() throws IOException {
        ArtifactManifest manifest = ModelArtifact.verify(dir);
        ArtifactManifest contradicting = new ArtifactManifest(manifest.name(), manifest.version(), manifest.created(),
                manifest.format(), EncoderFamily.BERT.architecture(), manifest.hyperparameters(),
                manifest.maxSequenceLength(), manifest.labels(), manifest.tokenizer(), manifest.weights(),
                manifest.training(), manifest.metrics(), manifest.validationMetrics(), manifest.lineage(),
                manifest.engine(), manifest.promotion(), List.of());
        ModelArtifact.writeManifest(dir, contradicting);

        InvalidArtifactException e = assertThrows(InvalidArtifactException.class, () -> ModelArtifact.load(dir));

        assertTrue(e.getMessage().contains("contradicts"), e.getMessage());
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
    void aReportIsListedWithItsSha256AndRefusedWhenAlteredButNeverNeededToLoad() throws Exception {
        Files.writeString(dir.resolve(ModelArtifact.REPORT), "<!DOCTYPE html><html><body>curves</body></html>");
        ArtifactManifest manifest = ModelArtifact.writeManifest(dir, ModelArtifact.verify(dir));
        assertEquals(List.of(ModelArtifact.TOKENIZER, ModelArtifact.WEIGHTS, ModelArtifact.REPORT),
                manifest.files().stream().map(ArtifactManifest.ArtifactFile::path).toList());
        assertEquals(dev.transformerlambda.digest.Sha256.of(dir.resolve(ModelArtifact.REPORT)),
                manifest.files().get(2).sha256());
        ModelArtifact.load(dir).close();

        Files.writeString(dir.resolve(ModelArtifact.REPORT), "<!DOCTYPE html><html><body>other curves</body></html>");
        InvalidArtifactException altered = assertThrows(InvalidArtifactException.class, () -> ModelArtifact.load(dir));
        assertTrue(altered.getMessage().contains("report.html does not match the manifest"), altered.getMessage());

        Files.delete(dir.resolve(ModelArtifact.REPORT));
        try (TextClassifier loaded = ModelArtifact.load(dir)) {
            assertEquals(3, loaded.predict(TEXTS).size(), "a missing report does not stop the model loading");
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
        ModelConfig wider = ModelConfig.preLn(config.vocabularySize(), 2, 1, 32, 2, 32, 0.1f, 32, Pooling.MEAN);
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
        TrainingSummary training = new TrainingSummary("train.tsv", "00", "dev.tsv", "00", "given", "00", 3, 2, 2,
                1, 1, 8, 1e-3f, 1e-3f, 1f, 0.01f, 0.1f, 0f, 3, 42, 1.0, "cpu()", null, null, null, null);
        return new ArtifactManifest("test", "20261129T000000Z-abcdef", "2026-11-29T00:00:00Z",
                ArtifactManifest.FORMAT, config.family().architecture(), config, config.maxLength(), LABELS,
                ModelArtifact.TOKENIZER, ModelArtifact.WEIGHTS, training, metrics, metrics, null,
                Map.of("djl", "test"), null, List.of());
    }
}
