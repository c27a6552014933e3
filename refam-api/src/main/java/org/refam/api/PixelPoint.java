package org.refam.api;

/**
 * A pixel of the original image: column {@code x}, row {@code y}, from the top-left corner.
 *
 * <p>Thread-safety: immutable.
 */
public record PixelPoint(int x, int y) {
}
