package org.refam.examples.refshapes;

/**
 * Rasterises shapes without anti-aliasing: a pixel belongs to a shape exactly when its centre
 * {@code (x + 0.5, y + 0.5)} lies inside the shape's outline (closed set). The painted pixels and the mask are
 * therefore the same set by construction.
 */
final class ShapeRaster {
    /** Inner radius of the star as a fraction of the outer one; fatter than the regular 0.382 so that the star
     *  stays recognisable at 9 pixels across (48-pixel images, small objects). */
    static final double STAR_INNER = 0.45;
    /** Half side of the square relative to the half extent (Shape.SQUARE's Javadoc). */
    static final double SQUARE_HALF = 0.85;
    /** Base line of the triangle relative to the half extent, below the centre. */
    static final double TRIANGLE_BASE = 0.85;
    /** Half width of the diamond relative to the half extent. */
    static final double DIAMOND_HALF_WIDTH = 0.75;
    /** Half thickness of the cross's arms relative to the half extent. */
    static final double CROSS_HALF_ARM = 0.3;

    private static final double[] STAR_X = new double[10];
    private static final double[] STAR_Y = new double[10];

    static {
        for (int k = 0; k < 10; k++) {
            double angle = -Math.PI / 2 + k * Math.PI / 5;
            double radius = (k % 2 == 0) ? 1.0 : STAR_INNER;
            STAR_X[k] = radius * StrictMath.cos(angle);
            STAR_Y[k] = radius * StrictMath.sin(angle);
        }
    }

    private ShapeRaster() {
    }

    /**
     * Sets {@code mask[y * width + x]} for every pixel of {@code shape} centred at ({@code cx}, {@code cy}) with the
     * given extent (all in pixel units); pixels outside the image are dropped.
     *
     * @return the number of pixels set
     */
    static int rasterise(Shape shape, double cx, double cy, double extent, int width, int height, boolean[] mask) {
        double half = extent / 2;
        int x0 = Math.max(0, (int) Math.floor(cx - half - 1));
        int x1 = Math.min(width - 1, (int) Math.ceil(cx + half + 1));
        int y0 = Math.max(0, (int) Math.floor(cy - half - 1));
        int y1 = Math.min(height - 1, (int) Math.ceil(cy + half + 1));
        int count = 0;
        for (int y = y0; y <= y1; y++) {
            double v = (y + 0.5 - cy) / half;
            for (int x = x0; x <= x1; x++) {
                double u = (x + 0.5 - cx) / half;
                if (inside(shape, u, v)) {
                    mask[y * width + x] = true;
                    count++;
                }
            }
        }
        return count;
    }

    /** Whether point ({@code u}, {@code v}), in units of the half extent with y down, lies in the unit shape. */
    static boolean inside(Shape shape, double u, double v) {
        double au = Math.abs(u);
        double av = Math.abs(v);
        return switch (shape) {
            case CIRCLE -> u * u + v * v <= 1.0;
            case SQUARE -> au <= SQUARE_HALF && av <= SQUARE_HALF;
            case TRIANGLE -> v <= TRIANGLE_BASE && au <= (v + 1.0) / (1.0 + TRIANGLE_BASE);
            case DIAMOND -> au / DIAMOND_HALF_WIDTH + av <= 1.0;
            case CROSS -> (au <= CROSS_HALF_ARM && av <= 1.0) || (av <= CROSS_HALF_ARM && au <= 1.0);
            case STAR -> insideStar(u, v);
        };
    }

    /** Even-odd point-in-polygon test against the star outline. */
    private static boolean insideStar(double u, double v) {
        if (u * u + v * v > 1.0) {
            return false;
        }
        boolean in = false;
        for (int i = 0, j = 9; i < 10; j = i++) {
            if ((STAR_Y[i] > v) != (STAR_Y[j] > v)) {
                double xCross = STAR_X[i] + (v - STAR_Y[i]) * (STAR_X[j] - STAR_X[i]) / (STAR_Y[j] - STAR_Y[i]);
                if (u < xCross) {
                    in = !in;
                }
            }
        }
        return in;
    }
}
