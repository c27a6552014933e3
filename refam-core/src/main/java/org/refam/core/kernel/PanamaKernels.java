package org.refam.core.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code jdk.incubator.vector} kernels for the loops the JIT does not vectorise well on its own: reductions (row
 * sums in renormalisation and sink statistics, argmax), early-exit scans (the NaN check), the head mean (C2 does not
 * vectorise {@code dst[d + c] += w * src[s + c]} with two unrelated offsets; here it is blocked so that the
 * destination stays in the first-level cache while the heads stream through it four at a time, summed in
 * registers) and the inner loops of the separable bilinear upsampling (runs of pixels along x, blends of two rows). The
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
 * {@code double} accumulators, with the row sums (for the shares) in float. Results therefore differ from the scalar
 * loops by rounding only (a few float ulps per summed term); the head mean, upsampling, argmax and the NaN check give
 * exactly the scalar results.
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
    /** Vectors summed in float lanes before the partial sum is folded into a double. */
    private static final int FOLD_VECTORS = 64;
    /** Vectors per block of the argmax and NaN scans: a block with a hit is rescanned element by element. */
    private static final int BLOCK_VECTORS = 32;
    /**
     * Rows whose column statistics are summed in float lanes before they are added to the double sums: a float sum of
     * 256 terms is off by at most some 256 float ulps, and adding the partial sums to the doubles costs a scalar pass
     * over the columns (every 64 rows, it took some 12 % more time at T = 256 on AMD Zen 4).
     */
    private static final int STATISTICS_ROWS = 256;
    /**
     * Floats of one block of rows of the column statistics (16 KiB, half a first-level data cache): read for the
     * row sums, then again from that cache for the column sums.
     */
    private static final int STATISTICS_BLOCK_FLOATS = 4096;
    /**
     * Whether the column statistics use fused multiply-add: only where HotSpot compiles it to one instruction
     * ({@code -XX:+UseFMA}, on by default on CPUs that have it); elsewhere a fused operation is emulated and slow.
     */
    private static final boolean FMA = hotSpotFlag("UseFMA");
    /**
     * Index of a float[] element that starts at a 32-byte boundary (mod 8) when the elements start 16 bytes past one:
     * see the pair blend of the upsampling.
     */
    private static final int ALIGNED_INDEX = 4;
    /** Per-thread scratch of {@link #columnStatistics}, so that the sink statistics allocate nothing per call. */
    private static final ThreadLocal<StatisticsScratch> STATISTICS_SCRATCH =
            ThreadLocal.withInitial(StatisticsScratch::new);
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
        if (F.length() < 4) {
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
        int step = F.length();
        if (cols < step) {
            scalar.columnStatistics(m, offset, rows, cols, sum, sumSq, shareSum);
            return;
        }
        // Row blocks small enough to stay in the first-level cache: the block's row sums, then its column sums read
        // again from that cache, per pair of column chunks in six float registers, added to float partial sums that
        // go into the double accumulators every STATISTICS_ROWS rows. A row whose length is not a multiple of the
        // vector ends in one more chunk that overlaps the last full one, its first lanes weighted 0.
        int full = cols / step;
        int rem = cols - full * step;
        int chunks = full + (rem > 0 ? 1 : 0);
        int stride = chunks * step;
        int block = Math.max(1, Integer.highestOneBit(Math.min(STATISTICS_ROWS, STATISTICS_BLOCK_FLOATS / cols)));
        StatisticsScratch scratch = STATISTICS_SCRATCH.get().ensure(step, 3 * stride, block);
        float[] tailWeights = scratch.tailWeights;
        Arrays.fill(tailWeights, 0, step - rem, 0f);
        Arrays.fill(tailWeights, step - rem, step, 1f);
        float[] ones = scratch.ones;
        float[] partial = scratch.partial;
        float[] inverse = scratch.inverse;
        for (int r0 = 0; r0 < rows; r0 += STATISTICS_ROWS) {
            int r1 = Math.min(rows, r0 + STATISTICS_ROWS);
            Arrays.fill(partial, 0, 3 * stride, 0f);
            for (int b0 = r0; b0 < r1; b0 += block) {
                int n = Math.min(block, r1 - b0);
                int base = offset + b0 * cols;
                rowInverses(m, base, n, cols, full, tailWeights, inverse);
                int j = 0;
                for (; j + 2 <= full; j += 2) {
                    columnPair(m, base + j * step, n, cols, inverse, partial, j * step, stride);
                }
                if (j < full) {
                    column(m, base + j * step, n, cols, ones, inverse, partial, j * step, stride);
                }
                if (rem > 0) {
                    column(m, base + cols - step, n, cols, tailWeights, inverse, partial, full * step, stride);
                }
            }
            // a plain loop: a vector widening here put 256-bit vectors into the type profiles of the shared
            // FloatVector methods, and C2 (JDK 17) then failed to intrinsify the stores of the column loops
            for (int c = 0; c < full * step; c++) {
                sum[c] += partial[c];
                sumSq[c] += partial[stride + c];
                shareSum[c] += partial[2 * stride + c];
            }
            for (int c = full * step; c < cols; c++) {
                int at = c - (cols - step) + full * step;
                sum[c] += partial[at];
                sumSq[c] += partial[stride + at];
                shareSum[c] += partial[2 * stride + at];
            }
        }
    }

    /**
     * {@code inverse[k]} = 1 / (sum of row k) for the {@code n} rows from {@code base}, 0 for a row without mass:
     * {@code full} chunks of a vector and, when the row has a tail, the overlapping last chunk weighted by
     * {@code tailWeights}.
     */
    private static void rowInverses(float[] m, int base, int n, int cols, int full, float[] tailWeights,
                                    float[] inverse) {
        int step = F.length();
        FloatVector tail = FloatVector.fromArray(F, tailWeights, 0);
        for (int k = 0; k < n; k++) {
            int row = base + k * cols;
            FloatVector a0 = FloatVector.fromArray(F, m, row + cols - step).mul(tail);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = a1;
            FloatVector a3 = a1;
            int j = 0;
            for (; j + 4 <= full; j += 4) {
                int at = row + j * step;
                a0 = a0.add(FloatVector.fromArray(F, m, at));
                a1 = a1.add(FloatVector.fromArray(F, m, at + step));
                a2 = a2.add(FloatVector.fromArray(F, m, at + 2 * step));
                a3 = a3.add(FloatVector.fromArray(F, m, at + 3 * step));
            }
            for (; j < full; j++) {
                a0 = a0.add(FloatVector.fromArray(F, m, row + j * step));
            }
            float rowSum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
            inverse[k] = rowSum > 0 ? 1f / rowSum : 0f;
        }
    }

    /*
     * The two column loops below call the vector API directly, without helper methods taking or returning vectors:
     * when C2 (JDK 17) inlines them into columnStatistics it may reach its node-count cutoff, after which it still
     * inlines the vector API's force-inline methods but not a helper, whose vector arguments are then boxed on
     * every call.
     */

    /**
     * Adds the column sums, sums of squares and shares of two adjacent chunks of {@code n} rows from {@code at} to
     * {@code partial} at {@code p} (sums), {@code stride + p} (squares) and {@code 2 * stride + p} (shares). With
     * {@link #FMA}, products are added with fused multiply-add.
     */
    private static void columnPair(float[] m, int at, int n, int cols, float[] inverse, float[] partial, int p,
                                   int stride) {
        int step = F.length();
        FloatVector s0 = FloatVector.zero(F);
        FloatVector q0 = s0;
        FloatVector h0 = s0;
        FloatVector s1 = s0;
        FloatVector q1 = s0;
        FloatVector h1 = s0;
        for (int k = 0; k < n; k++) {
            int row = at + k * cols;
            FloatVector v0 = FloatVector.fromArray(F, m, row);
            FloatVector v1 = FloatVector.fromArray(F, m, row + step);
            FloatVector inv = FloatVector.broadcast(F, inverse[k]);
            s0 = s0.add(v0);
            s1 = s1.add(v1);
            q0 = FMA ? v0.fma(v0, q0) : q0.add(v0.mul(v0));
            q1 = FMA ? v1.fma(v1, q1) : q1.add(v1.mul(v1));
            h0 = FMA ? v0.fma(inv, h0) : h0.add(v0.mul(inv));
            h1 = FMA ? v1.fma(inv, h1) : h1.add(v1.mul(inv));
        }
        int q = stride + p;
        int h = 2 * stride + p;
        s0.add(FloatVector.fromArray(F, partial, p)).intoArray(partial, p);
        s1.add(FloatVector.fromArray(F, partial, p + step)).intoArray(partial, p + step);
        q0.add(FloatVector.fromArray(F, partial, q)).intoArray(partial, q);
        q1.add(FloatVector.fromArray(F, partial, q + step)).intoArray(partial, q + step);
        h0.add(FloatVector.fromArray(F, partial, h)).intoArray(partial, h);
        h1.add(FloatVector.fromArray(F, partial, h + step)).intoArray(partial, h + step);
    }

    /** {@link #columnPair} for one chunk, its lanes weighted by {@code weights}. */
    private static void column(float[] m, int at, int n, int cols, float[] weights, float[] inverse,
                               float[] partial, int p, int stride) {
        FloatVector w = FloatVector.fromArray(F, weights, 0);
        FloatVector s0 = FloatVector.zero(F);
        FloatVector q0 = s0;
        FloatVector h0 = s0;
        for (int k = 0; k < n; k++) {
            FloatVector v0 = FloatVector.fromArray(F, m, at + k * cols).mul(w);
            FloatVector inv = FloatVector.broadcast(F, inverse[k]);
            s0 = s0.add(v0);
            q0 = FMA ? v0.fma(v0, q0) : q0.add(v0.mul(v0));
            h0 = FMA ? v0.fma(inv, h0) : h0.add(v0.mul(inv));
        }
        int q = stride + p;
        int h = 2 * stride + p;
        s0.add(FloatVector.fromArray(F, partial, p)).intoArray(partial, p);
        q0.add(FloatVector.fromArray(F, partial, q)).intoArray(partial, q);
        h0.add(FloatVector.fromArray(F, partial, h)).intoArray(partial, h);
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
     * The inner loops of the separable upsampling in vectors: along x, a run of pixels between the same two grid
     * columns is one broadcast pair and a few vectors; output rows are blended, two at a time where they share their
     * grid rows. The scalar loops' float operations, so the same result to the bit.
     */
    private static final ScalarKernels.BilinearRows VECTOR_ROWS = new ScalarKernels.BilinearRows() {
        @Override
        public void interpolate(float[] grid, int row, int[] x0, int[] x1, float[] fx, int[] runs, float[] out) {
            // runs in increasing order, and no run writes left of its start: a short run's vector may spill into the
            // runs after it, which then overwrite those pixels
            int step = F.length();
            for (int i = 0; i + 1 < runs.length; i++) {
                int from = runs[i];
                int to = runs[i + 1];
                if (to - from < step && from + step > out.length) {
                    ScalarKernels.interpolateRun(grid, row, x0, x1, fx, from, to, out);
                    continue;
                }
                float a = grid[row + x0[from]];
                FloatVector av = FloatVector.broadcast(F, a);
                FloatVector dv = FloatVector.broadcast(F, grid[row + x1[from]] - a);
                int x = from;
                for (; x < to - step; x += step) {
                    av.add(FloatVector.fromArray(F, fx, x).mul(dv)).intoArray(out, x);
                }
                // the run's last vector: ending at its end when the run is long enough, else spilling past it
                x = Math.max(from, to - step);
                av.add(FloatVector.fromArray(F, fx, x).mul(dv)).intoArray(out, x);
            }
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
            ScalarKernels.blendFrom(top, lower, wy, out, o, x, top.length);
        }

        @Override
        public void blendPair(float[] top, float[] lower, float wy0, float wy1, float[] out, int o0, int o1) {
            // the vector stores of the first row start at a 32-byte boundary if the array's elements start 16 bytes
            // past one, as HotSpot lays out a float[] whose header is 16 bytes and a large array (G1 allocates it at
            // the start of a region); a store that straddles two cache lines costs two (AMD Zen 4, JDK 17: the
            // upsampling to 1001 and 1024 px took some 7 % less time). Elsewhere the stores are merely unaligned.
            int step = F.length();
            int width = top.length;
            int lead = Math.min(width, (ALIGNED_INDEX - o0) & 7);
            ScalarKernels.blendFrom(top, lower, wy0, out, o0, 0, lead);
            ScalarKernels.blendFrom(top, lower, wy1, out, o1, 0, lead);
            int x = lead;
            for (; x <= width - step; x += step) {
                FloatVector t = FloatVector.fromArray(F, top, x);
                FloatVector d = FloatVector.fromArray(F, lower, x).sub(t);
                t.add(d.mul(wy0)).intoArray(out, o0 + x);
                t.add(d.mul(wy1)).intoArray(out, o1 + x);
            }
            ScalarKernels.blendFrom(top, lower, wy0, out, o0, x, width);
            ScalarKernels.blendFrom(top, lower, wy1, out, o1, x, width);
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

    /** Buffers of the column statistics, grown on demand and never shrunk (a few KiB per thread). */
    private static final class StatisticsScratch {
        float[] tailWeights = new float[0];
        float[] ones = new float[0];
        float[] partial = new float[0];
        float[] inverse = new float[0];

        StatisticsScratch ensure(int step, int partialLength, int rows) {
            if (ones.length < step) {
                tailWeights = new float[step];
                ones = new float[step];
                Arrays.fill(ones, 1f);
            }
            if (partial.length < partialLength) {
                partial = new float[partialLength];
            }
            if (inverse.length < rows) {
                inverse = new float[rows];
            }
            return this;
        }
    }
}
