package org.refam.onnx.sam;

/**
 * The three resampling kernels the SAM pre- and post-processing needs, each matching its reference:
 * <ul>
 *   <li>{@link #resizeRgb8}: Pillow's {@code Image.resize(size, BILINEAR)} on an 8-bit RGB image (what SAM v1's
 *       {@code ResizeLongestSide.apply_image} runs through torchvision's {@code resize} of a PIL image): a separable
 *       triangle filter whose support widens by the downscale factor (antialiasing), fixed-point weights of 22
 *       fraction bits, horizontal pass first, each pass rounded and clamped to 8 bits;</li>
 *   <li>{@link #resizePlanesAntialiased}: the same filter on float planes without rounding, as PyTorch's
 *       {@code F.interpolate(mode="bilinear", align_corners=False, antialias=True)} (what SAM2's {@code Resize} does
 *       on the image tensor with torchvision 0.17 and later);</li>
 *   <li>{@link #upsampleBilinear}: plain bilinear interpolation with half-pixel centres and edge clamping, as
 *       {@code F.interpolate(mode="bilinear", align_corners=False)} (SAM2's {@code postprocess_masks}).</li>
 * </ul>
 * Arrays are flat and row-major with explicit sizes; nothing is allocated beyond the output and one intermediate
 * plane.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class Resampling {
    /** Fixed-point fraction bits of Pillow's 8-bit resampler ({@code PRECISION_BITS = 32 - 8 - 2}). */
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private Resampling() {
    }

    /**
     * Filter taps of one axis: output sample {@code i} reads {@code count[i]} inputs from {@code first[i]} with
     * weights {@code weight[i * stride + k]} (normalised to sum 1).
     */
    private record Taps(int[] first, int[] count, double[] weight, int stride) {
    }

    /** Triangle (bilinear) filter taps widened by the downscale factor, as Pillow's {@code precompute_coeffs}. */
    private static Taps taps(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale; // the triangle filter's support is 1
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        double[] weight = new double[outSize * stride];
        double inverse = 1.0 / filterScale;
        for (int i = 0; i < outSize; i++) {
            double center = (i + 0.5) * scale;
            // (int) truncates toward zero, as the C cast in the references
            int min = Math.max((int) (center - support + 0.5), 0);
            int max = Math.min((int) (center + support + 0.5), inSize) - min;
            double total = 0;
            for (int k = 0; k < max; k++) {
                double w = triangle((k + min - center + 0.5) * inverse);
                weight[i * stride + k] = w;
                total += w;
            }
            if (total != 0) {
                for (int k = 0; k < max; k++) {
                    weight[i * stride + k] /= total;
                }
            }
            first[i] = min;
            count[i] = max;
        }
        return new Taps(first, count, weight, stride);
    }

    private static double triangle(double x) {
        double a = Math.abs(x);
        return a < 1.0 ? 1.0 - a : 0.0;
    }

    /** Pillow's {@code normalize_coeffs_8bpc}: weights as fixed-point integers, rounded half away from zero. */
    private static int[] fixedPoint(Taps t) {
        int[] out = new int[t.weight.length];
        double one = 1 << PRECISION_BITS;
        for (int i = 0; i < out.length; i++) {
            double w = t.weight[i];
            out[i] = (int) (w < 0 ? -0.5 + w * one : 0.5 + w * one);
        }
        return out;
    }

    private static int clip8(long acc) {
        long v = acc >> PRECISION_BITS;
        return v < 0 ? 0 : v > 255 ? 255 : (int) v;
    }

    /**
     * Resizes interleaved 8-bit RGB from {@code width x height} to {@code outWidth x outHeight}, as Pillow's
     * {@code Image.resize((outWidth, outHeight), Image.BILINEAR)} (same sizes give a copy).
     *
     * @return {@code 3 * outWidth * outHeight} bytes, interleaved RGB, row-major
     */
    static byte[] resizeRgb8(byte[] rgb, int width, int height, int outWidth, int outHeight) {
        checkSizes(rgb.length, 3L * width * height, width, height, outWidth, outHeight);
        byte[] src = rgb;
        int w = width;
        if (outWidth != width) {
            Taps t = taps(width, outWidth);
            int[] k = fixedPoint(t);
            byte[] tmp = new byte[3 * outWidth * height];
            for (int y = 0; y < height; y++) {
                int row = y * width;
                for (int x = 0; x < outWidth; x++) {
                    long r = 1L << (PRECISION_BITS - 1);
                    long g = r;
                    long b = r;
                    int base = x * t.stride;
                    for (int j = 0; j < t.count[x]; j++) {
                        int p = 3 * (row + t.first[x] + j);
                        long c = k[base + j];
                        r += (src[p] & 0xFF) * c;
                        g += (src[p + 1] & 0xFF) * c;
                        b += (src[p + 2] & 0xFF) * c;
                    }
                    int o = 3 * (y * outWidth + x);
                    tmp[o] = (byte) clip8(r);
                    tmp[o + 1] = (byte) clip8(g);
                    tmp[o + 2] = (byte) clip8(b);
                }
            }
            src = tmp;
            w = outWidth;
        }
        if (outHeight == height) {
            return src == rgb ? rgb.clone() : src;
        }
        Taps t = taps(height, outHeight);
        int[] k = fixedPoint(t);
        byte[] out = new byte[3 * w * outHeight];
        for (int y = 0; y < outHeight; y++) {
            int base = y * t.stride;
            for (int x = 0; x < w; x++) {
                long r = 1L << (PRECISION_BITS - 1);
                long g = r;
                long b = r;
                for (int j = 0; j < t.count[y]; j++) {
                    int p = 3 * ((t.first[y] + j) * w + x);
                    long c = k[base + j];
                    r += (src[p] & 0xFF) * c;
                    g += (src[p + 1] & 0xFF) * c;
                    b += (src[p + 2] & 0xFF) * c;
                }
                int o = 3 * (y * w + x);
                out[o] = (byte) clip8(r);
                out[o + 1] = (byte) clip8(g);
                out[o + 2] = (byte) clip8(b);
            }
        }
        return out;
    }

    /**
     * Resizes {@code planes} float planes of {@code width x height} (plane-major, {@code CHW}) to
     * {@code outWidth x outHeight} with the antialiased bilinear filter, without rounding: PyTorch's
     * {@code F.interpolate(mode="bilinear", align_corners=False, antialias=True)}. NaN propagates to the outputs
     * whose filter reads it.
     *
     * @return {@code planes * outHeight * outWidth} floats, {@code CHW}
     */
    static float[] resizePlanesAntialiased(float[] src, int planes, int width, int height, int outWidth,
                                           int outHeight) {
        checkSizes(src.length, (long) planes * width * height, width, height, outWidth, outHeight);
        Taps tx = taps(width, outWidth);
        Taps ty = taps(height, outHeight);
        float[] tmp = new float[outWidth * height];
        float[] out = new float[planes * outWidth * outHeight];
        for (int c = 0; c < planes; c++) {
            int in = c * width * height;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < outWidth; x++) {
                    double acc = 0;
                    int base = x * tx.stride;
                    int p = in + y * width + tx.first[x];
                    for (int j = 0; j < tx.count[x]; j++) {
                        acc += src[p + j] * tx.weight[base + j];
                    }
                    tmp[y * outWidth + x] = (float) acc;
                }
            }
            int o = c * outWidth * outHeight;
            for (int y = 0; y < outHeight; y++) {
                int base = y * ty.stride;
                for (int x = 0; x < outWidth; x++) {
                    double acc = 0;
                    for (int j = 0; j < ty.count[y]; j++) {
                        acc += tmp[(ty.first[y] + j) * outWidth + x] * ty.weight[base + j];
                    }
                    out[o + y * outWidth + x] = (float) acc;
                }
            }
        }
        return out;
    }

    /**
     * Bilinear resampling of one plane with half-pixel centres, {@code F.interpolate(mode="bilinear",
     * align_corners=False)} without antialiasing: output pixel {@code i} reads source position
     * {@code max((i + 0.5) * in / out - 0.5, 0)}, the last row and column repeat at the edge.
     *
     * @param src {@code height * width} floats starting at {@code offset}
     * @return {@code outHeight * outWidth} floats, row-major
     */
    static float[] upsampleBilinear(float[] src, int offset, int width, int height, int outWidth, int outHeight) {
        checkSizes(src.length - (long) offset, (long) width * height, width, height, outWidth, outHeight);
        int[] x0 = new int[outWidth];
        int[] x1 = new int[outWidth];
        float[] fx = new float[outWidth];
        axis(width, outWidth, x0, x1, fx);
        int[] y0 = new int[outHeight];
        int[] y1 = new int[outHeight];
        float[] fy = new float[outHeight];
        axis(height, outHeight, y0, y1, fy);
        float[] out = new float[outWidth * outHeight];
        for (int y = 0; y < outHeight; y++) {
            int r0 = offset + y0[y] * width;
            int r1 = offset + y1[y] * width;
            float b = fy[y];
            float a = 1f - b;
            for (int x = 0; x < outWidth; x++) {
                float d = fx[x];
                float c = 1f - d;
                out[y * outWidth + x] = a * (c * src[r0 + x0[x]] + d * src[r0 + x1[x]])
                        + b * (c * src[r1 + x0[x]] + d * src[r1 + x1[x]]);
            }
        }
        return out;
    }

    private static void axis(int in, int out, int[] i0, int[] i1, float[] frac) {
        float scale = (float) in / out; // PyTorch computes the scale in the tensor's float type
        for (int i = 0; i < out; i++) {
            float s = Math.max(scale * (i + 0.5f) - 0.5f, 0f);
            int lo = Math.min((int) s, in - 1);
            i0[i] = lo;
            i1[i] = lo < in - 1 ? lo + 1 : lo;
            frac[i] = s - lo;
        }
    }

    private static void checkSizes(long length, long expected, int width, int height, int outWidth, int outHeight) {
        if (width < 1 || height < 1 || outWidth < 1 || outHeight < 1) {
            throw new IllegalArgumentException("sizes must be positive, got " + width + "x" + height + " -> "
                    + outWidth + "x" + outHeight);
        }
        if (length < expected) {
            throw new IllegalArgumentException("a " + width + "x" + height + " input needs " + expected
                    + " values, got " + length);
        }
    }
}
