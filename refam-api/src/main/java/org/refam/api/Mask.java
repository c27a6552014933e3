package org.refam.api;

/**
 * A binary mask over image pixels, row-major.
 *
 * @param height rows
 * @param width columns
 * @param data {@code height * width} flags, owned by the mask: callers must not modify them
 *
 * <p>Thread-safety: immutable by contract (the array is not copied).
 */
public record Mask(int height, int width, boolean[] data) {
    public Mask {
        if (height < 0 || width < 0) {
            throw new IllegalArgumentException("mask size must not be negative, got " + height + "x" + width);
        }
        if (data == null || (long) data.length != (long) height * width) {
            throw new IllegalArgumentException("a " + height + "x" + width + " mask needs " + (long) height * width
                    + " flags, got " + (data == null ? "null" : data.length));
        }
    }

    /** An all-false mask. */
    public static Mask empty(int height, int width) {
        return new Mask(height, width, new boolean[height * width]);
    }

    /** Flag at pixel ({@code x}, {@code y}). */
    public boolean get(int x, int y) {
        return data[y * width + x];
    }

    /** Number of set pixels. */
    public long area() {
        long a = 0;
        for (boolean b : data) {
            if (b) {
                a++;
            }
        }
        return a;
    }
}
