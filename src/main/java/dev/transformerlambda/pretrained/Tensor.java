package dev.transformerlambda.pretrained;

import java.util.Arrays;

/**
 * A float32 tensor: its shape and its values in row-major order.
 *
 * @param shape the size of each dimension
 * @param values the values, row-major; as many as the product of {@code shape}
 */
public record Tensor(long[] shape, float[] values) {

    public Tensor {
        if (elementCount(shape) != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds "
                    + elementCount(shape) + " values, not " + values.length);
        }
    }

    /** The number of values a tensor of this shape holds. */
    public static long elementCount(long[] shape) {
        long count = 1;
        for (long dimension : shape) {
            if (dimension < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, dimension);
        }
        return count;
    }

    /** This matrix with rows and columns swapped: ONNX stores Linear weights as (in, out). */
    public Tensor transposed() {
        if (shape.length != 2) {
            throw new IllegalStateException("only a matrix can be transposed, not " + Arrays.toString(shape));
        }
        int rows = (int) shape[0];
        int columns = (int) shape[1];
        float[] swapped = new float[values.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                swapped[c * rows + r] = values[r * columns + c];
            }
        }
        return new Tensor(new long[] {columns, rows}, swapped);
    }

    // Records compare arrays by identity; tensors are equal when their contents are.
    @Override
    public boolean equals(Object other) {
        return other instanceof Tensor tensor
                && Arrays.equals(shape, tensor.shape)
                && Arrays.equals(values, tensor.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
