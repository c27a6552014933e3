package org.refam.onnx;

import org.refam.api.ImageGeometry;
import org.refam.api.RgbImage;

/**
 * Turns an {@link RgbImage} of any size and aspect ratio into the image encoder's pixel tensor (method.md
 * section 2, step 2), and reports how the latent grid maps back to the image.
 *
 * <p>Policy: the manifest's {@code image.resize} (docs/model-bundle.md section 8), with {@code S = image.size},
 * {@code m} the cell size ({@code cellPixels}, FLUX: 16 = 8x VAE downsampling x 2x2 patch), {@code s = S /
 * max(h, w)} and {@code round(x) = floor(x + 0.5)} (the longer side goes to about {@code S}, also when that
 * enlarges the image):
 * <ul>
 *   <li>{@code pad}: resize to {@code max(1, round(w s)) x max(1, round(h s))}, keeping the aspect ratio, and
 *       place it at the top-left of a canvas padded at the bottom and the right to the next multiple of
 *       {@code m}. A 640x480 image at {@code S = 1024} becomes a 1024x768 canvas, a 64x48 grid; a 1000x333 one
 *       is resized to 1024x341 and padded to 1024x352;</li>
 *   <li>{@code fit}: resize straight to {@code max(m, round(w s / m) m) x max(m, round(h s / m) m)}: no padding,
 *       the aspect ratio changes by less than half a cell (1000x333 becomes 1024x336);</li>
 *   <li>{@code stretch}: resize to {@code floor(S / m) m} square, ignoring the aspect ratio.</li>
 * </ul>
 * Padding uses the manifest's {@code image.padValue} in the model's pixel range (0: mid-grey for [-1, 1]). In
 * every mode the image's top-left pixel stays at the canvas's top-left, so the geometry is
 * {@link ImageGeometry#resizedAndPadded} with zero offsets (for {@code fit} and {@code stretch} it equals
 * {@link ImageGeometry#stretched}). Resampling is a separable triangle (bilinear)
 * filter whose support widens by the shrink factor when shrinking (the antialiased bilinear of PIL's
 * {@code Image.resize}), computed in float without PIL's 8-bit rounding.
 *
 * <p>Output: planar {@code [3, H, W]} (channel-major, rows top first) with {@code value = lo + (hi - lo) * byte /
 * 255}, matching an encoder input {@code [1, 3, H, W]}.
 *
 * <p>Thread-safety: immutable and thread-safe.
 */
final class ImagePreprocessor {
    /** How the image is brought to the canvas (the manifest's {@code image.resize}). */
    enum Mode {
        FIT, PAD, STRETCH
    }

    private final Mode mode;
    private final int longestSide;
    private final int cellPixels;
    private final float lo;
    private final float hi;
    private final float padValue;

    /**
     * @param mode resize policy
     * @param longestSide target length of the longer side in pixels, at least {@code cellPixels}
     * @param cellPixels pixels per latent token along each axis, at least 1
     * @param lo pixel value of byte 0 (FLUX VAE: -1)
     * @param hi pixel value of byte 255 (FLUX VAE: 1)
     * @param padValue value of padding pixels
     */
    ImagePreprocessor(Mode mode, int longestSide, int cellPixels, float lo, float hi, float padValue) {
        if (cellPixels < 1 || longestSide < cellPixels) {
            throw new IllegalArgumentException("need 1 <= cellPixels <= longestSide, got cellPixels=" + cellPixels
                    + " longestSide=" + longestSide);
        }
        this.mode = mode;
        this.longestSide = longestSide;
        this.cellPixels = cellPixels;
        this.lo = lo;
        this.hi = hi;
        this.padValue = padValue;
    }

    /** The size plan for an image: resized size, padded canvas and grid. */
    record Plan(int imageHeight, int imageWidth, int resizedHeight, int resizedWidth, int canvasHeight,
                int canvasWidth, int gridHeight, int gridWidth, int cellPixels) {
        ImageGeometry geometry() {
            return ImageGeometry.resizedAndPadded(imageHeight, imageWidth, resizedHeight, resizedWidth, 0, 0,
                    cellPixels, gridHeight, gridWidth);
        }

        int canvasValues() {
            return 3 * canvasHeight * canvasWidth;
        }
    }

    /** The plan for an image of {@code height x width} pixels (both at least 1). */
    Plan plan(int height, int width) {
        int m = cellPixels;
        double s = (double) longestSide / Math.max(height, width);
        int rh;
        int rw;
        int ch;
        int cw;
        switch (mode) {
            case PAD:
                rh = Math.max(1, (int) Math.floor(height * s + 0.5));
                rw = Math.max(1, (int) Math.floor(width * s + 0.5));
                ch = (rh + m - 1) / m * m;
                cw = (rw + m - 1) / m * m;
                break;
            case FIT:
                rh = Math.max(m, (int) Math.floor(height * s / m + 0.5) * m);
                rw = Math.max(m, (int) Math.floor(width * s / m + 0.5) * m);
                ch = rh;
                cw = rw;
                break;
            default:
                rh = longestSide / m * m;
                rw = rh;
                ch = rh;
                cw = rw;
                break;
        }
        return new Plan(height, width, rh, rw, ch, cw, ch / m, cw / m, m);
    }

    /**
     * Resizes and pads {@code image} into {@code out[0, plan.canvasValues())}.
     *
     * @param plan {@link #plan} of the image's size
     */
    void process(RgbImage image, Plan plan, float[] out) {
        int w = image.width();
        int h = image.height();
        int rw = plan.resizedWidth();
        int rh = plan.resizedHeight();
        int cw = plan.canvasWidth();
        int ch = plan.canvasHeight();
        Filter fx = Filter.of(w, rw);
        Filter fy = Filter.of(h, rh);
        byte[] rgb = image.rgb();
        // Horizontal pass: [h, rw, 3] in float.
        float[] tmp = new float[h * rw * 3];
        for (int y = 0; y < h; y++) {
            int rowIn = y * w * 3;
            int rowOut = y * rw * 3;
            for (int x = 0; x < rw; x++) {
                int first = fx.first[x];
                int base = x * fx.taps;
                float r = 0;
                float g = 0;
                float b = 0;
                for (int k = 0; k < fx.count[x]; k++) {
                    float wt = fx.weights[base + k];
                    int at = rowIn + 3 * (first + k);
                    r += wt * (rgb[at] & 0xFF);
                    g += wt * (rgb[at + 1] & 0xFF);
                    b += wt * (rgb[at + 2] & 0xFF);
                }
                tmp[rowOut + 3 * x] = r;
                tmp[rowOut + 3 * x + 1] = g;
                tmp[rowOut + 3 * x + 2] = b;
            }
        }
        float span = (hi - lo) / 255f;
        int plane = ch * cw;
        java.util.Arrays.fill(out, 0, 3 * plane, padValue);
        // Vertical pass straight into the planar canvas.
        for (int y = 0; y < rh; y++) {
            int first = fy.first[y];
            int base = y * fy.taps;
            for (int x = 0; x < rw; x++) {
                float r = 0;
                float g = 0;
                float b = 0;
                for (int k = 0; k < fy.count[y]; k++) {
                    float wt = fy.weights[base + k];
                    int at = ((first + k) * rw + x) * 3;
                    r += wt * tmp[at];
                    g += wt * tmp[at + 1];
                    b += wt * tmp[at + 2];
                }
                int o = y * cw + x;
                out[o] = lo + span * clamp(r);
                out[plane + o] = lo + span * clamp(g);
                out[2 * plane + o] = lo + span * clamp(b);
            }
        }
    }

    private static float clamp(float v) {
        return v < 0 ? 0 : (v > 255 ? 255 : v);
    }

    /** Normalised triangle-filter taps for resampling {@code in} samples to {@code out}. */
    private static final class Filter {
        final int taps;
        final int[] first;
        final int[] count;
        final float[] weights;

        private Filter(int taps, int[] first, int[] count, float[] weights) {
            this.taps = taps;
            this.first = first;
            this.count = count;
            this.weights = weights;
        }

        static Filter of(int in, int out) {
            double scale = (double) in / out;
            double support = Math.max(1.0, scale);
            int taps = (int) Math.ceil(support) * 2 + 1;
            int[] first = new int[out];
            int[] count = new int[out];
            float[] weights = new float[out * taps];
            for (int i = 0; i < out; i++) {
                double centre = (i + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(centre - support));
                int hi = Math.min(in, (int) Math.ceil(centre + support));
                double sum = 0;
                int n = 0;
                double[] w = new double[hi - lo];
                for (int j = lo; j < hi; j++) {
                    double d = Math.abs((j + 0.5 - centre) / support);
                    double v = d < 1 ? 1 - d : 0;
                    w[j - lo] = v;
                    sum += v;
                }
                // Trim zero-weight ends so `first` points at a contributing sample.
                int a = 0;
                int b = w.length;
                while (a < b && w[a] == 0) {
                    a++;
                }
                while (b > a && w[b - 1] == 0) {
                    b--;
                }
                if (a == b) {
                    // The centre falls between samples at an edge: take the nearest one.
                    int nearest = Math.min(in - 1, Math.max(0, (int) Math.floor(centre)));
                    first[i] = nearest;
                    count[i] = 1;
                    weights[i * taps] = 1f;
                    continue;
                }
                first[i] = lo + a;
                for (int j = a; j < b; j++) {
                    weights[i * taps + n++] = (float) (w[j] / sum);
                }
                count[i] = n;
            }
            return new Filter(taps, first, count, weights);
        }
    }
}
