package org.refam.api;

/**
 * A non-negative score per cell of a grid (latent grid or image pixels), row-major.
 *
 * @param height rows
 * @param width columns
 * @param values {@code height * width} floats, owned by the heat map: callers must not modify them
 *
 * <p>Thread-safety: immutable by contract (the array is not copied).
 */
public record HeatMap(int height, int width, float[] values) {
    public HeatMap {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("heat map size must be positive, got " + height + "x" + width);
        }
        if (values == null || (long) values.length != (long) height * width) {
            throw new IllegalArgumentException("a " + height + "x" + width + " heat map needs " + (long) height * width
                    + " values, got " + (values == null ? "null" : values.length));
        }
    }

    /** Value at ({@code row}, {@code col}). */
    public float get(int row, int col) {
        return values[row * width + col];
    }

    /** Index of the largest value (the first one on ties), row-major. */
    public int argmax() {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Largest value. */
    public float max() {
        return values[argmax()];
    }
}
