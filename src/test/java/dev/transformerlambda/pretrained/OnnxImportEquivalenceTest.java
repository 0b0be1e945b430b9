package dev.transformerlambda.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.transformerlambda.model.BertEncoder;
import dev.transformerlambda.model.EncoderFamily;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.ModelConfig;
import dev.transformerlambda.model.Pooling;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The imported all-MiniLM-L6-v2 computes what the ONNX file it came from computes, run by ONNX
 * Runtime: the same last hidden states, token by token, for a padded batch.
 */
class OnnxImportEquivalenceTest {

    private static final List<String> TEXTS = List.of(
            "a gripping , beautifully acted film .",
            "it 's a dull , lifeless and overlong mess that never finds its footing , sadly .",
            "meh");

    @TempDir
    Path dir;

    @Test
    void importedMiniLmHiddenStatesEqualOnnxRuntimes() throws Exception {
        PretrainedSource source = PretrainedCatalog.open("minilm", dir);
        BertShape shape = source.encoder().shape();
        ModelConfig config = new ModelConfig(shape.vocabSize(), 2, shape.layers(), shape.hiddenSize(), shape.heads(),
                shape.intermediateSize(), 0.1f, 128, Pooling.MEAN, EncoderFamily.BERT, shape.maxPositions(),
                shape.typeVocabSize(), shape.layerNormEps());
        Encoding[] encodings;
        try (HuggingFaceTokenizer tokenizer = ModelArtifact.openTokenizer(source.tokenizer(), 128)) {
            encodings = tokenizer.batchEncode(TEXTS);
        }
        int batch = encodings.length;
        int length = encodings[0].getIds().length;
        long[][] ids = new long[batch][];
        long[][] mask = new long[batch][];
        for (int i = 0; i < batch; i++) {
            ids[i] = encodings[i].getIds();
            mask[i] = encodings[i].getAttentionMask();
        }

        float[] ours;
        try (NDManager manager = NDManager.newBaseManager()) {
            BertEncoder encoder = new BertEncoder(config);
            encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8));
            EncoderWeights.copy(source.encoder(), encoder);
            NDArray hidden = encoder.forward(new ParameterStore(manager, false),
                    new NDList(manager.create(ids), manager.create(mask)), false).head();
            assertEquals(new Shape(batch, length, shape.hiddenSize()), hidden.getShape());
            ours = hidden.toFloatArray();
        }

        float[] reference = onnxRuntime(ids, mask);

        double worst = 0;
        int compared = 0;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) {
                if (mask[b][t] == 0) {
                    continue; // padding positions are masked out of everything that uses them
                }
                for (int e = 0; e < shape.hiddenSize(); e++) {
                    int index = (b * length + t) * shape.hiddenSize() + e;
                    worst = Math.max(worst, Math.abs(ours[index] - reference[index]));
                    compared++;
                }
            }
        }
        System.out.printf("MiniLM import against ONNX Runtime: largest difference %.2e over %d values%n", worst,
                compared);
        assertTrue(compared > 20 * shape.hiddenSize(), "compared " + compared + " values");
        assertTrue(worst < 1e-4, "largest difference from ONNX Runtime: " + worst);
    }

    /** The last hidden states of the catalogued .onnx file, run by ONNX Runtime. */
    private static float[] onnxRuntime(long[][] ids, long[][] mask) throws Exception {
        PretrainedCatalog.Entry entry = PretrainedCatalog.find("minilm").orElseThrow();
        byte[] model;
        try (ZipFile jar = new ZipFile(PretrainedCatalog.jar(entry).toFile())) {
            model = jar.getInputStream(jar.getEntry(entry.onnxEntry())).readAllBytes();
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(model, new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                for (String name : session.getInputNames()) {
                    long[][] values = switch (name) {
                        case "input_ids" -> ids;
                        case "attention_mask" -> mask;
                        case "token_type_ids" -> new long[ids.length][ids[0].length];
                        default -> throw new IllegalStateException("unexpected ONNX input " + name);
                    };
                    inputs.put(name, OnnxTensor.createTensor(environment, values));
                }
                try (OrtSession.Result result = session.run(inputs)) {
                    float[][][] hidden = (float[][][]) result.get(0).getValue();
                    float[] flat = new float[hidden.length * hidden[0].length * hidden[0][0].length];
                    int i = 0;
                    for (float[][] text : hidden) {
                        for (float[] token : text) {
                            System.arraycopy(token, 0, flat, i, token.length);
                            i += token.length;
                        }
                    }
                    return flat;
                }
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }
}
