package org.refam.core.image;

/**
 * Limits that {@link Images} enforces before it decodes an image, from the size the file declares in its header,
 * so that a small file that claims an enormous size (a "decompression bomb") is refused without allocating its
 * pixels.
 *
 * @param maxPixels the largest accepted {@code width * height}; at least 1 and at most {@link #MAX_PIXELS_CAP}
 *
 * <p>Thread-safety: immutable.
 */
public record ImageLimits(long maxPixels) {
    /**
     * Default budget: 8192 x 8192 = 67,108,864 pixels (64 Mi pixels). Decoding such an image takes about 256 MiB for
     * ImageIO's ARGB raster plus 192 MiB for the {@link org.refam.api.RgbImage}; FLUX (method.md section 4) works
     * at about 1 megapixel, so this leaves ample room for photographs while refusing absurd sizes.
     */
    public static final long DEFAULT_MAX_PIXELS = 8192L * 8192L;

    /**
     * The largest budget that can be configured: an {@link org.refam.api.RgbImage} keeps 3 bytes per pixel in one
     * Java array, which holds at most {@code Integer.MAX_VALUE - 8} elements.
     */
    public static final long MAX_PIXELS_CAP = (Integer.MAX_VALUE - 8L) / 3L;

    /** The default limits ({@link #DEFAULT_MAX_PIXELS}). */
    public static final ImageLimits DEFAULT = new ImageLimits(DEFAULT_MAX_PIXELS);

    public ImageLimits {
        if (maxPixels < 1 || maxPixels > MAX_PIXELS_CAP) {
            throw new IllegalArgumentException("maxPixels must be in [1, " + MAX_PIXELS_CAP + "], got " + maxPixels);
        }
    }

    /** Limits accepting at most {@code maxPixels} pixels. */
    public static ImageLimits ofMaxPixels(long maxPixels) {
        return new ImageLimits(maxPixels);
    }
}
