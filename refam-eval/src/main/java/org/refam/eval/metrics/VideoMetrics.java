package org.refam.eval.metrics;

import java.util.Objects;
import org.refam.api.Mask;

/**
 * The per-frame video metrics of the DAVIS 2017 evaluation code, exactly as method.md section 6 states them:
 * region similarity J and boundary accuracy F.
 *
 * <ul>
 *   <li><b>J</b> = {@code |S and G| / |S or G|}, and 1 when both masks are empty.</li>
 *   <li><b>Boundary map</b>: a pixel is a boundary pixel when its value differs from its east, south or south-east
 *       neighbour; neighbours outside the image are not compared, so the image border is not a boundary (a mask that
 *       fills the image has no boundary pixels; the bottom-right pixel never is one). The map includes background
 *       pixels left of or above the object, half a pixel towards the origin from the true edge, as in the DAVIS
 *       code's {@code seg2bmap}.</li>
 *   <li><b>Tolerance</b> r = ceil(0.008 * sqrt(H^2 + W^2)) pixels (DAVIS {@code bound_th = 0.008} of the image
 *       diagonal); each boundary map is dilated by the disk {@code x^2 + y^2 <= r^2}.</li>
 *   <li><b>F</b>: precision {@code P = |B_S and dil(B_G)| / |B_S|}, recall {@code R = |B_G and dil(B_S)| / |B_G|};
 *       when only the ground truth has boundary pixels P = 1, R = 0; when only the prediction has them P = 0, R = 1;
 *       when neither has, P = R = 1; F = 2PR / (P + R), and 0 when P + R = 0.</li>
 * </ul>
 * Void pixels are not used: the DAVIS 2017 code sets label 255 to background before it builds its void mask, so its
 * void mask is always empty, and so is ours.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
public final class VideoMetrics {
    /** The boundary tolerance as a fraction of the image diagonal ({@code bound_th} of the DAVIS 2017 code). */
    public static final double BOUNDARY_TOLERANCE = 0.008;

    private VideoMetrics() {
    }

    /**
     * Region similarity J of one frame: intersection over union, 1 when both masks are empty.
     *
     * @return J in [0, 1]
     * @throws IllegalArgumentException if the masks differ in size, naming both
     */
    public static double jaccard(Mask pred, Mask gt) {
        requireSameSize(pred, gt);
        boolean[] p = pred.data();
        boolean[] g = gt.data();
        long inter = 0;
        long union = 0;
        for (int k = 0; k < p.length; k++) {
            if (p[k] & g[k]) {
                inter++;
            }
            if (p[k] | g[k]) {
                union++;
            }
        }
        return union == 0 ? 1.0 : (double) inter / union;
    }

    /**
     * The boundary tolerance in pixels for an image of {@code height x width}: {@code ceil(0.008 * diagonal)}.
     *
     * @throws IllegalArgumentException if a side is negative
     */
    public static int tolerance(int height, int width) {
        if (height < 0 || width < 0) {
            throw new IllegalArgumentException("image size must not be negative, got " + height + "x" + width);
        }
        return (int) Math.ceil(BOUNDARY_TOLERANCE * Math.sqrt((double) height * height + (double) width * width));
    }

    /** The boundary map of {@code mask} (see the class comment), same size. */
    public static Mask boundary(Mask mask) {
        Objects.requireNonNull(mask, "mask");
        int h = mask.height();
        int w = mask.width();
        boolean[] s = mask.data();
        boolean[] b = new boolean[s.length];
        for (int y = 0; y < h; y++) {
            int row = y * w;
            boolean hasSouth = y + 1 < h;
            for (int x = 0; x < w; x++) {
                boolean v = s[row + x];
                boolean hasEast = x + 1 < w;
                boolean differs = hasEast && s[row + x + 1] != v
                        || hasSouth && s[row + w + x] != v
                        || hasEast && hasSouth && s[row + w + x + 1] != v;
                b[row + x] = differs;
            }
        }
        return new Mask(h, w, b);
    }

    /**
     * Boundary accuracy F of one frame with the standard tolerance {@link #tolerance(int, int)}.
     *
     * @return F in [0, 1]
     * @throws IllegalArgumentException if the masks differ in size, naming both
     */
    public static double boundaryF(Mask pred, Mask gt) {
        requireSameSize(pred, gt);
        return boundaryF(pred, gt, tolerance(gt.height(), gt.width()));
    }

    /**
     * Boundary accuracy F of one frame with an explicit tolerance.
     *
     * @param radius the dilation radius in pixels, >= 0 (0 matches boundary pixels only where they coincide)
     * @return F in [0, 1]
     * @throws IllegalArgumentException if the masks differ in size or the radius is negative
     */
    public static double boundaryF(Mask pred, Mask gt, int radius) {
        requireSameSize(pred, gt);
        if (radius < 0) {
            throw new IllegalArgumentException("radius must be >= 0, got " + radius);
        }
        boolean[] bp = boundary(pred).data();
        boolean[] bg = boundary(gt).data();
        long np = count(bp);
        long ng = count(bg);
        double precision;
        double recall;
        if (np == 0 && ng > 0) {
            precision = 1;
            recall = 0;
        } else if (np > 0 && ng == 0) {
            precision = 0;
            recall = 1;
        } else if (np == 0) {
            precision = 1;
            recall = 1;
        } else {
            int h = gt.height();
            int w = gt.width();
            precision = (double) countAnd(bp, dilate(bg, h, w, radius)) / np;
            recall = (double) countAnd(bg, dilate(bp, h, w, radius)) / ng;
        }
        return precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
    }

    /** {@code b} dilated by the disk {@code dx^2 + dy^2 <= r^2}; pixels outside the image contribute nothing. */
    static boolean[] dilate(boolean[] b, int h, int w, int r) {
        int[] half = new int[r + 1];
        for (int dy = 0; dy <= r; dy++) {
            long rem = (long) r * r - (long) dy * dy;
            int dx = (int) Math.sqrt((double) rem);
            while ((long) (dx + 1) * (dx + 1) <= rem) {
                dx++;
            }
            while ((long) dx * dx > rem) {
                dx--;
            }
            half[dy] = dx;
        }
        boolean[] out = new boolean[b.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (!b[y * w + x]) {
                    continue;
                }
                for (int dy = -r; dy <= r; dy++) {
                    int yy = y + dy;
                    if (yy < 0 || yy >= h) {
                        continue;
                    }
                    int hw = half[Math.abs(dy)];
                    int from = Math.max(0, x - hw);
                    int to = Math.min(w - 1, x + hw);
                    int row = yy * w;
                    for (int xx = from; xx <= to; xx++) {
                        out[row + xx] = true;
                    }
                }
            }
        }
        return out;
    }

    private static long count(boolean[] a) {
        long n = 0;
        for (boolean v : a) {
            if (v) {
                n++;
            }
        }
        return n;
    }

    private static long countAnd(boolean[] a, boolean[] b) {
        long n = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] & b[i]) {
                n++;
            }
        }
        return n;
    }

    private static void requireSameSize(Mask pred, Mask gt) {
        Objects.requireNonNull(pred, "pred");
        Objects.requireNonNull(gt, "gt");
        if (pred.height() != gt.height() || pred.width() != gt.width()) {
            throw new IllegalArgumentException("mask sizes differ: prediction " + pred.height() + "x" + pred.width()
                    + " vs ground truth " + gt.height() + "x" + gt.width() + " (HxW)");
        }
    }
}
