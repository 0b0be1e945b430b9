package dev.transformerlambda.benchmark;

import ai.djl.Model;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ClassifierTranslator;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The same model in this JVM, without the handler: the DJL predictor the function uses (tokenize,
 * forward, softmax) and the bare forward pass on token ids tokenized beforehand, which is what the
 * PyTorch peer times too. Thread counts come from DJL's system properties, set before the engine loads.
 */
final class ForwardBenchmark implements AutoCloseable {

    private final TextClassifier classifier;
    private final Predictor<List<String>, List<Prediction>> predictor;
    private final Model bare;
    private final HuggingFaceTokenizer tokenizer;

    ForwardBenchmark(Path artifact) throws Exception {
        classifier = ModelArtifact.load(artifact);
        predictor = classifier.newPredictor();
        ArtifactManifest manifest = ModelArtifact.verify(artifact);
        Block block = manifest.hyperparameters().family().newBlock(manifest.hyperparameters());
        bare = Model.newInstance("bare");
        block.initialize(bare.getNDManager(), DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1));
        try (DataInputStream in = new DataInputStream(
                new BufferedInputStream(Files.newInputStream(artifact.resolve(manifest.weights()))))) {
            block.loadParameters(bare.getNDManager(), in);
        }
        bare.setBlock(block);
        tokenizer = ModelArtifact.openTokenizer(artifact.resolve(manifest.tokenizer()), manifest.maxSequenceLength());
    }

    /** Tokens the model sees for {@code text}, special tokens included. */
    int tokens(String text) {
        return tokenizer.encode(text).getIds().length;
    }

    /** The function's predictor: tokenization, forward pass and softmax. */
    Timings predictor(List<String> texts, int warmUp, int repeats) throws Exception {
        return Timings.measure(warmUp, repeats, () -> predictor.predict(texts));
    }

    /** The bare forward pass: tensors from token ids, forward, softmax, back to Java floats. */
    Timings forward(List<String> texts, int warmUp, int repeats) throws Exception {
        Encoding[] encodings = tokenizer.batchEncode(texts);
        ParameterStore parameters = new ParameterStore(bare.getNDManager(), false);
        return Timings.measure(warmUp, repeats, () -> {
            try (NDManager manager = bare.getNDManager().newSubManager()) {
                NDList input = ClassifierTranslator.toArrays(manager, encodings);
                bare.getBlock().forward(parameters, input, false).head().softmax(-1).toFloatArray();
            }
        });
    }

    @Override
    public void close() {
        tokenizer.close();
        bare.close();
        predictor.close();
        classifier.close();
    }
}
