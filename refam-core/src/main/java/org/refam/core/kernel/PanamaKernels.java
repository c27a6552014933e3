package org.refam.core.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code jdk.incubator.vector} kernels for the loops the JIT does not vectorise well on its own: reductions (row
 * sums in renormalisation and sink statistics, argmax), early-exit scans (the NaN check), the head mean (C2 does not
 * vectorise {@code dst[d + c] += w * src[s + c]} with two unrelated offsets; here it is blocked so that the
 * destination stays in the first-level cache while the heads stream through it four at a time, summed in
 * registers) and the inner loops of the separable bilinear upsampling (gathers along x, blends of two rows). The
 * masked sum of kept columns, column surgery, column gathers and the Gaussian convolution delegate to
 * {@link ScalarKernels}.
 *
 * <p>Only loaded reflectively by {@link AttentionKernels} when the module {@code jdk.incubator.vector} is in the
 * boot layer (JVM flag {@code --add-modules jdk.incubator.vector}); nothing else may refer to this class, so
 * that refam-core runs without the module.
 *
 * <p>Numerics: float sums are accumulated in vector lanes and folded into {@code double} every
 * {@value #FOLD_VECTORS} vectors; the sink statistics of {@value #STATISTICS_ROWS} rows at a time are summed in
 * float lanes (with fused multiply-add where the hardware has it, see {@link #FMA}) and then folded into the
 * {@code double} accumulators. Results therefore differ from the scalar loops by rounding only (a few float ulps per
 * summed term); the head mean, upsampling, argmax and the NaN check give exactly the scalar results.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class PanamaKernels implements KernelSupport {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /**
     * For compare-and-blend loops: at most 256 bits. With JDK 17 on AMD Zen 4, a 512-bit compare-into-mask and blend
     * chain ran 3 to 7 times slower than the 256-bit one (refam-bench, docs/performance.md).
     */
    private static final VectorSpecies<Float> FM = F.vectorBitSize() > 256 ? FloatVector.SPECIES_256 : F;
    /** Doubles of the preferred shape, and the float species with the same lane count (half the bits). */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FD = VectorSpecies.of(float.class,
            VectorShape.forBitSize(D.length() * Float.SIZE));
    /** Vectors summed in float lanes before the partial sum is folded into a double. */
    private static final int FOLD_VECTORS = 64;
    /** Vectors per block of the argmax and NaN scans: a block with a hit is rescanned element by element. */
    private static final int BLOCK_VECTORS = 32;
    /**
     * Rows whose column statistics are summed in float lanes before they are folded into the double sums: 64 rows
     * of T = 512 are 128 KiB, read twice (row sums, then column sums) from the second-level cache.
     */
    private static final int STATISTICS_ROWS = 64;
    /**
     * Whether the column statistics use fused multiply-add: only where HotSpot compiles it to one instruction
     * ({@code -XX:+UseFMA}, on by default on CPUs that have it); elsewhere a fused operation is emulated and slow.
     */
    private static final boolean FMA = hotSpotFlag("UseFMA");
    /** Destination floats of one block of the head mean (16 KiB, half a first-level data cache). */
    private static final int HEAD_MEAN_BLOCK_FLOATS = 4096;

    private final ScalarKernels scalar = new ScalarKernels();

    private static boolean hotSpotFlag(String name) {
        try {
            return Boolean.parseBoolean(java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption(name).getValue());
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

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
        return "panama (" + F.vectorBitSize() + "-bit vectors, " + F.length() + " float lanes"
                + (FMA ? ", fused multiply-add" : "") + ")";
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
        headMean(src, offset, heads, rows, cols, headStride, rowStride, weight, dst, dstOffset, true);
    }

    @Override
    public void headMean(float[] src, int offset, int heads, int rows, int cols, int headStride, int rowStride,
                         int colStride, float weight, float[] dst, int dstOffset) {
        if (colStride != 1 || cols < F.length()) {
            scalar.headMean(src, offset, heads, rows, cols, headStride, rowStride, colStride, weight, dst,
                    dstOffset);
            return;
        }
        headMean(src, offset, heads, rows, cols, headStride, rowStride, weight, dst, dstOffset, false);
    }

    private static void headMean(float[] src, int offset, int heads, int rows, int cols, int headStride,
                                 int rowStride, float weight, float[] dst, int dstOffset, boolean add) {
        float w = weight / heads;
        // blocks of rows whose destination stays in the first-level cache; within a block the heads four at a time,
        // summed into the destination in registers: a few contiguous streams at a time, and the destination loaded
        // and stored once per four heads instead of once per head
        int blockRows = Math.max(1, HEAD_MEAN_BLOCK_FLOATS / cols);
        for (int r0 = 0; r0 < rows; r0 += blockRows) {
            int r1 = Math.min(rows, r0 + blockRows);
            int h = 0;
            for (; h + 4 <= heads; h += 4) {
                boolean overwrite = h == 0 && !add;
                for (int r = r0; r < r1; r++) {
                    addFourHeads(src, offset + h * headStride + r * rowStride, headStride, w, dst,
                            dstOffset + r * cols, cols, overwrite);
                }
            }
            for (; h < heads; h++) {
                boolean overwrite = h == 0 && !add;
                for (int r = r0; r < r1; r++) {
                    addHead(src, offset + h * headStride + r * rowStride, w, dst, dstOffset + r * cols, cols,
                            overwrite);
                }
            }
        }
    }

    /*
     * The two helpers below are straight-line per vector: with JDK 17, a vector that merges two definitions (a loop
     * over a variable number of heads, or a conditional first term) was not kept in a register but boxed, which
     * allocated some 100 bytes per vector in the pipeline.
     */

    /**
     * {@code dst[d .. d+length) += w * src[s + k*hs ..]} for heads k = 0..3 in that order (the first head replaces
     * {@code dst} when {@code overwrite}): the float operations of the scalar loop, in its order.
     */
    private static void addFourHeads(float[] src, int s, int hs, float w, float[] dst, int d, int length,
                                     boolean overwrite) {
        int step = F.length();
        int bound = F.loopBound(length);
        int c = 0;
        if (overwrite) {
            for (; c < bound; c += step) {
                FloatVector.fromArray(F, src, s + c).mul(w)
                        .add(FloatVector.fromArray(F, src, s + hs + c).mul(w))
                        .add(FloatVector.fromArray(F, src, s + 2 * hs + c).mul(w))
                        .add(FloatVector.fromArray(F, src, s + 3 * hs + c).mul(w))
                        .intoArray(dst, d + c);
            }
        } else {
            for (; c < bound; c += step) {
                FloatVector.fromArray(F, dst, d + c)
                        .add(FloatVector.fromArray(F, src, s + c).mul(w))
                        .add(FloatVector.fromArray(F, src, s + hs + c).mul(w))
                        .add(FloatVector.fromArray(F, src, s + 2 * hs + c).mul(w))
                        .add(FloatVector.fromArray(F, src, s + 3 * hs + c).mul(w))
                        .intoArray(dst, d + c);
            }
        }
        for (; c < length; c++) {
            float v = overwrite ? w * src[s + c] : dst[d + c] + w * src[s + c];
            dst[d + c] = v + w * src[s + hs + c] + w * src[s + 2 * hs + c] + w * src[s + 3 * hs + c];
        }
    }

    /** {@code dst[d .. d+length) += w * src[s ..]}, or {@code =} when {@code overwrite}. */
    private static void addHead(float[] src, int s, float w, float[] dst, int d, int length, boolean overwrite) {
        int step = F.length();
        int bound = F.loopBound(length);
        int c = 0;
        if (overwrite) {
            for (; c < bound; c += step) {
                FloatVector.fromArray(F, src, s + c).mul(w).intoArray(dst, d + c);
            }
            for (; c < length; c++) {
                dst[d + c] = w * src[s + c];
            }
        } else {
            for (; c < bound; c += step) {
                FloatVector.fromArray(F, dst, d + c).add(FloatVector.fromArray(F, src, s + c).mul(w))
                        .intoArray(dst, d + c);
            }
            for (; c < length; c++) {
                dst[d + c] += w * src[s + c];
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
        int unrolled = 4 * step;
        double total = 0;
        int i = 0;
        while (length - i >= unrolled) {
            int end = i + Math.min(FOLD_VECTORS * step, (length - i) / unrolled * unrolled);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (; i < end; i += unrolled) {
                a0 = a0.add(FloatVector.fromArray(F, m, from + i));
                a1 = a1.add(FloatVector.fromArray(F, m, from + i + step));
                a2 = a2.add(FloatVector.fromArray(F, m, from + i + 2 * step));
                a3 = a3.add(FloatVector.fromArray(F, m, from + i + 3 * step));
            }
            total += a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
        }
        if (length - i >= step) {
            FloatVector rest = FloatVector.zero(F);
            for (; length - i >= step; i += step) {
                rest = rest.add(FloatVector.fromArray(F, m, from + i));
            }
            total += rest.reduceLanes(VectorOperators.ADD);
        }
        // the tail in four independent float chains rather than one chain of double adds
        float t0 = 0f;
        float t1 = 0f;
        float t2 = 0f;
        float t3 = 0f;
        for (; i + 4 <= length; i += 4) {
            t0 += m[from + i];
            t1 += m[from + i + 1];
            t2 += m[from + i + 2];
            t3 += m[from + i + 3];
        }
        for (; i < length; i++) {
            t0 += m[from + i];
        }
        return total + ((t0 + t1) + (t2 + t3));
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
        // blocks of rows, read along contiguous rows: first the block's row sums, then per pair of column chunks the
        // block's column sums in six float registers (independent chains), folded into the double accumulators once
        // per block
        int step = F.length();
        int bound = F.loopBound(cols);
        float[] inverse = new float[STATISTICS_ROWS];
        double[] inverseD = new double[STATISTICS_ROWS];
        float[] partial = new float[3 * step];
        for (int r0 = 0; r0 < rows; r0 += STATISTICS_ROWS) {
            int n = Math.min(STATISTICS_ROWS, rows - r0);
            int base = offset + r0 * cols;
            for (int k = 0; k < n; k++) {
                double rowSum = sum(m, base + k * cols, cols);
                inverseD[k] = rowSum > 0 ? 1.0 / rowSum : 0.0;
                inverse[k] = (float) inverseD[k];
            }
            int c = 0;
            for (; c + 2 * step <= bound; c += 2 * step) {
                FloatVector s0 = FloatVector.zero(F);
                FloatVector q0 = s0;
                FloatVector h0 = s0;
                FloatVector s1 = s0;
                FloatVector q1 = s0;
                FloatVector h1 = s0;
                for (int k = 0; k < n; k++) {
                    int at = base + k * cols + c;
                    FloatVector v0 = FloatVector.fromArray(F, m, at);
                    FloatVector v1 = FloatVector.fromArray(F, m, at + step);
                    FloatVector inv = FloatVector.broadcast(F, inverse[k]);
                    s0 = s0.add(v0);
                    s1 = s1.add(v1);
                    q0 = multiplyAdd(v0, v0, q0);
                    q1 = multiplyAdd(v1, v1, q1);
                    h0 = multiplyAdd(v0, inv, h0);
                    h1 = multiplyAdd(v1, inv, h1);
                }
                fold(s0, q0, h0, partial, sum, sumSq, shareSum, c);
                fold(s1, q1, h1, partial, sum, sumSq, shareSum, c + step);
            }
            for (; c < bound; c += step) {
                FloatVector s0 = FloatVector.zero(F);
                FloatVector q0 = s0;
                FloatVector h0 = s0;
                for (int k = 0; k < n; k++) {
                    FloatVector v0 = FloatVector.fromArray(F, m, base + k * cols + c);
                    s0 = s0.add(v0);
                    q0 = multiplyAdd(v0, v0, q0);
                    h0 = multiplyAdd(v0, FloatVector.broadcast(F, inverse[k]), h0);
                }
                fold(s0, q0, h0, partial, sum, sumSq, shareSum, c);
            }
            for (c = bound; c < cols; c++) {
                double s0 = 0;
                double q0 = 0;
                double h0 = 0;
                for (int k = 0; k < n; k++) {
                    double v = m[base + k * cols + c];
                    s0 += v;
                    q0 += v * v;
                    h0 += v * inverseD[k];
                }
                sum[c] += s0;
                sumSq[c] += q0;
                shareSum[c] += h0;
            }
        }
    }

    /** {@code a * b + c}, fused where the hardware has fused multiply-add ({@link #FMA}). */
    private static FloatVector multiplyAdd(FloatVector a, FloatVector b, FloatVector c) {
        return FMA ? a.fma(b, c) : c.add(a.mul(b));
    }

    /** Adds the float partial sums of one column chunk at {@code c} to the double accumulators. */
    private static void fold(FloatVector s, FloatVector q, FloatVector h, float[] partial, double[] sum,
                             double[] sumSq, double[] shareSum, int c) {
        int step = F.length();
        s.intoArray(partial, 0);
        q.intoArray(partial, step);
        h.intoArray(partial, 2 * step);
        for (int j = 0; j < step; j += D.length()) {
            addWidened(partial, j, sum, c + j);
            addWidened(partial, step + j, sumSq, c + j);
            addWidened(partial, 2 * step + j, shareSum, c + j);
        }
    }

    /** {@code acc[at .. at+D.length()) += partial[from ..]} widened to double. */
    private static void addWidened(float[] partial, int from, double[] acc, int at) {
        ((DoubleVector) FloatVector.fromArray(FD, partial, from).convertShape(VectorOperators.F2D, D, 0))
                .add(DoubleVector.fromArray(D, acc, at)).intoArray(acc, at);
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
        // a vector version (each row's span of kept columns as one masked 128-bit vector and a horizontal sum) was
        // no faster than this gather of a few columns per row (refam-bench, docs/performance.md)
        scalar.sumColumns(m, offset, rows, cols, columns, out, outOffset);
    }

    @Override
    public void gatherColumn(float[] m, int offset, int rows, int cols, int column, float[] out, int outOffset) {
        scalar.gatherColumn(m, offset, rows, cols, column, out, outOffset);
    }

    @Override
    public void bilinear(float[] grid, int offset, int gridWidth, int[] x0, int[] x1, float[] fx, int[] y0, int[] y1,
                         float[] fy, float[] out) {
        ScalarKernels.bilinear(VECTOR_ROWS, grid, offset, gridWidth, x0, x1, fx, y0, y1, fy, out);
    }

    /**
     * The inner loops of the separable upsampling in vectors: grid rows interpolated along x with gathers, output
     * rows blended. The scalar loops' float operations, so the same result to the bit.
     */
    private static final ScalarKernels.BilinearRows VECTOR_ROWS = new ScalarKernels.BilinearRows() {
        @Override
        public void interpolate(float[] grid, int row, int[] x0, int[] x1, float[] fx, float[] out) {
            int step = F.length();
            int bound = F.loopBound(out.length);
            int x = 0;
            for (; x < bound; x += step) {
                FloatVector a = FloatVector.fromArray(F, grid, row, x0, x);
                a.add(FloatVector.fromArray(F, grid, row, x1, x).sub(a).mul(FloatVector.fromArray(F, fx, x)))
                        .intoArray(out, x);
            }
            ScalarKernels.interpolateFrom(grid, row, x0, x1, fx, out, x);
        }

        @Override
        public void blend(float[] top, float[] lower, float wy, float[] out, int o) {
            int step = F.length();
            int bound = F.loopBound(top.length);
            int x = 0;
            for (; x < bound; x += step) {
                FloatVector t = FloatVector.fromArray(F, top, x);
                t.add(FloatVector.fromArray(F, lower, x).sub(t).mul(wy)).intoArray(out, o + x);
            }
            ScalarKernels.blendFrom(top, lower, wy, out, o, x);
        }
    };

    @Override
    public void convolve(float[] src, int height, int width, float[] kernel, boolean alongRows, float[] dst) {
        scalar.convolve(src, height, width, kernel, alongRows, dst);
    }

    @Override
    public int argmax(float[] v, int offset, int length) {
        int step = FM.length();
        int unrolled = 4 * step;
        int block = BLOCK_VECTORS * step;
        int bound = length - length % unrolled;
        // per block: lane-wise maxima in four independent registers (a NaN never compares greater, so it never
        // enters); remember the first block whose maximum beats every earlier one, then find the first occurrence
        // inside it
        float bestValue = Float.NEGATIVE_INFINITY;
        int bestBlock = -1;
        for (int b = 0; b < bound; b += block) {
            int end = Math.min(bound, b + block);
            FloatVector m0 = FloatVector.broadcast(FM, Float.NEGATIVE_INFINITY);
            FloatVector m1 = m0;
            FloatVector m2 = m0;
            FloatVector m3 = m0;
            for (int i = b; i < end; i += unrolled) {
                m0 = greater(m0, FloatVector.fromArray(FM, v, offset + i));
                m1 = greater(m1, FloatVector.fromArray(FM, v, offset + i + step));
                m2 = greater(m2, FloatVector.fromArray(FM, v, offset + i + 2 * step));
                m3 = greater(m3, FloatVector.fromArray(FM, v, offset + i + 3 * step));
            }
            FloatVector max = greater(greater(greater(m0, m1), m2), m3);
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

    /** Lane-wise {@code x > max ? x : max}: NaN in {@code x} is ignored. */
    private static FloatVector greater(FloatVector max, FloatVector x) {
        return max.blend(x, x.compare(VectorOperators.GT, max));
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
        int unrolled = 4 * step;
        int block = BLOCK_VECTORS * step;
        int bound = length - length % unrolled;
        for (int b = 0; b < bound; b += block) {
            int end = Math.min(bound, b + block);
            // x - x is 0 for a finite x and NaN for NaN and the infinities; a NaN survives the sums
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int i = b; i < end; i += unrolled) {
                FloatVector x0 = FloatVector.fromArray(F, data, from + i);
                FloatVector x1 = FloatVector.fromArray(F, data, from + i + step);
                FloatVector x2 = FloatVector.fromArray(F, data, from + i + 2 * step);
                FloatVector x3 = FloatVector.fromArray(F, data, from + i + 3 * step);
                a0 = a0.add(x0.sub(x0));
                a1 = a1.add(x1.sub(x1));
                a2 = a2.add(x2.sub(x2));
                a3 = a3.add(x3.sub(x3));
            }
            if (Float.isNaN(a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD))) {
                for (int i = b; i < end; i++) {
                    if (!Float.isFinite(data[from + i])) {
                        return i;
                    }
                }
            }
        }
        for (int i = bound; i < length; i++) {
            if (!Float.isFinite(data[from + i])) {
                return i;
            }
        }
        return -1;
    }
}
