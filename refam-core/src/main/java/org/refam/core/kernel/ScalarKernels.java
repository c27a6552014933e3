package org.refam.core.kernel;

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
        float w = weight / heads;
        for (int r = 0; r < rows; r++) {
            int d = dstOffset + r * cols;
            for (int h = 0; h < heads; h++) {
                int s = offset + h * headStride + r * rowStride;
                if (colStride == 1) {
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
        for (int r = 0; r < rows; r++) {
            int base = offset + r * cols;
            float s = 0f;
            for (int c : columns) {
                s += m[base + c];
            }
            out[outOffset + r] = s;
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
        int width = x0.length;
        for (int y = 0; y < y0.length; y++) {
            int r0 = offset + y0[y] * gridWidth;
            int r1 = offset + y1[y] * gridWidth;
            float wy = fy[y];
            int o = y * width;
            for (int x = 0; x < width; x++) {
                float wx = fx[x];
                float top = grid[r0 + x0[x]] + wx * (grid[r0 + x1[x]] - grid[r0 + x0[x]]);
                float bottom = grid[r1 + x0[x]] + wx * (grid[r1 + x1[x]] - grid[r1 + x0[x]]);
                out[o + x] = top + wy * (bottom - top);
            }
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
