package org.refam.core.kernel;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.Locale;
import org.refam.api.FloatTensor;
import org.refam.api.ImageGeometry;
import org.refam.api.InvalidAttentionException;
import org.refam.api.RefAmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The numeric hot loops of the RefAM pipeline (method.md section 2, steps 5 to 8): head mean, renormalisation over
 * text keys, sink statistics and column surgery, masked token sums, upsampling, smoothing and argmax. Every method
 * checks shapes, offsets and lengths, then delegates to an implementation chosen once when this class is loaded
 * and logged once: the {@code jdk.incubator.vector} kernels when the JVM runs with
 * {@code --add-modules jdk.incubator.vector}, the scalar ones otherwise; {@code -Drefam.kernels=scalar|panama}
 * forces one ({@link #IMPLEMENTATION_PROPERTY}).
 *
 * <p>Matrices are flat {@code float[]}s, row-major, with an explicit offset: an {@code [rows, cols]} matrix at
 * {@code offset} holds element (r, c) at {@code offset + r * cols + c}. Work matrices are dense; attention tensors
 * from extractors may be strided ({@link FloatTensor}).
 *
 * <p>NaN handling: the attention an extractor returns is checked once per slice with {@link #requireFinite};
 * after that the kernels assume finite input and do not check again.
 *
 * <p>Thread-safety: stateless and thread-safe; callers must not share output arrays between threads.
 */
public final class AttentionKernels {
    /**
     * System property that forces the implementation: {@code scalar}, {@code panama} (needs
     * {@code --add-modules jdk.incubator.vector}) or {@code auto} (the default).
     */
    public static final String IMPLEMENTATION_PROPERTY = "refam.kernels";
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final Logger LOG = LoggerFactory.getLogger(AttentionKernels.class);
    private static final KernelSupport IMPL = choose();

    private AttentionKernels() {
    }

    private static KernelSupport choose() {
        Choice c = choose(System.getProperty(IMPLEMENTATION_PROPERTY),
                ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent());
        LOG.info("RefAM attention kernels: {} implementation ({})", c.impl().name(), c.reason());
        return c.impl();
    }

    /** An implementation and why it was taken, for the start-up log line. */
    record Choice(KernelSupport impl, String reason) {
    }

    /**
     * Picks the implementation: {@code scalar} or {@code panama} when {@code requested} names one, else (null,
     * empty or {@code auto}) the vector kernels when {@code vectorModule} is present and usable, the scalar ones
     * otherwise. {@code PanamaKernels} is loaded reflectively, so this class never links against the module.
     *
     * @throws RefAmException if {@code panama} is requested without the module, or the name is unknown
     */
    static Choice choose(String requested, boolean vectorModule) {
        String name = requested == null ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        switch (name) {
            case "scalar":
                return new Choice(new ScalarKernels(), "forced by -D" + IMPLEMENTATION_PROPERTY + "=scalar");
            case "panama":
                if (!vectorModule) {
                    throw new RefAmException("-D" + IMPLEMENTATION_PROPERTY + "=panama needs the module "
                            + VECTOR_MODULE + " in the boot layer: start the JVM with --add-modules " + VECTOR_MODULE
                            + ", or use -D" + IMPLEMENTATION_PROPERTY + "=scalar");
                }
                try {
                    KernelSupport panama = loadPanama();
                    return new Choice(panama, "forced by -D" + IMPLEMENTATION_PROPERTY + "=panama; " + panama);
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    throw new RefAmException("-D" + IMPLEMENTATION_PROPERTY + "=panama: the vector kernels cannot "
                            + "be used here: " + e, e);
                }
            case "":
            case "auto":
                if (!vectorModule) {
                    return new Choice(new ScalarKernels(), VECTOR_MODULE + " is not in the boot layer; start the "
                            + "JVM with --add-modules " + VECTOR_MODULE + " for the vector kernels");
                }
                try {
                    KernelSupport panama = loadPanama();
                    return new Choice(panama, VECTOR_MODULE + " is in the boot layer; " + panama);
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    return new Choice(new ScalarKernels(), "the vector kernels cannot be used here: " + e);
                }
            default:
                throw new RefAmException("unknown kernel implementation -D" + IMPLEMENTATION_PROPERTY + "=" + requested
                        + "; use scalar, panama or auto");
        }
    }

    private static KernelSupport loadPanama() throws ReflectiveOperationException {
        try {
            return (KernelSupport) Class.forName(AttentionKernels.class.getPackageName() + ".PanamaKernels")
                    .getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            // the constructor refuses platforms with too narrow vectors
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw e;
        }
    }

    /** Name of the implementation chosen at start-up: "scalar" or "panama". */
    public static String implementationName() {
        return IMPL.name();
    }

    // ---------------------------------------------------------------------------------------------------------
    // validation

    /**
     * Checks that every element of {@code attention} is finite (method.md step 4: the extractor contract).
     *
     * @param what which tensor, for the message ("image-to-text attention")
     * @param sample the forward pass the slice comes from
     * @param block the transformer block
     * @throws InvalidAttentionException naming block, sample and the index of the first NaN or infinite value
     */
    public static void requireFinite(FloatTensor attention, String what, int sample, int block) {
        int[] shape = attention.shape();
        long ordinal = IMPL.firstNonFinite(attention.data(), attention.offset(), shape, attention.strides());
        if (ordinal >= 0) {
            int[] index = new int[shape.length];
            long rest = ordinal;
            for (int i = shape.length - 1; i >= 0; i--) {
                index[i] = (int) (rest % shape[i]);
                rest /= shape[i];
            }
            float bad = attention.get(index);
            throw new InvalidAttentionException(what + " of block " + block + ", sample " + sample + " has " + bad
                    + " at index " + Arrays.toString(index) + " of shape " + Arrays.toString(shape));
        }
    }

    /**
     * True when the {@code length} values of {@code m} from {@code offset} are all finite (no NaN, no infinity). A
     * head mean is finite where its input is (a NaN or an infinity in any head makes the mean non-finite), so
     * checking the mean and, only when it fails, the input with {@link #requireFinite} saves a pass over the input.
     *
     * @throws IllegalArgumentException if the range does not fit {@code m}
     */
    public static boolean allFinite(float[] m, int offset, int length) {
        requireLength("values", m, offset, length);
        return length == 0 || IMPL.firstNonFinite(m, offset, new int[] {length}, new int[] {1}) < 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // aggregation

    /**
     * Adds {@code weight} times the head mean of {@code attention} ({@code [H, N, T]}, any strides) to the dense
     * {@code [N, T]} matrix {@code dst} (method.md step 5). With one head this is a weighted copy-add.
     *
     * @throws InvalidAttentionException if the tensor is not rank 3
     * @throws IllegalArgumentException if {@code dst} is shorter than N * T
     */
    public static void accumulateHeadMean(FloatTensor attention, float weight, float[] dst) {
        requireHeadMean(attention, dst);
        if (attention.dim(0) > 0) {
            IMPL.accumulateHeadMean(attention.data(), attention.offset(), attention.dim(0), attention.dim(1),
                    attention.dim(2), attention.stride(0), attention.stride(1), attention.stride(2), weight, dst, 0);
        }
    }

    /**
     * Writes {@code weight} times the head mean of {@code attention} ({@code [H, N, T]}, any strides) into the dense
     * {@code [N, T]} matrix {@code dst}, replacing its first N * T values (method.md step 5): the same values as
     * zeroing them and calling {@link #accumulateHeadMean}, in one pass less. Zero heads give zeros.
     *
     * @throws InvalidAttentionException if the tensor is not rank 3
     * @throws IllegalArgumentException if {@code dst} is shorter than N * T
     */
    public static void headMean(FloatTensor attention, float weight, float[] dst) {
        requireHeadMean(attention, dst);
        if (attention.dim(0) == 0) {
            Arrays.fill(dst, 0, attention.dim(1) * attention.dim(2), 0f);
        } else {
            IMPL.headMean(attention.data(), attention.offset(), attention.dim(0), attention.dim(1), attention.dim(2),
                    attention.stride(0), attention.stride(1), attention.stride(2), weight, dst, 0);
        }
    }

    /** A rank-3 tensor and a destination of at least N * T floats. */
    private static void requireHeadMean(FloatTensor attention, float[] dst) {
        requireRank3(attention);
        requireLength("destination", dst, 0, (long) attention.dim(1) * attention.dim(2));
    }

    /**
     * Adds {@code weight} times head {@code head} of {@code attention} ({@code [H, N, T]}) to the dense
     * {@code [N, T]} matrix {@code dst}.
     *
     * @throws IllegalArgumentException if {@code head} is outside [0, H) or {@code dst} is too short
     */
    public static void accumulateHead(FloatTensor attention, int head, float weight, float[] dst) {
        requireRank3(attention);
        if (head < 0 || head >= attention.dim(0)) {
            throw new IllegalArgumentException("head " + head + " outside [0, " + attention.dim(0) + ")");
        }
        int rows = attention.dim(1);
        int cols = attention.dim(2);
        requireLength("destination", dst, 0, (long) rows * cols);
        IMPL.accumulateHeadMean(attention.data(), attention.offset() + head * attention.stride(0), 1, rows, cols,
                0, attention.stride(1), attention.stride(2), weight, dst, 0);
    }

    /**
     * Adds {@code weight * src} to {@code dst}, both dense {@code [rows, cols]} matrices at offset 0.
     *
     * @throws IllegalArgumentException if an array is shorter than rows * cols
     */
    public static void accumulate(float[] src, int rows, int cols, float weight, float[] dst) {
        requireDims(rows, cols);
        requireLength("source", src, 0, (long) rows * cols);
        requireLength("destination", dst, 0, (long) rows * cols);
        IMPL.accumulateHeadMean(src, 0, 1, rows, cols, 0, cols, 1, weight, dst, 0);
    }

    /**
     * Renormalises every row of the dense {@code [rows, cols]} matrix at {@code offset} over the text keys
     * {@code keys}: the row is divided by its sum over those columns, so they sum to 1 (method.md step 5, the
     * "softmax" across token maps). Columns outside {@code keys} are divided by the same sum, keeping their ratio
     * to the others. A row whose sum over {@code keys} is zero has no distribution to renormalise: it is left
     * unchanged (all its keys stay zero) and counted.
     *
     * @param keys column indices in [0, cols), or {@code null} for all columns
     * @return the number of rows with zero mass over {@code keys}
     * @throws IllegalArgumentException if a key is out of range or the matrix does not fit {@code m}
     */
    public static int renormalizeRows(float[] m, int offset, int rows, int cols, int[] keys) {
        requireDims(rows, cols);
        requireLength("matrix", m, offset, (long) rows * cols);
        if (keys != null) {
            requireColumns("key", keys, cols);
        }
        return IMPL.renormalizeRows(m, offset, rows, cols, keys);
    }

    // ---------------------------------------------------------------------------------------------------------
    // sinks

    /**
     * Adds per-column statistics of the dense {@code [rows, cols]} matrix at {@code offset} to the accumulators
     * (method.md step 6): {@code sum[c] += sum_r m[r,c]}, {@code sumSq[c] += sum_r m[r,c]^2} and
     * {@code shareSum[c] += sum_r m[r,c] / rowSum_r} where {@code rowSum_r} is the row's sum over all columns
     * (rows with zero sum add no share). Callers zero the accumulators first; from them the mean, the standard
     * deviation and the coefficient of variation of a column follow.
     *
     * @throws IllegalArgumentException if an accumulator is shorter than {@code cols} or the matrix does not fit
     */
    public static void columnStatistics(float[] m, int offset, int rows, int cols, double[] sum, double[] sumSq,
                                        double[] shareSum) {
        requireDims(rows, cols);
        requireLength("matrix", m, offset, (long) rows * cols);
        for (double[] acc : new double[][] {sum, sumSq, shareSum}) {
            if (acc == null || acc.length < cols) {
                throw new IllegalArgumentException("statistics accumulators need " + cols + " entries, got "
                        + (acc == null ? "null" : acc.length));
            }
        }
        IMPL.columnStatistics(m, offset, rows, cols, sum, sumSq, shareSum);
    }

    /**
     * Sets column {@code column} of the dense {@code [rows, cols]} matrix to zero (sink suppression, method.md
     * step 6).
     *
     * @throws IllegalArgumentException if the column is out of range or the matrix does not fit {@code m}
     */
    public static void zeroColumn(float[] m, int offset, int rows, int cols, int column) {
        requireDims(rows, cols);
        requireLength("matrix", m, offset, (long) rows * cols);
        requireColumns("column", new int[] {column}, cols);
        IMPL.zeroColumn(m, offset, rows, cols, column);
    }

    /**
     * Moves column {@code column} of the dense {@code [rows, cols]} matrix onto {@code targets} in equal parts and
     * zeroes it (sink redirection, method.md step 6). Every row keeps its sum (up to rounding).
     *
     * @param targets distinct columns, not containing {@code column}, at least one
     * @throws IllegalArgumentException if the targets are empty, repeated, contain {@code column} or are out of
     *     range
     */
    public static void redirectColumn(float[] m, int offset, int rows, int cols, int column, int[] targets) {
        requireDims(rows, cols);
        requireLength("matrix", m, offset, (long) rows * cols);
        requireColumns("column", new int[] {column}, cols);
        requireColumns("target", targets, cols);
        if (targets.length == 0) {
            throw new IllegalArgumentException("redirecting column " + column + " needs at least one target");
        }
        long distinct = Arrays.stream(targets).distinct().count();
        if (distinct != targets.length || Arrays.stream(targets).anyMatch(t -> t == column)) {
            throw new IllegalArgumentException("redirect targets " + Arrays.toString(targets)
                    + " must be distinct and must not contain the source column " + column);
        }
        IMPL.redirectColumn(m, offset, rows, cols, column, targets);
    }

    // ---------------------------------------------------------------------------------------------------------
    // heat maps

    /**
     * Sums the selected columns of the dense {@code [rows, cols]} matrix per row into {@code out[0..rows)}: the
     * heat map of the kept tokens (method.md step 8). An empty selection gives zeros.
     *
     * @throws IllegalArgumentException if a column is out of range or an array is too short
     */
    public static void sumColumns(float[] m, int offset, int rows, int cols, int[] columns, float[] out) {
        requireDims(rows, cols);
        requireLength("matrix", m, offset, (long) rows * cols);
        requireColumns("column", columns, cols);
        requireLength("output", out, 0, rows);
        IMPL.sumColumns(m, offset, rows, cols, columns, out, 0);
    }

    /**
     * Copies column {@code column} of the dense {@code [rows, cols]} matrix into {@code out[0..rows)}: one token's
     * map.
     *
     * @throws IllegalArgumentException if the column is out of range or an array is too short
     */
    public static void gatherColumn(float[] m, int offset, int rows, int cols, int column, float[] out) {
        requireDims(rows, cols);
        requireLength("matrix", m, offset, (long) rows * cols);
        requireColumns("column", new int[] {column}, cols);
        requireLength("output", out, 0, rows);
        IMPL.gatherColumn(m, offset, rows, cols, column, out, 0);
    }

    /**
     * Bilinear upsampling of one frame of the latent grid to the original image (method.md step 8). For pixel
     * (x, y) the continuous grid coordinate of its centre is {@code u = geometry.gridX(x)},
     * {@code v = geometry.gridY(y)}; cell centres sit at {@code i + 0.5}, so the map is sampled at
     * {@code (u - 0.5, v - 0.5)} between the two nearest cell centres, clamping to the edge cells outside the
     * outermost centres. Grid cells that hold padding are thereby never reached unless a pixel maps near them.
     *
     * @param grid {@code gridHeight * gridWidth} values of the geometry's grid, from {@code offset}
     * @param out receives {@code imageHeight * imageWidth} values, row-major
     * @throws IllegalArgumentException if an array is too short
     */
    public static void upsampleBilinear(float[] grid, int offset, ImageGeometry geometry, float[] out) {
        int gh = geometry.gridHeight();
        int gw = geometry.gridWidth();
        int h = geometry.imageHeight();
        int w = geometry.imageWidth();
        requireLength("grid", grid, offset, (long) gh * gw);
        requireLength("output", out, 0, (long) h * w);
        int[] x0 = new int[w];
        int[] x1 = new int[w];
        float[] fx = new float[w];
        for (int x = 0; x < w; x++) {
            double u = geometry.gridX(x) - 0.5;
            double f = Math.floor(u);
            x0[x] = clamp((long) f, gw);
            x1[x] = clamp((long) f + 1, gw);
            fx[x] = (float) (u - f);
        }
        int[] y0 = new int[h];
        int[] y1 = new int[h];
        float[] fy = new float[h];
        for (int y = 0; y < h; y++) {
            double v = geometry.gridY(y) - 0.5;
            double f = Math.floor(v);
            y0[y] = clamp((long) f, gh);
            y1[y] = clamp((long) f + 1, gh);
            fy[y] = (float) (v - f);
        }
        IMPL.bilinear(grid, offset, gw, x0, x1, fx, y0, y1, fy, out);
    }

    private static int clamp(long i, int size) {
        return (int) Math.max(0, Math.min(size - 1, i));
    }

    /**
     * Separable Gaussian smoothing of a {@code [height, width]} map with standard deviation {@code sigma} in
     * cells, kernel radius {@code ceil(3 sigma)}, weights normalised to sum 1, edges clamped (the border value is
     * repeated). {@code sigma == 0} copies {@code src} into {@code dst}. {@code src} and {@code dst} may be the
     * same array.
     *
     * @throws IllegalArgumentException if sigma is negative or not finite, or an array is too short
     */
    public static void gaussianSmooth(float[] src, int height, int width, double sigma, float[] dst) {
        requireDims(height, width);
        requireLength("source", src, 0, (long) height * width);
        requireLength("destination", dst, 0, (long) height * width);
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("smoothing sigma must be finite and >= 0, got " + sigma);
        }
        if (sigma == 0) {
            if (src != dst) {
                System.arraycopy(src, 0, dst, 0, height * width);
            }
            return;
        }
        float[] kernel = gaussianKernel(sigma);
        float[] tmp = new float[height * width];
        IMPL.convolve(src, height, width, kernel, true, tmp);
        IMPL.convolve(tmp, height, width, kernel, false, dst);
    }

    /** The normalised 1-D Gaussian of radius {@code ceil(3 sigma)}. */
    static float[] gaussianKernel(double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        double[] w = new double[2 * radius + 1];
        double total = 0;
        for (int k = -radius; k <= radius; k++) {
            w[k + radius] = Math.exp(-(double) k * k / (2 * sigma * sigma));
            total += w[k + radius];
        }
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = (float) (w[i] / total);
        }
        return out;
    }

    /**
     * Index (relative to {@code offset}) of the largest of {@code length} values; the first on ties; NaN never
     * wins (an all-NaN range gives 0).
     *
     * @throws IllegalArgumentException if {@code length < 1} or the range does not fit {@code v}
     */
    public static int argmax(float[] v, int offset, int length) {
        if (length < 1) {
            throw new IllegalArgumentException("argmax of an empty range");
        }
        requireLength("values", v, offset, length);
        return IMPL.argmax(v, offset, length);
    }

    // ---------------------------------------------------------------------------------------------------------
    // checks

    private static void requireRank3(FloatTensor t) {
        if (t.rank() != 3) {
            throw new InvalidAttentionException("expected an attention tensor of shape [heads, queries, keys], got "
                    + t);
        }
    }

    private static void requireDims(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative matrix size " + rows + "x" + cols);
        }
    }

    private static void requireLength(String what, float[] a, int offset, long needed) {
        if (a == null) {
            throw new IllegalArgumentException(what + " array is null");
        }
        if (offset < 0 || offset + needed > a.length) {
            throw new IllegalArgumentException(what + " needs " + needed + " floats from offset " + offset
                    + ", the array has " + a.length);
        }
    }

    private static void requireColumns(String what, int[] columns, int cols) {
        if (columns == null) {
            throw new IllegalArgumentException(what + " list is null");
        }
        for (int c : columns) {
            if (c < 0 || c >= cols) {
                throw new IllegalArgumentException(what + " " + c + " outside [0, " + cols + ") in "
                        + Arrays.toString(columns));
            }
        }
    }
}
