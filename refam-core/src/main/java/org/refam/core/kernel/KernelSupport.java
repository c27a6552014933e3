package org.refam.core.kernel;

/**
 * The hot loops behind {@link AttentionKernels}. Arguments are already validated by the facade: implementations
 * may index without bounds checks of their own. {@link ScalarKernels} is the default; {@code PanamaKernels}, the
 * {@code jdk.incubator.vector} one, is chosen at start-up in {@link AttentionKernels} when the module is present.
 */
interface KernelSupport {

    /** Short name for the start-up log line. */
    String name();

    /** {@code dst[dstOffset + r*cols + c] += weight / heads * sum_h src[offset + h*hs + r*rs + c*cs]}. */
    void accumulateHeadMean(float[] src, int offset, int heads, int rows, int cols, int headStride, int rowStride,
                            int colStride, float weight, float[] dst, int dstOffset);

    /**
     * {@code dst[dstOffset + r*cols + c] = weight / heads * sum_h src[...]}: as {@link #accumulateHeadMean} but
     * overwriting {@code dst}, with the float operations of zeroing it first and accumulating, except that a first
     * term of -0 stays -0.
     */
    void headMean(float[] src, int offset, int heads, int rows, int cols, int headStride, int rowStride,
                  int colStride, float weight, float[] dst, int dstOffset);

    /** Divides each row by its sum over {@code keys} (all columns when null); returns the zero-mass rows. */
    int renormalizeRows(float[] m, int offset, int rows, int cols, int[] keys);

    /** Accumulates per column: sum, sum of squares and sum of row shares (value / row sum). */
    void columnStatistics(float[] m, int offset, int rows, int cols, double[] sum, double[] sumSq, double[] shareSum);

    /** Sets column {@code column} to zero. */
    void zeroColumn(float[] m, int offset, int rows, int cols, int column);

    /** Adds column {@code column} to {@code targets} in equal parts and zeroes it. */
    void redirectColumn(float[] m, int offset, int rows, int cols, int column, int[] targets);

    /** {@code out[outOffset + r] = sum_{c in columns} m[offset + r*cols + c]}. */
    void sumColumns(float[] m, int offset, int rows, int cols, int[] columns, float[] out, int outOffset);

    /** {@code out[outOffset + r] = m[offset + r*cols + column]}. */
    void gatherColumn(float[] m, int offset, int rows, int cols, int column, float[] out, int outOffset);

    /** Bilinear interpolation with precomputed (clamped) source indices and fractions per output column/row. */
    void bilinear(float[] grid, int offset, int gridWidth, int[] x0, int[] x1, float[] fx, int[] y0, int[] y1,
                  float[] fy, float[] out);

    /** 1-D convolution along rows ({@code alongRows}) or columns with edge clamping; kernel of odd length. */
    void convolve(float[] src, int height, int width, float[] kernel, boolean alongRows, float[] dst);

    /** Index (from {@code offset}) of the first largest value; NaN never wins. */
    int argmax(float[] v, int offset, int length);

    /**
     * Ordinal (row-major over {@code shape}) of the first NaN or infinite element of a strided view, or -1.
     */
    long firstNonFinite(float[] data, int offset, int[] shape, int[] strides);
}
