package dev.transformerlambda.pretrained;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes safetensors files by hand, as the format describes them, so tests need no Python. */
final class SafetensorsWriter {

    private final ObjectNode header = new ObjectMapper().createObjectNode();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    SafetensorsWriter() {
        header.putObject("__metadata__").put("format", "pt");
    }

    SafetensorsWriter f32(String name, Tensor tensor) {
        ByteBuffer bytes = ByteBuffer.allocate(tensor.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(tensor.values());
        return raw(name, "F32", tensor.shape(), bytes.array());
    }

    SafetensorsWriter all(String prefix, Map<String, Tensor> tensors) {
        tensors.forEach((name, tensor) -> f32(prefix + name, tensor));
        return this;
    }

    /** A tensor with any dtype and bytes; offsets follow the bytes written so far. */
    SafetensorsWriter raw(String name, String dtype, long[] shape, byte[] bytes) {
        ObjectNode entry = header.putObject(name);
        entry.put("dtype", dtype);
        var dims = entry.putArray("shape");
        for (long dim : shape) {
            dims.add(dim);
        }
        entry.putArray("data_offsets").add(data.size()).add(data.size() + bytes.length);
        data.writeBytes(bytes);
        return this;
    }

    void write(Path file) throws IOException {
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, json.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(length.array());
        out.writeBytes(json);
        out.writeBytes(data.toByteArray());
        Files.write(file, out.toByteArray());
    }
}
