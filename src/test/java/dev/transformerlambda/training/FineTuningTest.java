package dev.transformerlambda.training;

import static dev.transformerlambda.training.TinyModels.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.LabelledText;
import dev.transformerlambda.data.ValidationSplit;
import dev.transformerlambda.digest.Sha256;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.BertClassifier;
import dev.transformerlambda.model.EncoderFamily;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.pretrained.HuggingFaceCheckpointReader;
import dev.transformerlambda.pretrained.PretrainedEncoder;
import dev.transformerlambda.pretrained.Tensor;
import dev.transformerlambda.pretrained.TinyBertCheckpoint;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tuning a pretrained BERT checkpoint (a small one the test writes) through {@code train}. */
class FineTuningTest {

    @TempDir
    Path dir;

    @Test
    void fineTuningMovesEveryLayerLowersTheLossAndRecordsWhereTheEncoderCameFrom() throws Exception {
        LabelledDataset train = fixture("sentiment-train.tsv");
        Path checkpoint = dir.resolve("checkpoint");
        TinyBertCheckpoint.write(checkpoint, train.examples().stream().map(LabelledText::text).toList(), 3);
        TrainingOptions options = TrainingOptions.fineTuning(checkpoint.toString()).name("tiny-bert").maxLength(32)
                .epochs(3).patience(3).batchSize(16).learningRate(2e-3f).headLearningRate(5e-3f).build();

        ClassifierTrainer.Result result = new ClassifierTrainer(options, new PrintWriter(new StringWriter()), false)
                .train(ValidationSplit.carve(train, 0.1, 42), fixture("sentiment-dev.tsv"), dir.resolve("model"));

        List<ArtifactManifest.Epoch> history = result.history();
        assertTrue(history.get(history.size() - 1).trainLoss() < history.get(0).trainLoss(), "loss falls: " + history);
        ArtifactManifest manifest = result.manifest();
        assertEquals(EncoderFamily.BERT.architecture(), manifest.architecture());
        assertEquals(checkpoint.toString(), manifest.lineage().pretrained().name());
        assertEquals(Sha256.of(checkpoint.resolve(HuggingFaceCheckpointReader.WEIGHTS)),
                manifest.lineage().pretrained().sha256());
        assertEquals(Files.readString(checkpoint.resolve("tokenizer.json")),
                Files.readString(result.artifact().resolve(ModelArtifact.TOKENIZER)), "the artifact carries its tokenizer");

        PretrainedEncoder before = HuggingFaceCheckpointReader.read(checkpoint);
        try (Model model = Model.newInstance("fine-tuned")) {
            BertClassifier block = new BertClassifier(manifest.hyperparameters());
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8));
            try (DataInputStream in = new DataInputStream(
                    Files.newInputStream(result.artifact().resolve(ModelArtifact.WEIGHTS)))) {
                block.loadParameters(model.getNDManager(), in);
            }
            for (Map.Entry<String, Parameter> entry : block.encoder().huggingFaceParameters().entrySet()) {
                if (entry.getKey().startsWith("embeddings.token_type") || entry.getKey().startsWith("embeddings.word")
                        || entry.getKey().startsWith("embeddings.position")) {
                    continue; // only the rows this data reaches move; checked below
                }
                Tensor original = before.weights().get(entry.getKey());
                assertFalse(Arrays.equals(original.values(), entry.getValue().getArray().toFloatArray()),
                        entry.getKey() + " moved");
            }
            float[] words = block.encoder().huggingFaceParameters().get("embeddings.word_embeddings.weight")
                    .getArray().toFloatArray();
            assertFalse(Arrays.equals(before.weights().get("embeddings.word_embeddings.weight").values(), words),
                    "the word embeddings of the training texts moved");
        }
    }

    @Test
    void aCheckpointThatDoesNotDescribeABertEncoderIsRefusedBeforeTraining() throws Exception {
        LabelledDataset train = fixture("sentiment-train.tsv");
        Path checkpoint = dir.resolve("checkpoint");
        TinyBertCheckpoint.write(checkpoint, train.examples().stream().map(LabelledText::text).toList(), 3);
        Files.writeString(checkpoint.resolve("config.json"),
                Files.readString(checkpoint.resolve("config.json")).replace("\"gelu\"", "\"relu\""));
        TrainingOptions options = TrainingOptions.fineTuning(checkpoint.toString()).maxLength(32).epochs(1).build();

        IOException e = assertThrows(IOException.class, () -> new ClassifierTrainer(options,
                new PrintWriter(new StringWriter()), false)
                .train(ValidationSplit.carve(train, 0.1, 42), null, dir.resolve("model")));

        assertTrue(e.getMessage().contains("hidden_act"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("model")), "no artifact is left behind");
    }
}
