package org.refam.core.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code jdk.incubator.vector} kernels for the loops the JIT does not vectorise well on its own: reductions (row
 * sums in renormalisation and sink statistics, argmax, the masked sum of kept tokens), early-exit scans (the NaN
 * check) and the head mean, which here adds all heads of a row chunk in registers and touches the destination once.
 * Everything else delegates to {@link ScalarKernels}, whose loops C2 already auto-vectorises or which are gathers
 * (column surgery, bilinear upsampling, convolution).
 *
 * <p>Only loaded reflectively by {@link AttentionKernels} when the module {@code jdk.incubator.vector} is in the
 * boot layer (JVM flag {@code --add-modules jdk.incubator.vector}); nothing else may refer to this class, so
 * that refam-core runs without the module.
 *
 * <p>Numerics: float sums are accumulated in vector lanes and folded into {@code double} every
 * {@value #FOLD_VECTORS} vectors, so results differ from the scalar loops by rounding only (a few ulps per
 * summed term); the sink statistics are accumulated in {@code double} lanes like the scalar code. Multiplications
 * are never fused ({@code fma} is slow where the hardware lacks it).
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class PanamaKernels implements KernelSupport {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Doubles of the preferred shape, and the float species with the same lane count (half the bits). */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FD = VectorSpecies.of(float.class,
            VectorShape.forBitSize(D.length() * Float.SIZE));
    /** Vectors summed in float lanes before the partial sum is folded into a double. */
    private static final int FOLD_VECTORS = 64;
    /** Vectors per argmax block: the block holding the maximum is rescanned for its first occurrence. */
    private static final int ARGMAX_BLOCK_VECTORS = 32;
    /** A masked sum is vectorised when the kept columns span at most this many vectors; else it is a gather. */
    private static final int MAX_MASKED_SPAN_VECTORS = 4;

    private final ScalarKernels scalar = new ScalarKernels();

    /**
     * @throws UnsupportedOperationException if the platform's preferred vectors hold fewer than 4 floats (the
     *     vector loops would be slower than the scalar ones)
     */
    PanamaKernels() {
        if (F.length() < 4 || D.length() < 2) {
            throw new UnsupportedOperationException("the preferred vector shape " + F.vectorShape()
                    + " holds " + F.length() + " floats; the vector kernels need at least 4");
        }
    }

    @Override
    public String name() {
        return "panama";
    }

    @Override
    public String toString() {
        return "panama (" + F.vectorBitSize() + "-bit vectors, " + F.length() + " float lanes)";
    }

    // ---------------------------------------------------------------------------------------------------------
    // aggregation

    @Override
    public void accumulateHeadMean(float[] src, int offset, int heads, int rows, int cols, int headStride,
                                   int rowStride, int colStride, float weight, float[] dst, int dstOffset) {
        if (colStride != 1 || cols < F.length()) {
            scalar.accumulateHeadMean(src, offset, heads, rows, cols, headStride, rowStride, colStride, weight, dst,
                    dstOffset);
            return;
        }
        float w = weight / heads;
        int step = F.length();
        int bound = F.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int d = dstOffset + r * cols;
            int s = offset + r * rowStride;
            int c = 0;
            for (; c < bound; c += step) {
                FloatVector acc = FloatVector.fromArray(F, src, s + c);
                for (int h = 1; h < heads; h++) {
                    acc = acc.add(FloatVector.fromArray(F, src, s + h * headStride + c));
                }
                acc.mul(w).add(FloatVector.fromArray(F, dst, d + c)).intoArray(dst, d + c);
            }
            for (; c < cols; c++) {
                float acc = 0f;
                for (int h = 0; h < heads; h++) {
                    acc += src[s + h * headStride + c];
                }
                dst[d + c] += w * acc;
            }
        }
    }

    @Override
    public int renormalizeRows(float[] m, int offset, int rows, int cols, int[] keys) {
        // keys are usually a prefix (non-padding keys) or all columns: sum a contiguous range with vectors
        int from = 0;
        int span = cols;
        boolean contiguous = true;
        if (keys != null) {
            contiguous = keys.length > 0;
            for (int i = 1; i < keys.length && contiguous; i++) {
                contiguous = keys[i] == keys[0] + i;
            }
            from = keys.length > 0 ? keys[0] : 0;
            span = keys.length;
        }
        int empty = 0;
        for (int r = 0; r < rows; r++) {
            int base = offset + r * cols;
            double sum;
            if (contiguous) {
                sum = sum(m, base + from, span);
            } else {
                sum = 0;
                for (int k : keys) {
                    sum += m[base + k];
                }
            }
            if (sum > 0) {
                scale(m, base, cols, (float) (1.0 / sum));
            } else {
                empty++;
            }
        }
        return empty;
    }

    /** Sum of {@code m[from .. from+length)}, float lanes folded into a double. */
    private static double sum(float[] m, int from, int length) {
        int step = F.length();
        int bound = F.loopBound(length);
        int fold = FOLD_VECTORS * step;
        double total = 0;
        int i = 0;
        while (i < bound) {
            int end = Math.min(bound, i + fold);
            FloatVector acc = FloatVector.zero(F);
            for (; i < end; i += step) {
                acc = acc.add(FloatVector.fromArray(F, m, from + i));
            }
            total += acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) {
            total += m[from + i];
        }
        return total;
    }

    private static void scale(float[] m, int from, int length, float factor) {
        int step = F.length();
        int bound = F.loopBound(length);
        int i = 0;
        for (; i < bound; i += step) {
            FloatVector.fromArray(F, m, from + i).mul(factor).intoArray(m, from + i);
        }
        for (; i < length; i++) {
            m[from + i] *= factor;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // sinks

    @Override
    public void columnStatistics(float[] m, int offset, int rows, int cols, double[] sum, double[] sumSq,
                                 double[] shareSum) {
        if (cols < D.length()) {
            scalar.columnStatistics(m, offset, rows, cols, sum, sumSq, shareSum);
            return;
        }
        int step = D.length();
        int bound = D.loopBound(cols);
        int r = 0;
        // four rows per pass over the accumulators: they are loaded and stored once per four rows
        for (; r + 4 <= rows; r += 4) {
            int b0 = offset + r * cols;
            int b1 = b0 + cols;
            int b2 = b1 + cols;
            int b3 = b2 + cols;
            double i0 = inverse(sum(m, b0, cols));
            double i1 = inverse(sum(m, b1, cols));
            double i2 = inverse(sum(m, b2, cols));
            double i3 = inverse(sum(m, b3, cols));
            int c = 0;
            for (; c < bound; c += step) {
                DoubleVector v0 = widen(m, b0 + c);
                DoubleVector v1 = widen(m, b1 + c);
                DoubleVector v2 = widen(m, b2 + c);
                DoubleVector v3 = widen(m, b3 + c);
                DoubleVector.fromArray(D, sum, c).add(v0).add(v1).add(v2).add(v3).intoArray(sum, c);
                DoubleVector.fromArray(D, sumSq, c).add(v0.mul(v0)).add(v1.mul(v1)).add(v2.mul(v2))
                        .add(v3.mul(v3)).intoArray(sumSq, c);
                DoubleVector.fromArray(D, shareSum, c).add(v0.mul(i0)).add(v1.mul(i1)).add(v2.mul(i2))
                        .add(v3.mul(i3)).intoArray(shareSum, c);
            }
            for (; c < cols; c++) {
                double v0 = m[b0 + c];
                double v1 = m[b1 + c];
                double v2 = m[b2 + c];
                double v3 = m[b3 + c];
                sum[c] = sum[c] + v0 + v1 + v2 + v3;
                sumSq[c] = sumSq[c] + v0 * v0 + v1 * v1 + v2 * v2 + v3 * v3;
                shareSum[c] = shareSum[c] + v0 * i0 + v1 * i1 + v2 * i2 + v3 * i3;
            }
        }
        for (; r < rows; r++) {
            int b = offset + r * cols;
            double inv = inverse(sum(m, b, cols));
            int c = 0;
            for (; c < bound; c += step) {
                DoubleVector v = widen(m, b + c);
                DoubleVector.fromArray(D, sum, c).add(v).intoArray(sum, c);
                DoubleVector.fromArray(D, sumSq, c).add(v.mul(v)).intoArray(sumSq, c);
                DoubleVector.fromArray(D, shareSum, c).add(v.mul(inv)).intoArray(shareSum, c);
            }
            for (; c < cols; c++) {
                double v = m[b + c];
                sum[c] += v;
                sumSq[c] += v * v;
                shareSum[c] += v * inv;
            }
        }
    }

    private static double inverse(double rowSum) {
        return rowSum > 0 ? 1.0 / rowSum : 0.0;
    }

    /** {@code D.length()} floats from {@code m[at]} as doubles. */
    private static DoubleVector widen(float[] m, int at) {
        return (DoubleVector) FloatVector.fromArray(FD, m, at).convertShape(VectorOperators.F2D, D, 0);
    }

    @Override
    public void zeroColumn(float[] m, int offset, int rows, int cols, int column) {
        scalar.zeroColumn(m, offset, rows, cols, column);
    }

    @Override
    public void redirectColumn(float[] m, int offset, int rows, int cols, int column, int[] targets) {
        scalar.redirectColumn(m, offset, rows, cols, column, targets);
    }

    // ---------------------------------------------------------------------------------------------------------
    // heat maps

    @Override
    public void sumColumns(float[] m, int offset, int rows, int cols, int[] columns, float[] out, int outOffset) {
        if (columns.length < 2) {
            scalar.sumColumns(m, offset, rows, cols, columns, out, outOffset);
            return;
        }
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int c : columns) {
            lo = Math.min(lo, c);
            hi = Math.max(hi, c);
        }
        int step = F.length();
        int chunks = (hi - lo + step) / step;
        boolean[] kept = new boolean[chunks * step];
        boolean repeated = false;
        for (int c : columns) {
            repeated |= kept[c - lo];
            kept[c - lo] = true;
        }
        if (repeated || chunks > MAX_MASKED_SPAN_VECTORS) {
            // a repeated column counts twice, a wide span is cheaper as a gather
            scalar.sumColumns(m, offset, rows, cols, columns, out, outOffset);
            return;
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        VectorMask<Float>[] masks = new VectorMask[chunks];
        for (int k = 0; k < chunks; k++) {
            masks[k] = VectorMask.fromArray(F, kept, k * step);
        }
        int span = chunks * step;
        for (int r = 0; r < rows; r++) {
            int base = offset + r * cols + lo;
            if (base + span > m.length) {
                // the last rows' chunks would run past the array: gather them
                scalar.sumColumns(m, offset + r * cols, rows - r, cols, columns, out, outOffset + r);
                return;
            }
            // masked lanes are skipped, not multiplied by zero: a non-finite value outside the selection stays out
            FloatVector acc = FloatVector.zero(F);
            for (int k = 0; k < chunks; k++) {
                acc = acc.add(FloatVector.fromArray(F, m, base + k * step), masks[k]);
            }
            out[outOffset + r] = acc.reduceLanes(VectorOperators.ADD);
        }
    }

    @Override
    public void gatherColumn(float[] m, int offset, int rows, int cols, int column, float[] out, int outOffset) {
        scalar.gatherColumn(m, offset, rows, cols, column, out, outOffset);
    }

    @Override
    public void bilinear(float[] grid, int offset, int gridWidth, int[] x0, int[] x1, float[] fx, int[] y0, int[] y1,
                         float[] fy, float[] out) {
        scalar.bilinear(grid, offset, gridWidth, x0, x1, fx, y0, y1, fy, out);
    }

    @Override
    public void convolve(float[] src, int height, int width, float[] kernel, boolean alongRows, float[] dst) {
        scalar.convolve(src, height, width, kernel, alongRows, dst);
    }

    @Override
    public int argmax(float[] v, int offset, int length) {
        int step = F.length();
        int bound = F.loopBound(length);
        int block = ARGMAX_BLOCK_VECTORS * step;
        // per block: lane-wise maximum (a NaN never compares greater, so it never enters); remember the first
        // block whose maximum beats every earlier one, then find the first occurrence inside it
        float bestValue = Float.NEGATIVE_INFINITY;
        int bestBlock = -1;
        for (int b = 0; b < bound; b += block) {
            int end = Math.min(bound, b + block);
            FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            for (int i = b; i < end; i += step) {
                FloatVector x = FloatVector.fromArray(F, v, offset + i);
                max = max.blend(x, x.compare(VectorOperators.GT, max));
            }
            if (max.compare(VectorOperators.GT, bestValue).anyTrue()) {
                bestValue = max.reduceLanes(VectorOperators.MAX);
                bestBlock = b;
            }
        }
        int best = -1;
        if (bestBlock >= 0) {
            int end = Math.min(bound, bestBlock + block);
            for (int i = bestBlock; i < end && best < 0; i++) {
                if (v[offset + i] == bestValue) {
                    best = i;
                }
            }
        }
        for (int i = bound; i < length; i++) {
            float x = v[offset + i];
            if (x > bestValue) {
                best = i;
                bestValue = x;
            }
        }
        // nothing above -Infinity: only NaN and -Infinity, where the scalar tie rules decide
        return best >= 0 ? best : scalar.argmax(v, offset, length);
    }

    // ---------------------------------------------------------------------------------------------------------
    // validation

    @Override
    public long firstNonFinite(float[] data, int offset, int[] shape, int[] strides) {
        int rank = shape.length;
        if (rank == 0 || strides[rank - 1] != 1) {
            return scalar.firstNonFinite(data, offset, shape, strides);
        }
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        if (size == 0) {
            return -1;
        }
        if (isDense(shape, strides)) {
            return firstNonFinite(data, offset, (int) size);
        }
        // strided outer axes, contiguous rows: scan row by row in row-major order
        int[] index = new int[rank];
        int inner = shape[rank - 1];
        long ordinal = 0;
        while (true) {
            int base = offset;
            for (int i = 0; i < rank - 1; i++) {
                base += index[i] * strides[i];
            }
            int bad = firstNonFinite(data, base, inner);
            if (bad >= 0) {
                return ordinal + bad;
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

    /** True when the view is row-major without gaps (axes of size 1 may have any stride). */
    private static boolean isDense(int[] shape, int[] strides) {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /** Index (from {@code from}) of the first NaN or infinity in {@code data[from .. from+length)}, or -1. */
    private static int firstNonFinite(float[] data, int from, int length) {
        int step = F.length();
        int bound = F.loopBound(length);
        int i = 0;
        for (; i < bound; i += step) {
            // |x| <= MAX_VALUE is false exactly for NaN and the infinities
            VectorMask<Float> finite = FloatVector.fromArray(F, data, from + i).abs()
                    .compare(VectorOperators.LE, Float.MAX_VALUE);
            if (!finite.allTrue()) {
                return i + finite.not().firstTrue();
            }
        }
        for (; i < length; i++) {
            if (!Float.isFinite(data[from + i])) {
                return i;
            }
        }
        return -1;
    }
}
