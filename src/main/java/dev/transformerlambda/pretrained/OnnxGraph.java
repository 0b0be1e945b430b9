package dev.transformerlambda.pretrained;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parts of an ONNX graph a weight import needs: initializers and the names and inputs of nodes.
 * ONNX is protobuf; it is walked field by field with {@link CodedInputStream} rather than through
 * generated ONNX classes, which would bring the whole schema for these few fields.
 *
 * @param initializers the graph's initializers, in file order
 * @param nodes the graph's top-level nodes
 */
record OnnxGraph(List<Initializer> initializers, List<Node> nodes) {

    // Field numbers from onnx/onnx.proto3.
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int NODE_INPUT = 1;
    private static final int NODE_NAME = 3;
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_FLOAT_DATA = 4;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int TENSOR_EXTERNAL_DATA = 13;
    private static final int TENSOR_DATA_LOCATION = 14;
    private static final int DATA_LOCATION_EXTERNAL = 1;

    /** A node's name and the names of its inputs. */
    record Node(String name, List<String> inputs) {}

    /**
     * A TensorProto as stored: data in {@code rawData} (little-endian) or in {@code floatData}.
     *
     * @param external whether its data lives in another file
     */
    record Initializer(String name, long[] dims, int dataType, ByteString rawData, float[] floatData,
            boolean external) {}

    /** Parses a ModelProto; raw data is not copied but points into {@code model}. */
    static OnnxGraph parse(byte[] model) throws IOException {
        List<Initializer> initializers = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        CodedInputStream in = CodedInputStream.newInstance(model);
        in.enableAliasing(true);
        readModel(in, initializers, nodes);
        return new OnnxGraph(initializers, nodes);
    }

    private static void readModel(CodedInputStream in, List<Initializer> initializers, List<Node> nodes)
            throws IOException {
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (isMessage(tag, MODEL_GRAPH)) {
                int limit = in.pushLimit(in.readRawVarint32());
                readGraph(in, initializers, nodes);
                in.popLimit(limit);
            } else {
                in.skipField(tag);
            }
        }
    }

    private static void readGraph(CodedInputStream in, List<Initializer> initializers, List<Node> nodes)
            throws IOException {
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (isMessage(tag, GRAPH_NODE) || isMessage(tag, GRAPH_INITIALIZER)) {
                int limit = in.pushLimit(in.readRawVarint32());
                if (WireFormat.getTagFieldNumber(tag) == GRAPH_NODE) {
                    nodes.add(readNode(in));
                } else {
                    initializers.add(readTensor(in));
                }
                in.popLimit(limit);
            } else {
                in.skipField(tag);
            }
        }
    }

    private static Node readNode(CodedInputStream in) throws IOException {
        String name = "";
        List<String> inputs = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (isMessage(tag, NODE_INPUT)) {
                inputs.add(in.readStringRequireUtf8());
            } else if (isMessage(tag, NODE_NAME)) {
                name = in.readStringRequireUtf8();
            } else {
                in.skipField(tag);
            }
        }
        return new Node(name, inputs);
    }

    private static Initializer readTensor(CodedInputStream in) throws IOException {
        String name = "";
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        ByteString rawData = null;
        FloatList floatData = new FloatList();
        boolean external = false;
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            boolean packed = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            switch (field) {
                case TENSOR_DIMS -> {
                    if (packed) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (!in.isAtEnd()) {
                            dims.add(in.readInt64());
                        }
                        in.popLimit(limit);
                    } else {
                        dims.add(in.readInt64());
                    }
                }
                case TENSOR_DATA_TYPE -> dataType = in.readInt32();
                case TENSOR_FLOAT_DATA -> {
                    if (packed) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (!in.isAtEnd()) {
                            floatData.add(in.readFloat());
                        }
                        in.popLimit(limit);
                    } else {
                        floatData.add(in.readFloat());
                    }
                }
                case TENSOR_NAME -> name = in.readStringRequireUtf8();
                case TENSOR_RAW_DATA -> rawData = in.readBytes();
                case TENSOR_EXTERNAL_DATA -> {
                    external = true;
                    in.skipField(tag);
                }
                case TENSOR_DATA_LOCATION -> external |= in.readEnum() == DATA_LOCATION_EXTERNAL;
                default -> in.skipField(tag);
            }
        }
        return new Initializer(name, dims.stream().mapToLong(Long::longValue).toArray(), dataType, rawData, floatData.toArray(), external);
    }

    private static boolean isMessage(int tag, int field) {
        return WireFormat.getTagFieldNumber(tag) == field
                && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    /** A growable float array: unpacked float_data comes one field at a time. */
    private static final class FloatList {
        private float[] values = new float[16];
        private int size;

        void add(float value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        float[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
