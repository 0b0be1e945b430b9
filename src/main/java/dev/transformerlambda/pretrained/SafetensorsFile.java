package dev.transformerlambda.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import dev.transformerlambda.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads tensors from a safetensors file: an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, then the raw little-endian data. Float32 is
 * read as is; float16 and bfloat16 are widened to float32, which loses nothing.
 */
final class SafetensorsFile {

    private SafetensorsFile() {}

    /**
     * The tensors whose names pass {@code load}, by their names in the file; the others are not
     * read, so their dtype does not matter.
     *
     * @throws InvalidCheckpointException if the header or a loaded tensor is malformed or truncated
     */
    static Map<String, Tensor> read(Path file, Predicate<String> load) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer lengthBytes = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            if (size < Long.BYTES || channel.read(lengthBytes, 0) != Long.BYTES) {
                throw new InvalidCheckpointException(file + ": too short for a safetensors file (" + size + " bytes)");
            }
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 0 || headerLength > size - Long.BYTES || headerLength > Integer.MAX_VALUE) {
                throw new InvalidCheckpointException(file + ": header length " + headerLength
                        + " is larger than the file (" + size + " bytes); not a safetensors file, or truncated");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            channel.read(headerBytes, Long.BYTES);
            JsonNode header;
            try {
                header = Json.MAPPER.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new InvalidCheckpointException(file + ": the header is not JSON: " + e.getMessage(), e);
            }
            if (header == null || !header.isObject()) {
                throw new InvalidCheckpointException(file + ": the header is not a JSON object");
            }
            long dataStart = Long.BYTES + headerLength;
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (!entry.getKey().equals("__metadata__") && load.test(entry.getKey())) {
                    tensors.put(entry.getKey(),
                            tensor(channel, dataStart, size - dataStart, entry.getKey(), entry.getValue(), file));
                }
            }
            return tensors;
        }
    }

    private static Tensor tensor(FileChannel channel, long dataStart, long dataSize, String name, JsonNode entry,
            Path file) throws IOException {
        JsonNode shapeNode = entry.path("shape");
        JsonNode offsets = entry.path("data_offsets");
        String dtype = entry.path("dtype").asText("");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new InvalidCheckpointException(file + ": tensor " + name
                    + " lacks a shape or a data_offsets pair in the header");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
        }
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new InvalidCheckpointException(file + ": tensor " + name + " has dtype " + dtype
                    + "; only F32 (or F16, BF16) can be read: convert to float32");
        };
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        long count = Tensor.elementCount(shape);
        if (begin < 0 || end < begin || end > dataSize) {
            throw new InvalidCheckpointException(file + ": tensor " + name + " has data_offsets [" + begin + ", "
                    + end + "] outside the " + dataSize + " bytes of data; the file is truncated or corrupt");
        }
        if (end - begin != count * width || count > Integer.MAX_VALUE) {
            throw new InvalidCheckpointException(file + ": tensor " + name + " of shape "
                    + Arrays.toString(shape) + " and dtype " + dtype + " needs " + count * width
                    + " bytes, its data_offsets give " + (end - begin));
        }
        ByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, end - begin)
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[(int) count];
        switch (dtype) {
            case "F32" -> data.asFloatBuffer().get(values);
            case "BF16" -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.intBitsToFloat((data.getShort(2 * i) & 0xffff) << 16);
                }
            }
            default -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = halfToFloat(data.getShort(2 * i));
                }
            }
        }
        return new Tensor(shape, values);
    }

    /** IEEE 754 half precision to single precision (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float subnormal = mantissa * 0x1p-24f;
            return sign != 0 ? -subnormal : subnormal;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
