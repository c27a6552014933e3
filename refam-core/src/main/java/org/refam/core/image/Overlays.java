package org.refam.core.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

import org.refam.api.HeatMap;
import org.refam.api.Mask;
import org.refam.api.PixelPoint;
import org.refam.api.RgbImage;

/**
 * Renders RefAM's outputs for people: the heat map over the image with its peak marked, and masks (method.md
 * section 2, step 8; the pictures {@code inspect} gives). Heat maps are drawn with {@link ColorMaps}' inferno
 * after normalisation to [0, 1] by their maximum: non-finite and negative values count as 0, and an all-zero
 * heat map renders as the colour of 0 without dividing by zero.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
public final class Overlays {
    /** Colour of the peak marker: cyan, which inferno never uses, so the marker stands out anywhere. */
    public static final int MARKER_RGB = 0x00FFFF;
    /** Outline drawn around the marker so that it also shows on light images. */
    public static final int MARKER_OUTLINE_RGB = 0x000000;
    /** Default colour of {@link #maskOverlay(RgbImage, Mask)}: green. */
    public static final int DEFAULT_MASK_RGB = 0x00C853;

    private Overlays() {
    }

    /**
     * Blends the inferno rendering of {@code heat} over {@code image} and marks {@code peak}:
     * {@code out = (1 - alpha) * image + alpha * inferno(heat / max(heat))} for every pixel, then a cyan cross
     * with a black outline inside a cyan ring, centred on the peak (the peak pixel itself is {@link #MARKER_RGB}).
     * The marker's arm length is {@code max(4, min(width, height) / 25)} pixels; it is clipped at the border.
     *
     * @param image the image
     * @param imageSizedHeat a heat map already upsampled to the image: {@code height x width} equal to the image's
     * @param peak the pixel to mark, or {@code null} for no marker
     * @param alpha opacity of the heat map in [0, 1]: 0 shows only the image, 1 only the heat map
     * @throws IllegalArgumentException if the sizes differ (naming both), {@code alpha} is outside [0, 1] or NaN, or
     *     {@code peak} lies outside the image
     */
    public static RgbImage heatMapOverlay(RgbImage image, HeatMap imageSizedHeat, PixelPoint peak, float alpha) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(imageSizedHeat, "imageSizedHeat");
        if (imageSizedHeat.width() != image.width() || imageSizedHeat.height() != image.height()) {
            throw new IllegalArgumentException("the heat map must have the image's size: image width=" + image.width()
                    + " height=" + image.height() + ", heat map width=" + imageSizedHeat.width() + " height="
                    + imageSizedHeat.height() + " (upsample it to the image first)");
        }
        checkAlpha(alpha);
        checkInside(peak, image.width(), image.height());
        float[] v = imageSizedHeat.values();
        float scale = normaliser(v);
        byte[] src = image.rgb();
        byte[] out = new byte[src.length];
        for (int i = 0, o = 0; i < v.length; i++, o += 3) {
            int c = ColorMaps.rgb(normalised(v[i], scale));
            out[o] = blend(src[o] & 0xFF, (c >> 16) & 0xFF, alpha);
            out[o + 1] = blend(src[o + 1] & 0xFF, (c >> 8) & 0xFF, alpha);
            out[o + 2] = blend(src[o + 2] & 0xFF, c & 0xFF, alpha);
        }
        if (peak != null) {
            drawMarker(out, image.width(), image.height(), peak.x(), peak.y());
        }
        return new RgbImage(image.width(), image.height(), out);
    }

    /**
     * The heat map alone, one pixel per cell, in inferno after normalisation by its maximum (see the class
     * comment for NaN, negative and all-zero values).
     */
    public static RgbImage heatMapImage(HeatMap heat) {
        Objects.requireNonNull(heat, "heat");
        float[] v = heat.values();
        float scale = normaliser(v);
        byte[] out = new byte[3 * v.length];
        for (int i = 0, o = 0; i < v.length; i++, o += 3) {
            putRgb(out, o, ColorMaps.rgb(normalised(v[i], scale)));
        }
        return new RgbImage(heat.width(), heat.height(), out);
    }

    /**
     * The mask as a black-and-white image: set pixels white (255, 255, 255), others black.
     *
     * @throws IllegalArgumentException if the mask has no pixels (an image needs at least 1x1)
     */
    public static RgbImage maskImage(Mask mask) {
        Objects.requireNonNull(mask, "mask");
        if (mask.width() < 1 || mask.height() < 1) {
            throw new IllegalArgumentException("cannot render a mask without pixels: width=" + mask.width()
                    + " height=" + mask.height());
        }
        boolean[] d = mask.data();
        byte[] out = new byte[3 * d.length];
        for (int i = 0, o = 0; i < d.length; i++, o += 3) {
            if (d[i]) {
                out[o] = (byte) 255;
                out[o + 1] = (byte) 255;
                out[o + 2] = (byte) 255;
            }
        }
        return new RgbImage(mask.width(), mask.height(), out);
    }

    /** {@link #maskOverlay(RgbImage, Mask, int, float)} in {@link #DEFAULT_MASK_RGB} at opacity 0.5. */
    public static RgbImage maskOverlay(RgbImage image, Mask mask) {
        return maskOverlay(image, mask, DEFAULT_MASK_RGB, 0.5f);
    }

    /**
     * Tints the mask's pixels of {@code image} with {@code rgb} at opacity {@code alpha} and draws the mask's
     * contour (set pixels with an unset 4-neighbour inside the image) opaque in {@code rgb}; other pixels are
     * unchanged.
     *
     * @param rgb packed {@code 0xRRGGBB} (higher bits ignored)
     * @param alpha opacity of the tint in [0, 1]
     * @throws IllegalArgumentException if the sizes differ (naming both) or {@code alpha} is outside [0, 1] or NaN
     */
    public static RgbImage maskOverlay(RgbImage image, Mask mask, int rgb, float alpha) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(mask, "mask");
        if (mask.width() != image.width() || mask.height() != image.height()) {
            throw new IllegalArgumentException("the mask must have the image's size: image width=" + image.width()
                    + " height=" + image.height() + ", mask width=" + mask.width() + " height=" + mask.height());
        }
        checkAlpha(alpha);
        int w = image.width();
        int h = image.height();
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        byte[] out = image.rgb().clone();
        boolean[] d = mask.data();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (!d[i]) {
                    continue;
                }
                int o = 3 * i;
                boolean contour = (x > 0 && !d[i - 1]) || (x < w - 1 && !d[i + 1])
                        || (y > 0 && !d[i - w]) || (y < h - 1 && !d[i + w]);
                float a = contour ? 1f : alpha;
                out[o] = blend(out[o] & 0xFF, r, a);
                out[o + 1] = blend(out[o + 1] & 0xFF, g, a);
                out[o + 2] = blend(out[o + 2] & 0xFF, b, a);
            }
        }
        return new RgbImage(w, h, out);
    }

    /**
     * Writes {@code image} as a PNG; see {@link Images#write(RgbImage, Path)}.
     *
     * @throws IOException if the file cannot be written
     */
    public static void writePng(RgbImage image, Path file) throws IOException {
        Images.write(image, file);
    }

    // ---------------------------------------------------------------- internals

    /** 1 / max over the finite positive values, or 0 when there is none (everything then maps to 0). */
    private static float normaliser(float[] v) {
        float max = 0f;
        for (float x : v) {
            if (x > max && x != Float.POSITIVE_INFINITY) {
                max = x;
            }
        }
        return max > 0f ? 1f / max : 0f;
    }

    private static float normalised(float x, float scale) {
        return x > 0f && x != Float.POSITIVE_INFINITY ? x * scale : 0f;
    }

    private static byte blend(int under, int over, float alpha) {
        return (byte) Math.round(under + alpha * (over - under));
    }

    private static void putRgb(byte[] out, int o, int rgb) {
        out[o] = (byte) (rgb >> 16);
        out[o + 1] = (byte) (rgb >> 8);
        out[o + 2] = (byte) rgb;
    }

    private static void checkAlpha(float alpha) {
        if (!(alpha >= 0f && alpha <= 1f)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
    }

    private static void checkInside(PixelPoint p, int w, int h) {
        if (p != null && (p.x() < 0 || p.y() < 0 || p.x() >= w || p.y() >= h)) {
            throw new IllegalArgumentException("peak (x=" + p.x() + ", y=" + p.y() + ") lies outside the " + w + "x"
                    + h + " (width x height) image");
        }
    }

    private static void drawMarker(byte[] out, int w, int h, int px, int py) {
        int arm = Math.max(4, Math.min(w, h) / 25);
        int ring = arm;
        int reach = arm + arm / 2;
        // ring: cyan band of width ~1.2 px with a black band inside and outside it
        for (int dy = -ring - 2; dy <= ring + 2; dy++) {
            for (int dx = -ring - 2; dx <= ring + 2; dx++) {
                double off = Math.abs(Math.sqrt(dx * dx + dy * dy) - ring);
                if (off <= 0.6) {
                    set(out, w, h, px + dx, py + dy, MARKER_RGB);
                } else if (off <= 1.6) {
                    set(out, w, h, px + dx, py + dy, MARKER_OUTLINE_RGB);
                }
            }
        }
        // cross: 3 px black bars under 1 px cyan bars
        for (int d = -reach - 1; d <= reach + 1; d++) {
            for (int t = -1; t <= 1; t++) {
                set(out, w, h, px + d, py + t, MARKER_OUTLINE_RGB);
                set(out, w, h, px + t, py + d, MARKER_OUTLINE_RGB);
            }
        }
        for (int d = -reach; d <= reach; d++) {
            set(out, w, h, px + d, py, MARKER_RGB);
            set(out, w, h, px, py + d, MARKER_RGB);
        }
    }

    private static void set(byte[] out, int w, int h, int x, int y, int rgb) {
        if (x >= 0 && y >= 0 && x < w && y < h) {
            putRgb(out, 3 * (y * w + x), rgb);
        }
    }
}
