package org.refam.api;

/**
 * An 8-bit sRGB image as interleaved {@code R, G, B} bytes, row-major, top row first.
 *
 * @param width pixels per row, at least 1
 * @param height rows, at least 1
 * @param rgb {@code 3 * width * height} bytes, owned by the image: callers must not modify it after construction
 *
 * <p>Thread-safety: immutable by contract (the array is not copied).
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if (width < 1 || height < 1) {
            throw new InvalidImageException("image size must be positive, got " + width + "x" + height);
        }
        if (rgb == null || (long) rgb.length != 3L * width * height) {
            throw new InvalidImageException("a " + width + "x" + height + " RGB image needs " + 3L * width * height
                    + " bytes, got " + (rgb == null ? "null" : rgb.length));
        }
    }

    /** Red, green or blue ({@code channel} 0, 1, 2) of pixel ({@code x}, {@code y}) as 0..255. */
    public int channel(int x, int y, int channel) {
        return rgb[3 * (y * width + x) + channel] & 0xFF;
    }

    /** Number of pixels. */
    public long pixels() {
        return (long) width * height;
    }
}
