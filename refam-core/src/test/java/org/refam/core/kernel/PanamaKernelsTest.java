package org.refam.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vector kernels against the scalar ones on awkward sizes, with a tolerance scaled by the number of summed
 * terms. Runs in its own Surefire execution with {@code --add-modules jdk.incubator.vector} (see refam-core's pom);
 * anywhere else it is skipped, never passed.
 */
class PanamaKernelsTest {
    private static final double EPS = 1e-6;

    private static KernelSupport vector;
    private static KernelSupport scalar;

    @BeforeAll
    static void create() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "needs --add-modules jdk.incubator.vector (refam-core's vector-kernels test execution)");
        vector = new PanamaKernels();
        scalar = new ScalarKernels();
    }

    private static float[] random(SplittableRandom rnd, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return a;
    }

    /** |actual - expected| <= EPS * terms * max(1, |expected|) element by element. */
    private static void assertClose(float[] actual, float[] expected, int terms) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            double tol = EPS * Math.max(1, terms) * Math.max(1, Math.abs(expected[i]));
            assertThat(Math.abs((double) actual[i] - expected[i])).as("element %d: %s vs %s", i, actual[i],
                    expected[i]).isLessThanOrEqualTo(tol);
        }
    }

    private static void assertClose(double[] actual, double[] expected, int terms) {
        for (int i = 0; i < expected.length; i++) {
            double tol = EPS * Math.max(1, terms) * Math.max(1, Math.abs(expected[i]));
            assertThat(Math.abs(actual[i] - expected[i])).as("element %d: %s vs %s", i, actual[i], expected[i])
                    .isLessThanOrEqualTo(tol);
        }
    }

    @Test
    void isChosenWhenTheModuleIsPresent() {
        assertThat(AttentionKernels.implementationName()).isEqualTo("panama");
        AttentionKernels.Choice auto = AttentionKernels.choose(null, true);
        assertThat(auto.impl()).isInstanceOf(PanamaKernels.class);
        assertThat(auto.reason()).contains("jdk.incubator.vector").contains("-bit vectors");
        assertThat(AttentionKernels.choose("panama", true).impl()).isInstanceOf(PanamaKernels.class);
        assertThat(AttentionKernels.choose("scalar", true).impl()).isInstanceOf(ScalarKernels.class);
    }

    // ------------------------------------------------------------------------------------------- aggregation

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207, 4097})
    void headMeanMatchesScalar(int size) {
        SplittableRandom rnd = new SplittableRandom(size);
        // a long row (the vector axis), and many short rows with a tail each (several row blocks); heads in groups
        // of four plus a remainder (5), and FLUX's 24
        int[][] shapes = {{3, size, 5}, {Math.min(size, 1000), 23, 5}, {Math.min(size, 300), 17, 24}};
        for (int[] shape : shapes) {
            int rows = shape[0];
            int cols = shape[1];
            int heads = shape[2];
            // [N, H, T] storage viewed as [H, N, T] with a leading offset: head stride T, row stride H*T
            float[] src = random(rnd, 3 + rows * heads * cols, 0, 1);
            float[] a = random(rnd, 1 + rows * cols, 0, 1);
            float[] b = a.clone();
            vector.accumulateHeadMean(src, 3, heads, rows, cols, cols, heads * cols, 1, 0.7f, a, 1);
            scalar.accumulateHeadMean(src, 3, heads, rows, cols, cols, heads * cols, 1, 0.7f, b, 1);
            // the same float operations in the same order per element
            assertThat(a).containsExactly(b);
            // the overwriting variant: as zeroing and accumulating, in both implementations
            float[] c = random(rnd, 1 + rows * cols, 0, 1);
            float[] d = random(rnd, 1 + rows * cols, 0, 1);
            float[] zeroed = new float[1 + rows * cols];
            zeroed[0] = c[0];
            d[0] = c[0];
            vector.headMean(src, 3, heads, rows, cols, cols, heads * cols, 1, 0.7f, c, 1);
            scalar.headMean(src, 3, heads, rows, cols, cols, heads * cols, 1, 0.7f, d, 1);
            scalar.accumulateHeadMean(src, 3, heads, rows, cols, cols, heads * cols, 1, 0.7f, zeroed, 1);
            assertThat(c).containsExactly(zeroed);
            assertThat(d).containsExactly(zeroed);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207, 4097})
    void singleHeadAndTransposedHeadMatchScalar(int size) {
        SplittableRandom rnd = new SplittableRandom(size + 5L);
        int rows = 4;
        int cols = size;
        float[] src = random(rnd, rows * cols * 2, 0, 1);
        float[] a = new float[rows * cols];
        float[] b = new float[rows * cols];
        // one head (the facade's accumulate): no rounding difference at all
        vector.accumulateHeadMean(src, 0, 1, rows, cols, 0, cols, 1, 0.25f, a, 0);
        scalar.accumulateHeadMean(src, 0, 1, rows, cols, 0, cols, 1, 0.25f, b, 0);
        assertThat(a).containsExactly(b);
        // column stride 2 (a transposed or interleaved view) takes the scalar path
        vector.accumulateHeadMean(src, 1, 1, rows, cols, 0, 2 * cols, 2, 1f, a, 0);
        scalar.accumulateHeadMean(src, 1, 1, rows, cols, 0, 2 * cols, 2, 1f, b, 0);
        assertThat(a).containsExactly(b);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207, 4097})
    void renormalisationMatchesScalar(int size) {
        SplittableRandom rnd = new SplittableRandom(size * 3L);
        int[][] shapes = {{5, size}, {Math.min(size, 300), 9}};
        for (int[] shape : shapes) {
            int rows = shape[0];
            int cols = shape[1];
            int[] prefix = java.util.stream.IntStream.range(0, Math.max(1, cols - cols / 3)).toArray();
            int[] scattered = java.util.stream.IntStream.range(0, cols).filter(c -> c % 3 != 1).toArray();
            for (int[] keys : new int[][] {null, prefix, scattered, {cols - 1}}) {
                float[] a = random(rnd, 2 + rows * cols, 0, 1);
                // the first row has no mass at all: it stays and is counted
                Arrays.fill(a, 2, 2 + cols, 0f);
                float[] b = a.clone();
                int emptyA = vector.renormalizeRows(a, 2, rows, cols, keys);
                int emptyB = scalar.renormalizeRows(b, 2, rows, cols, keys);
                assertThat(emptyA).isEqualTo(emptyB).isEqualTo(1);
                assertClose(a, b, keys == null ? cols : keys.length);
            }
        }
    }

    // ------------------------------------------------------------------------------------------- sinks

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207, 4097})
    void columnStatisticsMatchScalar(int size) {
        SplittableRandom rnd = new SplittableRandom(size * 7L);
        // rows within one block of 64 and across several with a remainder, long and short rows, an odd number of
        // column chunks (the vector code takes them in pairs)
        int[][] shapes = {{7, size}, {Math.min(size, 301), 11}, {4, size}, {Math.min(size, 130), 23}};
        for (int[] shape : shapes) {
            int rows = shape[0];
            int cols = shape[1];
            float[] m = random(rnd, 1 + rows * cols, 0, 1);
            Arrays.fill(m, 1 + cols, 1 + 2 * Math.min(rows, 2) * cols / 2, 0f); // a zero row where rows > 1
            double[][] a = {random(rnd, cols), new double[cols], new double[cols]};
            double[][] b = {a[0].clone(), new double[cols], new double[cols]};
            vector.columnStatistics(m, 1, rows, cols, a[0], a[1], a[2]);
            scalar.columnStatistics(m, 1, rows, cols, b[0], b[1], b[2]);
            assertClose(a[0], b[0], rows);
            assertClose(a[1], b[1], rows);
            assertClose(a[2], b[2], rows * cols);
        }
    }

    @Test
    void columnStatisticsMatchScalarAcrossBlocksAndWindows() {
        SplittableRandom rnd = new SplittableRandom(29);
        // rows over several float windows (256 rows) and cache blocks with a remainder; rows exactly one vector long,
        // a few vectors long with and without a tail, an odd number of full chunks, a single row
        int[][] shapes = {{600, 40}, {257, 32}, {1, 17}, {300, 16}, {3, 48}, {70, 63}, {513, 129}};
        for (int[] shape : shapes) {
            int rows = shape[0];
            int cols = shape[1];
            float[] m = random(rnd, 5 + rows * cols + 3, 0, 1);
            double[][] a = {new double[cols], random(rnd, cols), new double[cols]};
            double[][] b = {new double[cols], a[1].clone(), new double[cols]};
            vector.columnStatistics(m, 5, rows, cols, a[0], a[1], a[2]);
            scalar.columnStatistics(m, 5, rows, cols, b[0], b[1], b[2]);
            assertClose(a[0], b[0], rows);
            assertClose(a[1], b[1], rows);
            assertClose(a[2], b[2], rows * cols);
            // the shares of a row sum to 1, so all shares sum to the number of rows
            assertThat(Arrays.stream(a[2]).sum()).isCloseTo(rows, org.assertj.core.data.Offset.offset(1e-3 * rows));
        }
    }

    private static double[] random(SplittableRandom rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextDouble();
        }
        return a;
    }

    // ------------------------------------------------------------------------------------------- heat maps

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207, 4097})
    void maskedSumMatchesScalar(int size) {
        SplittableRandom rnd = new SplittableRandom(size * 11L);
        int rows = Math.min(size, 300);
        int cols = Math.max(size, 3);
        int last = cols - 1;
        int[][] selections = {
            {0, 1, 2},                                  // a short prefix: the vector path
            {last, Math.max(0, last - 2), 0},           // span the whole row: wide spans gather
            {Math.max(0, last - 2), last},              // at the end of the row: the last rows run past the array
            {1 % cols, 1 % cols},                       // a repeated column counts twice
            {last},
            {}};
        for (int[] columns : selections) {
            float[] m = random(rnd, 4 + rows * cols, 0, 1);
            float[] a = new float[rows + 1];
            float[] b = new float[rows + 1];
            vector.sumColumns(m, 4, rows, cols, columns, a, 1);
            scalar.sumColumns(m, 4, rows, cols, columns, b, 1);
            assertClose(a, b, columns.length);
        }
    }

    @Test
    void maskedSumIgnoresNonFiniteValuesOutsideTheSelection() {
        int rows = 9;
        int cols = 40;
        float[] m = random(new SplittableRandom(3), rows * cols, 0, 1);
        for (int r = 0; r < rows; r++) {
            m[r * cols + 1] = Float.NaN;
            m[r * cols + 3] = Float.POSITIVE_INFINITY;
        }
        int[] columns = {0, 2, 4, 5};
        float[] a = new float[rows];
        float[] b = new float[rows];
        vector.sumColumns(m, 0, rows, cols, columns, a, 0);
        scalar.sumColumns(m, 0, rows, cols, columns, b, 0);
        assertClose(a, b, columns.length);
        for (float v : a) {
            assertThat(Float.isFinite(v)).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207, 4097})
    void bilinearIsBitIdenticalToScalar(int size) {
        SplittableRandom rnd = new SplittableRandom(size * 19L);
        int gridWidth = 9;
        int gridHeight = 6;
        float[] grid = random(rnd, 2 + gridWidth * gridHeight, -1, 1);
        int width = size;
        int height = 23;
        int[] x0 = new int[width];
        int[] x1 = new int[width];
        float[] fx = random(rnd, width, 0, 1);
        for (int x = 0; x < width; x++) {
            x0[x] = rnd.nextInt(gridWidth);
            x1[x] = Math.min(gridWidth - 1, x0[x] + 1);
        }
        // grid rows in order with clamped edges (as upsampling makes them), then in random order
        int[][] rowOrders = new int[2][height];
        for (int y = 0; y < height; y++) {
            rowOrders[0][y] = Math.min(gridHeight - 1, Math.max(0, y / 4 - 1));
            rowOrders[1][y] = rnd.nextInt(gridHeight);
        }
        for (int[] y0 : rowOrders) {
            int[] y1 = new int[height];
            for (int y = 0; y < height; y++) {
                y1[y] = rnd.nextInt(4) == 0 ? y0[y] : Math.min(gridHeight - 1, y0[y] + 1);
            }
            float[] fy = random(rnd, height, 0, 1);
            float[] a = new float[width * height];
            float[] b = new float[width * height];
            vector.bilinear(grid, 2, gridWidth, x0, x1, fx, y0, y1, fy, a);
            scalar.bilinear(grid, 2, gridWidth, x0, x1, fx, y0, y1, fy, b);
            assertThat(a).containsExactly(b);
            // both are separable; the result is that of interpolating every pixel on its own
            float[] perPixel = new float[width * height];
            for (int y = 0; y < height; y++) {
                int r0 = 2 + y0[y] * gridWidth;
                int r1 = 2 + y1[y] * gridWidth;
                for (int x = 0; x < width; x++) {
                    float top = grid[r0 + x0[x]] + fx[x] * (grid[r0 + x1[x]] - grid[r0 + x0[x]]);
                    float bottom = grid[r1 + x0[x]] + fx[x] * (grid[r1 + x1[x]] - grid[r1 + x0[x]]);
                    perPixel[y * width + x] = top + fy[y] * (bottom - top);
                }
            }
            assertThat(b).containsExactly(perPixel);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1001, 1024, 16, 37})
    void upsamplingTheLatentGridIsThePerPixelInterpolationToTheBit(int side) {
        // through the facade (the vector kernels here): 64 x 64 stretched over the image, runs of 15 to 16 pixels
        // along x, pairs of rows, and images narrower than a vector or than the grid
        float[] grid = random(new SplittableRandom(side), 2 + 64 * 64, -1, 1);
        org.refam.api.ImageGeometry g = org.refam.api.ImageGeometry.stretched(side, side + 3, 64, 64);
        float[] out = new float[side * (side + 3)];
        AttentionKernels.upsampleBilinear(grid, 2, g, out);
        BilinearReference.assertPerPixel(out, grid, 2, g);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207, 4097})
    void argmaxMatchesScalar(int size) {
        SplittableRandom rnd = new SplittableRandom(size * 13L);
        for (int trial = 0; trial < 20; trial++) {
            float[] v = random(rnd, size + 5, -3, 1);
            int at = rnd.nextInt(size);
            v[5 + at] = 7f;
            // a later tie never wins; NaN and +-0 sprinkled in
            v[5 + rnd.nextInt(size)] = 7f;
            v[5 + rnd.nextInt(size)] = Float.NaN;
            v[5 + rnd.nextInt(size)] = -0f;
            assertThat(vector.argmax(v, 5, size)).as("trial %d", trial).isEqualTo(scalar.argmax(v, 5, size));
        }
        // the maximum in the scalar tail (or the only element)
        float[] tail = random(rnd, size, -1, 0);
        tail[size - 1] = 1f;
        assertThat(vector.argmax(tail, 0, size)).isEqualTo(size - 1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207, 4097})
    void argmaxWithoutFiniteValuesFollowsTheScalarTieRules(int size) {
        float[] nan = new float[size];
        Arrays.fill(nan, Float.NaN);
        assertThat(vector.argmax(nan, 0, size)).isEqualTo(scalar.argmax(nan, 0, size)).isZero();
        float[] mixed = nan.clone();
        mixed[size / 2] = Float.NEGATIVE_INFINITY;
        mixed[size - 1] = Float.NEGATIVE_INFINITY;
        assertThat(vector.argmax(mixed, 0, size)).isEqualTo(scalar.argmax(mixed, 0, size)).isEqualTo(size / 2);
        float[] zeros = new float[size];
        zeros[0] = -0f;
        assertThat(vector.argmax(zeros, 0, size)).isEqualTo(scalar.argmax(zeros, 0, size)).isZero();
    }

    // ------------------------------------------------------------------------------------------- validation

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207, 4097})
    void nonFiniteScanMatchesScalar(int size) {
        SplittableRandom rnd = new SplittableRandom(size * 17L);
        int heads = 2;
        int rows = 3;
        int cols = size;
        // dense [H, N, T] at an offset, and a view with gaps between rows (row stride cols + 3)
        int[] shape = {heads, rows, cols};
        int[] dense = {rows * cols, cols, 1};
        int[] gapped = {rows * (cols + 3), cols + 3, 1};
        int[] transposed = {rows * cols, 1, rows};
        for (int[] strides : new int[][] {dense, gapped, transposed}) {
            float[] data = random(rnd, 2 + heads * rows * (cols + 3), 0, 1);
            assertThat(vector.firstNonFinite(data, 2, shape, strides)).isEqualTo(-1);
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                float[] d = data.clone();
                int h = rnd.nextInt(heads);
                int r = rnd.nextInt(rows);
                int c = rnd.nextInt(cols);
                d[2 + h * strides[0] + r * strides[1] + c * strides[2]] = bad;
                long expected = scalar.firstNonFinite(d, 2, shape, strides);
                assertThat(expected).isEqualTo(((long) h * rows + r) * cols + c);
                assertThat(vector.firstNonFinite(d, 2, shape, strides)).isEqualTo(expected);
            }
        }
        // Float.MAX_VALUE is finite
        float[] big = new float[size];
        Arrays.fill(big, -Float.MAX_VALUE);
        assertThat(vector.firstNonFinite(big, 0, new int[] {size}, new int[] {1})).isEqualTo(-1);
    }
}
