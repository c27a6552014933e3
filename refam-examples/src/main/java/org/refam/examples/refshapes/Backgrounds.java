package org.refam.examples.refshapes;

/**
 * Paints scene backgrounds into interleaved RGB bytes. Every channel of every background pixel is clamped to
 * {@code [MIN_LEVEL, MAX_LEVEL]}; each {@link Colour} has a channel outside that range, so no background pixel has
 * an object's colour. Trigonometry goes through {@link StrictMath} so that the pixels are bit-identical on every JVM
 * and CPU.
 */
final class Backgrounds {
    /** Lowest background channel value; every palette colour has a channel below it or above {@link #MAX_LEVEL}. */
    static final int MIN_LEVEL = 55;
    /** Highest background channel value. */
    static final int MAX_LEVEL = 200;

    private Backgrounds() {
    }

    /**
     * A smooth linear gradient between two muted tints in a random direction, with pixel noise of at most one
     * level (standard variant).
     */
    static void gradient(SceneRandom rnd, int width, int height, byte[] rgb) {
        double[] c0 = tint(rnd, 100, 155, 18);
        double[] c1 = new double[3];
        double shift = rnd.uniform(-35, 35);
        for (int c = 0; c < 3; c++) {
            c1[c] = c0[c] + shift + rnd.uniform(-10, 10);
        }
        double angle = rnd.uniform(0, 2 * Math.PI);
        double dx = StrictMath.cos(angle);
        double dy = StrictMath.sin(angle);
        // Project the four corners so that t runs over [0, 1] across the image.
        double lo = Math.min(0, dx * width) + Math.min(0, dy * height);
        double hi = Math.max(0, dx * width) + Math.max(0, dy * height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double t = ((x + 0.5) * dx + (y + 0.5) * dy - lo) / (hi - lo);
                int noise = rnd.nextInt(3) - 1;
                int i = 3 * (y * width + x);
                for (int c = 0; c < 3; c++) {
                    rgb[i + c] = level(c0[c] + t * (c1[c] - c0[c]) + noise);
                }
            }
        }
    }

    /**
     * A textured background (hard variant): stripes, plaid or colour blotches over a muted tint, with pixel noise of
     * up to six levels.
     */
    static void texture(SceneRandom rnd, int width, int height, byte[] rgb) {
        double[] base = tint(rnd, 95, 160, 20);
        int kind = rnd.nextInt(3);
        double period = rnd.uniform(4, 12);
        double angle = rnd.uniform(0, Math.PI);
        double amplitude = rnd.uniform(15, 30);
        double phase = rnd.uniform(0, 2 * Math.PI);
        double[] stripeTint = {rnd.uniform(0.6, 1.4), rnd.uniform(0.6, 1.4), rnd.uniform(0.6, 1.4)};
        int cellPx = rnd.nextInt(6, 12);
        int gw = width / cellPx + 2;
        int gh = height / cellPx + 2;
        double[] lattice = new double[gw * gh * 3];
        for (int i = 0; i < lattice.length; i++) {
            lattice[i] = rnd.uniform(-35, 35);
        }
        double kx = StrictMath.cos(angle) * 2 * Math.PI / period;
        double ky = StrictMath.sin(angle) * 2 * Math.PI / period;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double px = x + 0.5;
                double py = y + 0.5;
                int i = 3 * (y * width + x);
                int noise = rnd.nextInt(13) - 6;
                double wave = 0;
                if (kind == 0) {
                    wave = amplitude * StrictMath.sin(kx * px + ky * py + phase);
                } else if (kind == 1) {
                    wave = 0.6 * amplitude * (StrictMath.sin(kx * px + ky * py + phase)
                            + StrictMath.sin(-ky * px + kx * py + phase));
                }
                for (int c = 0; c < 3; c++) {
                    double value = base[c] + noise + (kind == 2
                            ? blotch(lattice, gw, c, px / cellPx, py / cellPx)
                            : wave * stripeTint[c]);
                    rgb[i + c] = level(value);
                }
            }
        }
    }

    /** Smoothstep-interpolated lattice noise for channel {@code c} at lattice coordinates ({@code u}, {@code v}). */
    private static double blotch(double[] lattice, int gw, int c, double u, double v) {
        int i = (int) u;
        int j = (int) v;
        double fu = smooth(u - i);
        double fv = smooth(v - j);
        double a = lattice[3 * (j * gw + i) + c];
        double b = lattice[3 * (j * gw + i + 1) + c];
        double d = lattice[3 * ((j + 1) * gw + i) + c];
        double e = lattice[3 * ((j + 1) * gw + i + 1) + c];
        return (a + (b - a) * fu) * (1 - fv) + (d + (e - d) * fu) * fv;
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }

    /** A grey in {@code [lo, hi)} with each channel moved by at most {@code spread}. */
    private static double[] tint(SceneRandom rnd, double lo, double hi, double spread) {
        double grey = rnd.uniform(lo, hi);
        return new double[] {grey + rnd.uniform(-spread, spread), grey + rnd.uniform(-spread, spread),
            grey + rnd.uniform(-spread, spread)};
    }

    private static byte level(double value) {
        long v = Math.round(value);
        return (byte) Math.max(MIN_LEVEL, Math.min(MAX_LEVEL, v));
    }
}
