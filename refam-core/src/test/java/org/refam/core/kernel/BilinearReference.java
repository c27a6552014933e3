package org.refam.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.refam.api.ImageGeometry;

/** Bilinear upsampling pixel by pixel as {@link AttentionKernels#upsampleBilinear} defines it: the tests' reference. */
final class BilinearReference {
    private BilinearReference() {
    }

    /** The {@code imageHeight * imageWidth} upsampled values of the grid at {@code offset}, each on its own. */
    static float[] perPixel(float[] grid, int offset, ImageGeometry g) {
        int gw = g.gridWidth();
        int gh = g.gridHeight();
        int w = g.imageWidth();
        float[] out = new float[g.imageHeight() * w];
        for (int y = 0; y < g.imageHeight(); y++) {
            double v = g.gridY(y) - 0.5;
            double fv = Math.floor(v);
            int r0 = offset + gw * clamp((long) fv, gh);
            int r1 = offset + gw * clamp((long) fv + 1, gh);
            float fy = (float) (v - fv);
            for (int x = 0; x < w; x++) {
                double u = g.gridX(x) - 0.5;
                double fu = Math.floor(u);
                int c0 = clamp((long) fu, gw);
                int c1 = clamp((long) fu + 1, gw);
                float fx = (float) (u - fu);
                float top = grid[r0 + c0] + fx * (grid[r0 + c1] - grid[r0 + c0]);
                float bottom = grid[r1 + c0] + fx * (grid[r1 + c1] - grid[r1 + c0]);
                out[y * w + x] = top + fy * (bottom - top);
            }
        }
        return out;
    }

    /** Asserts that {@code out} holds {@link #perPixel} to the bit, naming the first pixel that differs. */
    static void assertPerPixel(float[] out, float[] grid, int offset, ImageGeometry g) {
        float[] expected = perPixel(grid, offset, g);
        int first = Arrays.mismatch(out, expected);
        if (first >= 0) {
            int w = g.imageWidth();
            assertThat(out[first]).as("pixel (%d, %d) of %s", first % w, first / w, g).isEqualTo(expected[first]);
        }
        assertThat(out).hasSameSizeAs(expected);
    }

    private static int clamp(long i, int size) {
        return (int) Math.max(0, Math.min(size - 1, i));
    }
}
