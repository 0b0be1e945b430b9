package dev.transformerlambda.pretrained;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Writes small ONNX ModelProtos by hand (field numbers from onnx.proto3), shaped like a
 * Hugging Face export: initializers and the nodes that consume them, nothing else.
 */
final class OnnxWriter {

    private final ByteArrayOutputStream graph = new ByteArrayOutputStream();

    /** A float initializer stored as little-endian raw_data (field 9), as exports do. */
    OnnxWriter raw(String name, Tensor tensor) {
        ByteBuffer bytes = ByteBuffer.allocate(tensor.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(tensor.values());
        return initializer(message(out -> {
            writeDims(out, tensor.shape());
            out.writeInt32(2, 1);
            out.writeString(8, name);
            out.writeByteArray(9, bytes.array());
        }));
    }

    /** A float initializer stored as packed float_data (field 4). */
    OnnxWriter floatData(String name, Tensor tensor) {
        return initializer(message(out -> {
            writeDims(out, tensor.shape());
            out.writeInt32(2, 1);
            out.writeString(8, name);
            out.writeTag(4, 2);
            out.writeUInt32NoTag(tensor.values().length * 4);
            for (float value : tensor.values()) {
                out.writeFloatNoTag(value);
            }
        }));
    }

    /** An int64 initializer (data type 7), like the position_ids buffer. */
    OnnxWriter int64(String name, long[] shape) {
        return initializer(message(out -> {
            writeDims(out, shape);
            out.writeInt32(2, 7);
            out.writeString(8, name);
            out.writeByteArray(9, new byte[(int) Tensor.elementCount(shape) * 8]);
        }));
    }

    /** A float initializer whose data lives in another file (external_data, data_location EXTERNAL). */
    OnnxWriter external(String name, long[] shape) {
        return initializer(message(out -> {
            writeDims(out, shape);
            out.writeInt32(2, 1);
            out.writeString(8, name);
            out.writeByteArray(13, message(entry -> {
                entry.writeString(1, "location");
                entry.writeString(2, "model.onnx_data");
            }));
            out.writeEnum(14, 1);
        }));
    }

    OnnxWriter node(String name, String opType, List<String> inputs) {
        byte[] node = message(out -> {
            for (String input : inputs) {
                out.writeString(1, input);
            }
            out.writeString(2, name + "_output_0");
            out.writeString(3, name);
            out.writeString(4, opType);
        });
        return append(1, node);
    }

    byte[] model() {
        byte[] graphBytes = graph.toByteArray();
        return message(out -> {
            out.writeInt64(1, 8); // ir_version
            out.writeString(2, "pytorch");
            out.writeByteArray(7, graphBytes);
        });
    }

    private OnnxWriter initializer(byte[] tensor) {
        return append(5, tensor);
    }

    private OnnxWriter append(int field, byte[] message) {
        graph.writeBytes(message(out -> out.writeByteArray(field, message)));
        return this;
    }

    private static void writeDims(CodedOutputStream out, long[] shape) throws IOException {
        for (long dim : shape) {
            out.writeInt64(1, dim);
        }
    }

    private interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Fields fields) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            fields.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
