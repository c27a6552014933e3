package org.refam.core.kernel;

import java.util.Arrays;

/**
 * Plain-Java loops: the reference implementation and the default. Sums that feed statistics are accumulated in
 * {@code double}; map arithmetic stays in {@code float}.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class ScalarKernels implements KernelSupport {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void accumulateHeadMean(float[] src, int offset, int heads, int rows, int cols, int headStride,
                                   int rowStride, int colStride, float weight, float[] dst, int dstOffset) {
        headMean(src, offset, heads, rows, cols, headStride, rowStride, colStride, weight, dst, dstOffset, true);
    }

    @Override
    public void headMean(float[] src, int offset, int heads, int rows, int cols, int headStride, int rowStride,
                         int colStride, float weight, float[] dst, int dstOffset) {
        headMean(src, offset, heads, rows, cols, headStride, rowStride, colStride, weight, dst, dstOffset, false);
    }

    private static void headMean(float[] src, int offset, int heads, int rows, int cols, int headStride,
                                 int rowStride, int colStride, float weight, float[] dst, int dstOffset, boolean add) {
        float w = weight / heads;
        for (int r = 0; r < rows; r++) {
            int d = dstOffset + r * cols;
            for (int h = 0; h < heads; h++) {
                int s = offset + h * headStride + r * rowStride;
                if (h == 0 && !add) {
                    for (int c = 0; c < cols; c++) {
                        dst[d + c] = w * src[s + c * colStride];
                    }
                } else if (colStride == 1) {
                    for (int c = 0; c < cols; c++) {
                        dst[d + c] += w * src[s + c];
                    }
                } else {
                    for (int c = 0; c < cols; c++) {
                        dst[d + c] += w * src[s + c * colStride];
                    }
                }
            }
        }
    }

    @Override
    public int renormalizeRows(float[] m, int offset, int rows, int cols, int[] keys) {
        int empty = 0;
        for (int r = 0; r < rows; r++) {
            int base = offset + r * cols;
            double sum = 0;
            if (keys == null) {
                for (int c = 0; c < cols; c++) {
                    sum += m[base + c];
                }
            } else {
                for (int k : keys) {
                    sum += m[base + k];
                }
            }
            if (sum > 0) {
                float inv = (float) (1.0 / sum);
                for (int c = 0; c < cols; c++) {
                    m[base + c] *= inv;
                }
            } else {
                empty++;
            }
        }
        return empty;
    }

    @Override
    public void columnStatistics(float[] m, int offset, int rows, int cols, double[] sum, double[] sumSq,
                                 double[] shareSum) {
        for (int r = 0; r < rows; r++) {
            int base = offset + r * cols;
            double rowSum = 0;
            for (int c = 0; c < cols; c++) {
                rowSum += m[base + c];
            }
            double inv = rowSum > 0 ? 1.0 / rowSum : 0.0;
            for (int c = 0; c < cols; c++) {
                double v = m[base + c];
                sum[c] += v;
                sumSq[c] += v * v;
                shareSum[c] += v * inv;
            }
        }
    }

    @Override
    public void zeroColumn(float[] m, int offset, int rows, int cols, int column) {
        for (int r = 0; r < rows; r++) {
            m[offset + r * cols + column] = 0f;
        }
    }

    @Override
    public void redirectColumn(float[] m, int offset, int rows, int cols, int column, int[] targets) {
        float part = 1f / targets.length;
        for (int r = 0; r < rows; r++) {
            int base = offset + r * cols;
            float v = m[base + column] * part;
            m[base + column] = 0f;
            for (int t : targets) {
                m[base + t] += v;
            }
        }
    }

    @Override
    public void sumColumns(float[] m, int offset, int rows, int cols, int[] columns, float[] out, int outOffset) {
        // one plain loop over the rows per selection size: the kept columns sit in one or two cache lines of each row,
        // so the loop waits on those lines, and a loop over the selection inside the row loop costs more than the
        // adds (refam-bench MatrixKernelsBench.maskedSum). Each row is summed in the selection's order from its
        // first kept column.
        int n = columns.length;
        if (n == 0) {
            Arrays.fill(out, outOffset, outOffset + rows, 0f);
            return;
        }
        int c0 = columns[0];
        int c1 = n > 1 ? columns[1] : 0;
        int c2 = n > 2 ? columns[2] : 0;
        int c3 = n > 3 ? columns[3] : 0;
        int base = offset;
        switch (n) {
            case 1:
                for (int r = 0; r < rows; r++, base += cols) {
                    out[outOffset + r] = m[base + c0];
                }
                break;
            case 2:
                for (int r = 0; r < rows; r++, base += cols) {
                    out[outOffset + r] = m[base + c0] + m[base + c1];
                }
                break;
            case 3:
                for (int r = 0; r < rows; r++, base += cols) {
                    out[outOffset + r] = m[base + c0] + m[base + c1] + m[base + c2];
                }
                break;
            default:
                for (int r = 0; r < rows; r++, base += cols) {
                    float s = m[base + c0] + m[base + c1] + m[base + c2] + m[base + c3];
                    for (int i = 4; i < n; i++) {
                        s += m[base + columns[i]];
                    }
                    out[outOffset + r] = s;
                }
                break;
        }
    }

    @Override
    public void gatherColumn(float[] m, int offset, int rows, int cols, int column, float[] out, int outOffset) {
        for (int r = 0; r < rows; r++) {
            out[outOffset + r] = m[offset + r * cols + column];
        }
    }

    @Override
    public void bilinear(float[] grid, int offset, int gridWidth, int[] x0, int[] x1, float[] fx, int[] y0, int[] y1,
                         float[] fy, float[] out) {
        bilinear(PLAIN_ROWS, grid, offset, gridWidth, x0, x1, fx, y0, y1, fy, out);
    }

    /** {@link #bilinear} with the two inner loops of {@code rows}. */
    static void bilinear(BilinearRows rows, float[] grid, int offset, int gridWidth, int[] x0, int[] x1, float[] fx,
                         int[] y0, int[] y1, float[] fy, float[] out) {
        // separable: each grid row is interpolated along x once (two rows are cached: output rows visit grid rows
        // in order), then every output row is a blend of two of them. Along x, the pixels between the same two grid
        // columns form runs (some 16 pixels each when 64 columns are stretched over 1024): per run the two grid
        // values are read once, instead of once per pixel. The float operations are those of interpolating each
        // pixel on its own, so the result is the same to the bit.
        int width = x0.length;
        int[] runs = runs(x0, x1);
        float[] top = new float[width];
        float[] bottom = new float[width];
        int topRow = -1;
        int bottomRow = -1;
        for (int y = 0; y < y0.length; y++) {
            int g0 = y0[y];
            int g1 = y1[y];
            if (topRow != g0 && bottomRow == g0) {
                float[] t = top;
                top = bottom;
                bottom = t;
                bottomRow = topRow;
                topRow = g0;
            }
            if (topRow != g0) {
                rows.interpolate(grid, offset + g0 * gridWidth, x0, x1, fx, runs, top);
                topRow = g0;
            }
            float[] lower = top;
            if (g1 != g0) {
                if (bottomRow != g1) {
                    rows.interpolate(grid, offset + g1 * gridWidth, x0, x1, fx, runs, bottom);
                    bottomRow = g1;
                }
                lower = bottom;
            }
            // consecutive output rows between the same two grid rows (16 of them when 64 rows are stretched over
            // 1024) are blended two at a time: each value of the two grid rows is read once for two outputs
            if (y + 1 < y0.length && y0[y + 1] == g0 && y1[y + 1] == g1) {
                rows.blendPair(top, lower, fy[y], fy[y + 1], out, y * width, (y + 1) * width);
                y++;
            } else {
                rows.blend(top, lower, fy[y], out, y * width);
            }
        }
    }

    /**
     * Where the runs of equal source columns start: the first index of every maximal range of x with the same
     * {@code (x0[x], x1[x])}, in increasing order, followed by {@code x0.length}.
     */
    static int[] runs(int[] x0, int[] x1) {
        int[] starts = new int[x0.length + 1];
        int n = 0;
        for (int x = 0; x < x0.length; x++) {
            if (x == 0 || x0[x] != x0[x - 1] || x1[x] != x1[x - 1]) {
                starts[n++] = x;
            }
        }
        starts[n++] = x0.length;
        return Arrays.copyOf(starts, n);
    }

    /** The two inner loops of the separable upsampling; {@code PanamaKernels} has vector versions. */
    interface BilinearRows {
        /**
         * {@code out[x] = a + fx[x] * (b - a)} for x in [0, out.length), with {@code a, b} the grid row's values at
         * {@code x0[x], x1[x]}; {@code runs} as {@link #runs} gives them for {@code x0, x1}.
         */
        void interpolate(float[] grid, int row, int[] x0, int[] x1, float[] fx, int[] runs, float[] out);

        /** {@code out[o + x] = top[x] + wy * (lower[x] - top[x])} for x in [0, top.length). */
        void blend(float[] top, float[] lower, float wy, float[] out, int o);

        /** {@link #blend} into two output rows: with {@code wy0} at {@code o0} and with {@code wy1} at {@code o1}. */
        void blendPair(float[] top, float[] lower, float wy0, float wy1, float[] out, int o0, int o1);
    }

    /** Plain loops; C2 vectorises the blend and the loop over a run. */
    static final BilinearRows PLAIN_ROWS = new BilinearRows() {
        @Override
        public void interpolate(float[] grid, int row, int[] x0, int[] x1, float[] fx, int[] runs, float[] out) {
            for (int i = 0; i + 1 < runs.length; i++) {
                interpolateRun(grid, row, x0, x1, fx, runs[i], runs[i + 1], out);
            }
        }

        @Override
        public void blend(float[] top, float[] lower, float wy, float[] out, int o) {
            blendFrom(top, lower, wy, out, o, 0, top.length);
        }

        @Override
        public void blendPair(float[] top, float[] lower, float wy0, float wy1, float[] out, int o0, int o1) {
            for (int x = 0; x < top.length; x++) {
                float t = top[x];
                float d = lower[x] - t;
                out[o0 + x] = t + wy0 * d;
                out[o1 + x] = t + wy1 * d;
            }
        }
    };

    /**
     * {@link BilinearRows#interpolate} for the run {@code [from, to)}: the pixels between the grid columns
     * {@code x0[from], x1[from]}.
     */
    static void interpolateRun(float[] grid, int row, int[] x0, int[] x1, float[] fx, int from, int to,
                               float[] out) {
        float a = grid[row + x0[from]];
        float d = grid[row + x1[from]] - a;
        for (int x = from; x < to; x++) {
            out[x] = a + fx[x] * d;
        }
    }

    /** {@link BilinearRows#blend} for the columns {@code [from, to)} (the head or tail of a vector loop). */
    static void blendFrom(float[] top, float[] lower, float wy, float[] out, int o, int from, int to) {
        for (int x = from; x < to; x++) {
            out[o + x] = top[x] + wy * (lower[x] - top[x]);
        }
    }

    @Override
    public void convolve(float[] src, int height, int width, float[] kernel, boolean alongRows, float[] dst) {
        int radius = kernel.length / 2;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float s = 0f;
                for (int k = -radius; k <= radius; k++) {
                    int xx = alongRows ? clamp(x + k, width) : x;
                    int yy = alongRows ? y : clamp(y + k, height);
                    s += kernel[k + radius] * src[yy * width + xx];
                }
                dst[y * width + x] = s;
            }
        }
    }

    private static int clamp(int i, int size) {
        return i < 0 ? 0 : (i >= size ? size - 1 : i);
    }

    @Override
    public int argmax(float[] v, int offset, int length) {
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            float x = v[offset + i];
            if (x > bestValue || (best < 0 && x == bestValue)) {
                best = i;
                bestValue = x;
            }
        }
        return Math.max(best, 0);
    }

    @Override
    public long firstNonFinite(float[] data, int offset, int[] shape, int[] strides) {
        int rank = shape.length;
        for (int d : shape) {
            if (d == 0) {
                return -1;
            }
        }
        if (rank == 0) {
            return Float.isFinite(data[offset]) ? -1 : 0;
        }
        int[] index = new int[rank];
        int inner = shape[rank - 1];
        int innerStride = strides[rank - 1];
        long ordinal = 0;
        while (true) {
            int base = offset;
            for (int i = 0; i < rank - 1; i++) {
                base += index[i] * strides[i];
            }
            for (int c = 0; c < inner; c++) {
                if (!Float.isFinite(data[base + c * innerStride])) {
                    return ordinal + c;
                }
            }
            ordinal += inner;
            int axis = rank - 2;
            while (axis >= 0) {
                if (++index[axis] < shape[axis]) {
                    break;
                }
                index[axis] = 0;
                axis--;
            }
            if (axis < 0) {
                return -1;
            }
        }
    }
}
