package dev.transformerlambda.pretrained;

import dev.transformerlambda.digest.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a BERT encoder's weights from an ONNX file exported from Hugging Face {@code BertModel}
 * (as the sentence-transformers ONNX files are): the initializers are the weights, and the nodes
 * that consume them name those the export renamed.
 */
public final class OnnxEncoderReader {

    private static final int DATA_TYPE_FLOAT = 1; // TensorProto.DataType.FLOAT

    /**
     * The export folds each Linear's weight into a constant named {@code onnx::MatMul_NNN}, stored
     * (in, out); the MatMul node that consumes it still carries the module path.
     */
    private static final Pattern LINEAR_MATMUL = Pattern.compile(
            "/encoder/layer\\.(\\d+)/(attention/self/query|attention/self/key|attention/self/value"
                    + "|attention/output/dense|intermediate/dense|output/dense)/MatMul");
    private static final Pattern LAYER_INDEX = Pattern.compile("encoder\\.layer\\.(\\d+)\\..*");

    private OnnxEncoderReader() {}

    /**
     * Reads the whole stream (an ONNX file fits in memory: MiniLM is 90 MB) and returns its weights.
     * The number of heads and the LayerNorm epsilon cannot be read from the weights, so the caller
     * supplies them; every other dimension is read from the tensor shapes.
     *
     * @param model the .onnx file's bytes; not closed
     * @param file the file's name, for messages and as the encoder's origin
     * @throws InvalidCheckpointException if the file is not a self-contained float32 BERT encoder
     */
    public static PretrainedEncoder read(InputStream model, String file, int heads, float layerNormEps)
            throws IOException {
        byte[] bytes = model.readAllBytes();
        OnnxGraph graph;
        try {
            graph = OnnxGraph.parse(bytes);
        } catch (IOException | RuntimeException e) {
            throw new InvalidCheckpointException(file + ": not a readable ONNX model: " + e.getMessage(), e);
        }
        Map<String, Tensor> weights = weights(graph.initializers(), linearWeightNames(graph.nodes()), file);
        BertShape shape = inferredShape(weights, heads, layerNormEps, file);
        return new PretrainedEncoder(shape, BertWeightNames.validated(weights, shape, file), file, Sha256.of(bytes));
    }

    /** Hugging Face names of the initializers consumed directly by a Linear's MatMul node. */
    private static Map<String, String> linearWeightNames(List<OnnxGraph.Node> nodes) {
        Map<String, String> names = new HashMap<>();
        for (OnnxGraph.Node node : nodes) {
            Matcher matcher = LINEAR_MATMUL.matcher(node.name());
            if (matcher.matches()) {
                String name = "encoder.layer." + matcher.group(1) + "." + matcher.group(2).replace('/', '.') + ".weight";
                for (String input : node.inputs()) {
                    names.put(input, name);
                }
            }
        }
        return names;
    }

    private static Map<String, Tensor> weights(List<OnnxGraph.Initializer> initializers, Map<String, String> linearNames,
            String file) throws InvalidCheckpointException {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (OnnxGraph.Initializer initializer : initializers) {
            if (initializer.external()) {
                throw new InvalidCheckpointException(file + ": tensor " + initializer.name()
                        + " is stored as external data; only self-contained .onnx files can be read"
                        + " (save the model with all tensors inside the file)");
            }
            String linearName = linearNames.get(initializer.name());
            String name = linearName != null ? linearName : initializer.name();
            if (BertWeightNames.unused(name)) {
                continue;
            }
            if (initializer.dataType() != DATA_TYPE_FLOAT) {
                throw new InvalidCheckpointException(file + ": tensor " + initializer.name() + " has ONNX data type "
                        + initializer.dataType() + ", not FLOAT (1); export the model in float32");
            }
            if (linearName != null && initializer.dims().length != 2) {
                throw new InvalidCheckpointException(file + ": tensor " + initializer.name() + " feeds " + linearName
                        + " but has shape " + Arrays.toString(initializer.dims()) + ", not a matrix");
            }
            Tensor tensor = new Tensor(initializer.dims(), values(initializer, file));
            Tensor previous = weights.put(name, linearName != null ? tensor.transposed() : tensor);
            if (previous != null) {
                throw new InvalidCheckpointException(file + ": two tensors are named " + name
                        + " (the second is " + initializer.name() + ")");
            }
        }
        return weights;
    }

    private static float[] values(OnnxGraph.Initializer initializer, String file) throws InvalidCheckpointException {
        long count = Tensor.elementCount(initializer.dims());
        if (initializer.rawData() != null) {
            if (initializer.rawData().size() != count * Float.BYTES) {
                throw new InvalidCheckpointException(file + ": tensor " + initializer.name() + " of shape "
                        + Arrays.toString(initializer.dims()) + " holds " + initializer.rawData().size()
                        + " bytes of data, expected " + count * Float.BYTES);
            }
            float[] values = new float[(int) count];
            // ONNX raw_data is little-endian whatever the platform.
            initializer.rawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return values;
        }
        if (initializer.floatData().length != count) {
            throw new InvalidCheckpointException(file + ": tensor " + initializer.name() + " of shape "
                    + Arrays.toString(initializer.dims()) + " holds " + initializer.floatData().length
                    + " values, expected " + count);
        }
        return initializer.floatData();
    }

    private static BertShape inferredShape(Map<String, Tensor> weights, int heads, float layerNormEps, String file)
            throws InvalidCheckpointException {
        int layers = 0;
        for (String name : weights.keySet()) {
            Matcher matcher = LAYER_INDEX.matcher(name);
            if (matcher.matches()) {
                layers = Math.max(layers, Integer.parseInt(matcher.group(1)) + 1);
            }
        }
        try {
            return new BertShape(
                    dimension(weights, "embeddings.word_embeddings.weight", 0, file),
                    dimension(weights, "embeddings.word_embeddings.weight", 1, file),
                    layers,
                    heads,
                    dimension(weights, "encoder.layer.0.intermediate.dense.bias", 0, file),
                    dimension(weights, "embeddings.position_embeddings.weight", 0, file),
                    dimension(weights, "embeddings.token_type_embeddings.weight", 0, file),
                    layerNormEps);
        } catch (IllegalArgumentException e) {
            throw new InvalidCheckpointException(file + ": not a BERT encoder: " + e.getMessage(), e);
        }
    }

    private static int dimension(Map<String, Tensor> weights, String name, int axis, String file)
            throws InvalidCheckpointException {
        Tensor tensor = weights.get(name);
        if (tensor == null || tensor.shape().length <= axis) {
            throw new InvalidCheckpointException(file + ": missing tensor " + name + " (or it has too few"
                    + " dimensions); it gives the encoder's size");
        }
        return Math.toIntExact(tensor.shape()[axis]);
    }
}
