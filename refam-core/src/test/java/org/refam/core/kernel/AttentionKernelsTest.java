package org.refam.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.refam.api.FloatTensor;
import org.refam.api.ImageGeometry;
import org.refam.api.InvalidAttentionException;

/** Each kernel against a naive reference on awkward sizes, plus its argument checks. */
class AttentionKernelsTest {

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextDouble();
        }
        return a;
    }

    private static void assertClose(float[] actual, float[] expected, double tolPerTerm, int terms) {
        assertThat(actual).hasSameSizeAs(expected);
        double tol = tolPerTerm * Math.max(1, terms);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected[i], within(tol));
        }
    }

    @Test
    void reportsItsImplementation() {
        assertThat(AttentionKernels.implementationName()).isEqualTo("scalar");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207})
    void headMeanOfStridedTensorMatchesNaive(int size) {
        SplittableRandom rnd = new SplittableRandom(size);
        int heads = 3;
        int rows = size;
        int cols = Math.max(1, size / 3 + 2);
        // layout [N, H, T] viewed as [H, N, T]: head stride T, row stride H*T, with a leading offset of 5
        float[] storage = random(rnd, 5 + rows * heads * cols);
        FloatTensor t = FloatTensor.strided(storage, 5, new int[] {heads, rows, cols},
                new int[] {cols, heads * cols, 1});
        float[] dst = random(rnd, rows * cols);
        float[] expected = dst.clone();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double s = 0;
                for (int h = 0; h < heads; h++) {
                    s += storage[5 + r * heads * cols + h * cols + c];
                }
                expected[r * cols + c] += (float) (0.25 * s / heads);
            }
        }
        AttentionKernels.accumulateHeadMean(t, 0.25f, dst);
        assertClose(dst, expected, 1e-6, 1);
    }

    @Test
    void headMeanOverwritesWhatAccumulateAddsTo() {
        SplittableRandom rnd = new SplittableRandom(77);
        int heads = 24;
        int rows = 33;
        int cols = 207;
        FloatTensor t = FloatTensor.of(random(rnd, heads * rows * cols), heads, rows, cols);
        float[] added = new float[rows * cols + 5];
        AttentionKernels.accumulateHeadMean(t, 0.5f, added);
        float[] written = random(rnd, rows * cols + 5);
        float beyond = written[rows * cols];
        AttentionKernels.headMean(t, 0.5f, written);
        assertThat(Arrays.copyOf(written, rows * cols)).containsExactly(Arrays.copyOf(added, rows * cols));
        assertThat(written[rows * cols]).as("only N * T values are written").isEqualTo(beyond);
        float[] none = random(rnd, 12);
        AttentionKernels.headMean(FloatTensor.of(new float[0], 0, 3, 4), 1f, none);
        assertThat(none).containsOnly(0f);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207})
    void headOfTransposedTensorMatchesNaive(int size) {
        SplittableRandom rnd = new SplittableRandom(31 + size);
        int heads = 2;
        int rows = size;
        int cols = 5;
        // column stride != 1: storage [H, T, N] viewed as [H, N, T]
        float[] storage = random(rnd, heads * cols * rows);
        FloatTensor t = FloatTensor.strided(storage, 0, new int[] {heads, rows, cols},
                new int[] {cols * rows, 1, rows});
        float[] dst = new float[rows * cols];
        AttentionKernels.accumulateHead(t, 1, 2f, dst);
        float[] expected = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                expected[r * cols + c] = 2f * storage[cols * rows + c * rows + r];
            }
        }
        assertClose(dst, expected, 1e-6, 1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207})
    void renormalisationMatchesNaive(int size) {
        SplittableRandom rnd = new SplittableRandom(7 * size);
        int rows = size;
        int cols = size % 5 + 3;
        int offset = 3;
        float[] m = random(rnd, offset + rows * cols);
        // one row without mass over the keys stays as it is
        int[] keys = {0, cols - 1};
        m[offset + 0] = 0f;
        m[offset + cols - 1] = 0f;
        float[] expected = m.clone();
        int emptyExpected = 0;
        for (int r = 0; r < rows; r++) {
            double s = expected[offset + r * cols] + expected[offset + r * cols + cols - 1];
            if (s > 0) {
                for (int c = 0; c < cols; c++) {
                    expected[offset + r * cols + c] = (float) (expected[offset + r * cols + c] / s);
                }
            } else {
                emptyExpected++;
            }
        }
        int empty = AttentionKernels.renormalizeRows(m, offset, rows, cols, keys);
        assertThat(empty).isEqualTo(emptyExpected).isEqualTo(1);
        assertClose(m, expected, 1e-6, 1);
        for (int r = 1; r < rows; r++) {
            assertThat((double) m[offset + r * cols] + m[offset + r * cols + cols - 1]).isCloseTo(1.0, within(1e-5));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207})
    void renormalisationOverAllKeysMakesRowsSumToOne(int size) {
        SplittableRandom rnd = new SplittableRandom(size + 1000);
        float[] m = random(rnd, size * 4);
        AttentionKernels.renormalizeRows(m, 0, size, 4, null);
        for (int r = 0; r < size; r++) {
            double s = 0;
            for (int c = 0; c < 4; c++) {
                s += m[r * 4 + c];
            }
            assertThat(s).isCloseTo(1.0, within(1e-5));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207})
    void columnStatisticsMatchNaive(int size) {
        SplittableRandom rnd = new SplittableRandom(size * 13L);
        int rows = size;
        int cols = 6;
        float[] m = random(rnd, rows * cols);
        double[] sum = new double[cols];
        double[] sumSq = new double[cols];
        double[] share = new double[cols];
        AttentionKernels.columnStatistics(m, 0, rows, cols, sum, sumSq, share);
        for (int c = 0; c < cols; c++) {
            double s = 0;
            double q = 0;
            double sh = 0;
            for (int r = 0; r < rows; r++) {
                double rowSum = 0;
                for (int k = 0; k < cols; k++) {
                    rowSum += m[r * cols + k];
                }
                s += m[r * cols + c];
                q += (double) m[r * cols + c] * m[r * cols + c];
                sh += m[r * cols + c] / rowSum;
            }
            assertThat(sum[c]).isCloseTo(s, within(1e-9 * rows));
            assertThat(sumSq[c]).isCloseTo(q, within(1e-9 * rows));
            assertThat(share[c]).isCloseTo(sh, within(1e-9 * rows));
        }
        double totalShare = 0;
        for (double v : share) {
            totalShare += v;
        }
        assertThat(totalShare).isCloseTo(rows, within(1e-6 * rows));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207})
    void zeroAndRedirectColumnsMatchNaive(int size) {
        SplittableRandom rnd = new SplittableRandom(size * 17L);
        int rows = size;
        int cols = 7;
        float[] m = random(rnd, rows * cols);
        float[] zeroed = m.clone();
        AttentionKernels.zeroColumn(zeroed, 0, rows, cols, 2);
        float[] redirected = m.clone();
        int[] targets = {4, 6, 0};
        AttentionKernels.redirectColumn(redirected, 0, rows, cols, 2, targets);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float v = m[r * cols + c];
                assertThat(zeroed[r * cols + c]).isEqualTo(c == 2 ? 0f : v);
                float expected = c == 2 ? 0f : (c == 4 || c == 6 || c == 0) ? v + m[r * cols + 2] / 3f : v;
                assertThat((double) redirected[r * cols + c]).isCloseTo(expected, within(1e-6));
            }
            double before = 0;
            double after = 0;
            for (int c = 0; c < cols; c++) {
                before += m[r * cols + c];
                after += redirected[r * cols + c];
            }
            assertThat(after).as("row %d keeps its mass", r).isCloseTo(before, within(1e-5));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207})
    void maskedSumAndGatherMatchNaive(int size) {
        SplittableRandom rnd = new SplittableRandom(size * 19L);
        int rows = size;
        int cols = 9;
        int offset = 2;
        float[] m = random(rnd, offset + rows * cols);
        int[] kept = {1, 3, 8};
        float[] sum = new float[rows];
        float[] col = new float[rows + 4];
        AttentionKernels.sumColumns(m, offset, rows, cols, kept, sum);
        AttentionKernels.gatherColumn(m, offset, rows, cols, 8, col);
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c : kept) {
                s += m[offset + r * cols + c];
            }
            assertThat((double) sum[r]).isCloseTo(s, within(1e-6));
            assertThat(col[r]).isEqualTo(m[offset + r * cols + 8]);
        }
        float[] none = new float[rows];
        java.util.Arrays.fill(none, 5f);
        AttentionKernels.sumColumns(m, offset, rows, cols, new int[0], none);
        assertThat(none).containsOnly(0f);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 7})
    void maskedSumOfEverySelectionSizeMatchesNaive(int kept) {
        SplittableRandom rnd = new SplittableRandom(kept * 31L);
        int cols = 21;
        int offset = 3;
        for (int rows : new int[] {1, 6, 129}) {
            float[] m = random(rnd, offset + rows * cols + 2);
            // distinct columns in a scattered order, the last one repeated when there are several (it counts twice)
            int[] columns = new int[kept];
            for (int i = 0; i < kept; i++) {
                columns[i] = (7 + 5 * i) % cols;
            }
            if (kept > 2) {
                columns[kept - 1] = columns[0];
            }
            float[] sum = new float[rows];
            AttentionKernels.sumColumns(m, offset, rows, cols, columns, sum);
            for (int r = 0; r < rows; r++) {
                double s = 0;
                for (int c : columns) {
                    s += m[offset + r * cols + c];
                }
                assertThat((double) sum[r]).as("row %d of %d, %d columns", r, rows, kept)
                        .isCloseTo(s, within(1e-6 * kept));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207})
    void gaussianSmoothingMatchesNaiveTwoDimensionalConvolution(int size) {
        SplittableRandom rnd = new SplittableRandom(size * 23L);
        int h = size;
        int w = Math.max(1, (size * 2) / 3);
        float[] src = random(rnd, h * w);
        double sigma = 1.3;
        float[] dst = new float[h * w];
        AttentionKernels.gaussianSmooth(src, h, w, sigma, dst);
        int radius = (int) Math.ceil(3 * sigma);
        double norm = 0;
        for (int k = -radius; k <= radius; k++) {
            norm += Math.exp(-k * k / (2 * sigma * sigma));
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int dy = -radius; dy <= radius; dy++) {
                    for (int dx = -radius; dx <= radius; dx++) {
                        int yy = Math.min(h - 1, Math.max(0, y + dy));
                        int xx = Math.min(w - 1, Math.max(0, x + dx));
                        double wgt = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)) / (norm * norm);
                        s += wgt * src[yy * w + xx];
                    }
                }
                assertThat((double) dst[y * w + x]).isCloseTo(s, within(1e-5));
            }
        }
    }

    @Test
    void smoothingPreservesAConstantAndSigmaZeroCopies() {
        float[] c = new float[13 * 7];
        java.util.Arrays.fill(c, 2.5f);
        float[] out = new float[c.length];
        AttentionKernels.gaussianSmooth(c, 13, 7, 2.0, out);
        for (float v : out) {
            assertThat((double) v).isCloseTo(2.5, within(1e-5));
        }
        float[] src = random(new SplittableRandom(1), 12);
        float[] copy = new float[12];
        AttentionKernels.gaussianSmooth(src, 3, 4, 0.0, copy);
        assertThat(copy).containsExactly(src);
        assertThatThrownBy(() -> AttentionKernels.gaussianSmooth(src, 3, 4, -1, copy))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207})
    void argmaxFindsTheFirstLargest(int size) {
        SplittableRandom rnd = new SplittableRandom(size * 29L);
        float[] v = random(rnd, size + 3);
        int at = rnd.nextInt(size);
        v[3 + at] = 2f;
        if (at + 1 < size) {
            v[3 + size - 1] = 2f;
        }
        assertThat(AttentionKernels.argmax(v, 3, size)).isEqualTo(at);
    }

    @Test
    void argmaxIgnoresNaN() {
        assertThat(AttentionKernels.argmax(new float[] {Float.NaN, 0.5f, 0.7f, Float.NaN}, 0, 4)).isEqualTo(2);
        assertThat(AttentionKernels.argmax(new float[] {Float.NaN, Float.NaN}, 0, 2)).isZero();
        assertThatThrownBy(() -> AttentionKernels.argmax(new float[3], 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------------------------------- upsampling

    @Test
    void bilinearOnAStretchedGridMatchesHandComputedValues() {
        // 2x2 grid -> 4x4 image: pixel x has grid coordinate (x + 0.5) / 2, sampled at that minus 0.5:
        // x=0 -> -0.25 (clamped to cell 0), x=1 -> 0.25, x=2 -> 0.75, x=3 -> 1.25 (clamped to cell 1)
        float[] grid = {0f, 4f, 8f, 12f};
        ImageGeometry g = ImageGeometry.stretched(4, 4, 2, 2);
        float[] out = new float[16];
        AttentionKernels.upsampleBilinear(grid, 0, g, out);
        float[] rowTop = {0f, 1f, 3f, 4f};
        float[] rowFactor = {0f, 2f, 6f, 8f}; // row contribution: 8 * (0, .25, .75, 1)
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertThat((double) out[y * 4 + x]).as("pixel (%d, %d)", x, y)
                        .isCloseTo(rowTop[x] + rowFactor[y], within(1e-6));
            }
        }
    }

    @Test
    void bilinearHonoursPaddingOfAResizedAndPaddedGeometry() {
        // A 2x4 image resized to 32x64 canvas pixels, placed 16 px down on a 64x64 canvas of 16-px cells (4x4
        // grid). One grid cell per image pixel, offset one row: pixel centres land exactly on cell centres of
        // grid rows 1 and 2; padding rows 0 and 3 never show.
        ImageGeometry g = ImageGeometry.resizedAndPadded(2, 4, 32, 64, 16, 0, 16, 4, 4);
        float[] grid = new float[16];
        for (int i = 0; i < 16; i++) {
            grid[i] = i;
        }
        grid[0] = 1000f;
        grid[15] = 1000f;
        float[] out = new float[8];
        AttentionKernels.upsampleBilinear(grid, 0, g, out);
        assertThat(out).containsExactly(4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f);
    }

    @Test
    void bilinearWithFractionalPaddingAndScaleMatchesHandComputedValues() {
        // 3x3 image on a 2x2 grid of 4-px cells: resized to 6x6, padded 1 px left and 1 px top. scale = 6/3/4 =
        // 0.5 cells per pixel, offset = 0.25 cells. Pixel 0 -> u = 0.25 + 0.5*0.5 = 0.5 -> cell 0 exactly;
        // pixel 1 -> 1.0 -> halfway; pixel 2 -> 1.5 -> cell 1 exactly.
        ImageGeometry g = ImageGeometry.resizedAndPadded(3, 3, 6, 6, 1, 1, 4, 2, 2);
        float[] grid = {0f, 10f, 20f, 30f};
        float[] out = new float[9];
        AttentionKernels.upsampleBilinear(grid, 0, g, out);
        assertThat(out).containsExactly(0f, 5f, 10f, 10f, 15f, 20f, 20f, 25f, 30f);
    }

    @ParameterizedTest
    @ValueSource(ints = {1001, 1024, 37})
    void bilinearOfTheLatentGridIsThePerPixelInterpolationToTheBit(int side) {
        // the benchmark's case: 64 x 64 stretched over the image (runs of 15 to 16 pixels per grid column, pairs of
        // output rows between the same grid rows), and a side smaller than the grid
        float[] grid = random(new SplittableRandom(side), 1 + 64 * 64);
        ImageGeometry g = ImageGeometry.stretched(side, side, 64, 64);
        float[] out = new float[side * side];
        AttentionKernels.upsampleBilinear(grid, 1, g, out);
        BilinearReference.assertPerPixel(out, grid, 1, g);
    }

    @Test
    void bilinearReadsFromAnOffsetAndReproducesAConstant() {
        float[] grid = new float[3 + 13 * 7];
        java.util.Arrays.fill(grid, 3, grid.length, 0.75f);
        ImageGeometry g = ImageGeometry.stretched(207, 13, 13, 7);
        float[] out = new float[207 * 13];
        AttentionKernels.upsampleBilinear(grid, 3, g, out);
        for (float v : out) {
            assertThat((double) v).isCloseTo(0.75, within(1e-6));
        }
    }

    // ------------------------------------------------------------------------------------------- validation

    @Test
    void requireFiniteNamesBlockSampleAndIndex() {
        float[] data = new float[2 * 3 * 4];
        data[1 * 12 + 2 * 4 + 3] = Float.NaN;
        FloatTensor t = FloatTensor.of(data, 2, 3, 4);
        assertThatThrownBy(() -> AttentionKernels.requireFinite(t, "image-to-text attention", 1, 12))
                .isInstanceOf(InvalidAttentionException.class)
                .hasMessageContaining("block 12").hasMessageContaining("sample 1")
                .hasMessageContaining("[1, 2, 3]").hasMessageContaining("NaN");
        data[1 * 12 + 2 * 4 + 3] = 0f;
        AttentionKernels.requireFinite(t, "ok", 0, 0);
        // strided: the bad value is found through the view's strides, reported in view coordinates
        float[] s = new float[4 * 3];
        s[2 * 3 + 1] = Float.POSITIVE_INFINITY; // storage [T=4, N=3]; view [1, N, T] -> element (0, 1, 2)
        FloatTensor view = FloatTensor.strided(s, 0, new int[] {1, 3, 4}, new int[] {0, 1, 3});
        assertThatThrownBy(() -> AttentionKernels.requireFinite(view, "x", 0, 5))
                .hasMessageContaining("[0, 1, 2]").hasMessageContaining("Infinity");
    }

    @Test
    void rejectsShapesThatDoNotFit() {
        float[] m = new float[12];
        assertThatThrownBy(() -> AttentionKernels.renormalizeRows(m, 1, 3, 4, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12");
        assertThatThrownBy(() -> AttentionKernels.zeroColumn(m, 0, 3, 4, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column 4");
        assertThatThrownBy(() -> AttentionKernels.redirectColumn(m, 0, 3, 4, 1, new int[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("source column 1");
        assertThatThrownBy(() -> AttentionKernels.redirectColumn(m, 0, 3, 4, 1, new int[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AttentionKernels.sumColumns(m, 0, 3, 4, new int[] {0}, new float[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("output");
        assertThatThrownBy(() -> AttentionKernels.accumulateHeadMean(FloatTensor.of(new float[24], 2, 3, 4), 1f,
                new float[11])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12");
        assertThatThrownBy(() -> AttentionKernels.accumulateHeadMean(FloatTensor.of(new float[12], 3, 4), 1f,
                new float[12])).isInstanceOf(InvalidAttentionException.class);
        assertThatThrownBy(() -> AttentionKernels.columnStatistics(m, 0, 3, 4, new double[4], new double[3],
                new double[4])).isInstanceOf(IllegalArgumentException.class);
        ImageGeometry g = ImageGeometry.stretched(10, 10, 2, 2);
        assertThatThrownBy(() -> AttentionKernels.upsampleBilinear(new float[4], 0, g, new float[99]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("100");
    }
}
