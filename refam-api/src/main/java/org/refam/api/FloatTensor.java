package org.refam.api;

import java.util.Arrays;

/**
 * A view of a flat {@code float[]} as an n-dimensional tensor with an explicit shape, strides (in elements) and
 * offset. This is how attention crosses the SPI: no {@code float[][][]}, no hidden copies.
 *
 * <p>The view does not copy its storage: whoever creates it must not change the array while the tensor is in
 * use. The constructor checks that every index of the shape lands inside the storage, so kernels may read
 * {@link #data()} with {@link #offset()} and {@link #strides()} without further bounds checks.
 *
 * <p>Thread-safety: immutable as a view; safe to share across threads as long as nobody writes the array.
 */
public final class FloatTensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int[] strides;

    private FloatTensor(float[] data, int offset, int[] shape, int[] strides) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    /**
     * Wraps {@code data} as a row-major (C-order) tensor of the given shape.
     *
     * @throws InvalidAttentionException if the shape has a negative dimension or its element count differs from
     *     {@code data.length}
     */
    public static FloatTensor of(float[] data, int... shape) {
        if (data == null) {
            throw new InvalidAttentionException("tensor data is null");
        }
        int[] s = shape.clone();
        long count = elementCount(s);
        if (count != data.length) {
            throw new InvalidAttentionException(
                    "shape " + Arrays.toString(s) + " holds " + count + " elements but the array has " + data.length);
        }
        return new FloatTensor(data, 0, s, rowMajorStrides(s));
    }

    /**
     * Wraps {@code data} with explicit offset and strides (in elements). Strides may be zero (broadcast) but not
     * negative.
     *
     * @throws InvalidAttentionException if shape and strides differ in rank, a dimension or stride is negative,
     *     or some index of the shape falls outside {@code data}
     */
    public static FloatTensor strided(float[] data, int offset, int[] shape, int[] strides) {
        if (data == null) {
            throw new InvalidAttentionException("tensor data is null");
        }
        int[] s = shape.clone();
        int[] st = strides.clone();
        if (s.length != st.length) {
            throw new InvalidAttentionException(
                    "shape " + Arrays.toString(s) + " and strides " + Arrays.toString(st) + " differ in rank");
        }
        long count = elementCount(s);
        long last = offset;
        for (int i = 0; i < s.length; i++) {
            if (st[i] < 0) {
                throw new InvalidAttentionException("negative stride " + st[i] + " in " + Arrays.toString(st));
            }
            last += (long) (s[i] - 1) * st[i];
        }
        if (offset < 0 || (count > 0 && last >= data.length)) {
            throw new InvalidAttentionException("shape " + Arrays.toString(s) + " with strides " + Arrays.toString(st)
                    + " and offset " + offset + " reaches element " + last + " of an array of length " + data.length);
        }
        return new FloatTensor(data, offset, s, st);
    }

    private static long elementCount(int[] shape) {
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new InvalidAttentionException("negative dimension in shape " + Arrays.toString(shape));
            }
            count *= d;
        }
        return count;
    }

    private static int[] rowMajorStrides(int[] shape) {
        int[] st = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = acc;
            acc *= shape[i];
        }
        return st;
    }

    /** The backing array (not a copy). */
    public float[] data() {
        return data;
    }

    /** Index in {@link #data()} of element (0, ..., 0). */
    public int offset() {
        return offset;
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code axis}. */
    public int dim(int axis) {
        return shape[axis];
    }

    /** Stride of dimension {@code axis}, in elements. */
    public int stride(int axis) {
        return strides[axis];
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** A copy of the strides. */
    public int[] strides() {
        return strides.clone();
    }

    /** Number of elements described by the shape. */
    public long size() {
        return elementCount(shape);
    }

    /** True when the strides are the row-major strides of the shape (the view is one dense block). */
    public boolean isContiguous() {
        return Arrays.equals(strides, rowMajorStrides(shape));
    }

    /** Index into {@link #data()} of the element at {@code index}; checks rank and bounds. */
    public int indexOf(int... index) {
        if (index.length != shape.length) {
            throw new IndexOutOfBoundsException(
                    "index " + Arrays.toString(index) + " has rank " + index.length + ", tensor has rank " + shape.length);
        }
        int at = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException(
                        "index " + Arrays.toString(index) + " outside shape " + Arrays.toString(shape));
            }
            at += index[i] * strides[i];
        }
        return at;
    }

    /** The element at {@code index}. */
    public float get(int... index) {
        return data[indexOf(index)];
    }

    /**
     * Checks that the tensor has the expected shape.
     *
     * @param what name used in the message, e.g. "image-to-text attention of block 12"
     * @throws InvalidAttentionException naming {@code what}, the expected and the actual shape
     */
    public void requireShape(String what, int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new InvalidAttentionException(
                    what + ": expected shape " + Arrays.toString(expected) + ", got " + Arrays.toString(shape));
        }
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
