package org.refam.examples.refshapes;

/**
 * An axis-aligned pixel rectangle: columns {@code [x, x + width)}, rows {@code [y, y + height)}.
 *
 * @param x first column
 * @param y first row
 * @param width columns, at least 1
 * @param height rows, at least 1
 *
 * <p>Thread-safety: immutable.
 */
public record Box(int x, int y, int width, int height) {
    public Box {
        if (x < 0 || y < 0 || width < 1 || height < 1) {
            throw new IllegalArgumentException("box must have x, y >= 0 and a positive size, got x=" + x + " y=" + y
                    + " width=" + width + " height=" + height);
        }
    }

    /** True when pixel ({@code px}, {@code py}) lies inside. */
    public boolean contains(int px, int py) {
        return px >= x && px < x + width && py >= y && py < y + height;
    }
}
