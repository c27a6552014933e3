package org.refam.eval.coco;

import java.util.Arrays;

/**
 * COCO segmentations to masks, the way the COCO API (pycocotools, {@code maskApi.c}) computes them.
 *
 * <p><b>Run-length encoding.</b> COCO RLE runs over the image in column-major (Fortran) order: down the first column,
 * then the second, ...; runs alternate between 0 and 1 and start with a (possibly empty) run of 0s. The counts must
 * add up to {@code h * w}. The compressed string form stores each count as 5-bit groups, least significant first, as
 * the characters {@code 48 + group} (ASCII 48..111): bit {@code 0x20} of a group says another group follows, bit
 * {@code 0x10} of the last group is the sign; from the fourth count on (index > 2) the value stored is the difference to
 * the count two places before ({@code rleToString}/{@code rleFrString}).
 *
 * <p><b>Polygons</b> ({@code rleFrPoly}): the vertices are scaled by 5 and rounded with {@code (int)(5v + 0.5)} (C
 * truncation towards zero, so a coordinate in (-0.3, -0.1] rounds to 0 rather than -1); every edge is walked on that
 * 5x grid along its major axis, rounding the minor coordinate the same way; wherever the walk steps to another
 * column, the step is kept when it lies on a pixel column of the original grid ({@code (u + 0.5) / 5 - 0.5} an integer
 * in [0, w - 1]) and gives a transition at row {@code ceil((v + 0.5) / 5 - 0.5)} clamped to [0, h]; the sorted
 * transitions become the run-length counts, and runs of length 0 are merged into their neighbours. In effect a pixel
 * (x, y) is inside when its centre (x + 0.5, y + 0.5), judged on the 5x grid, lies inside the polygon: a rectangle with
 * integer corners (x0, y0)-(x1, y1) covers exactly {@code x0 <= x < x1, y0 <= y < y1}. An edge of zero length makes
 * the C code convert 0/0 to int, which x86 turns into {@code INT_MIN}; this class reproduces that value.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class CocoMasks {
    /** Upsampling factor of {@code rleFrPoly} (maskApi.c: {@code double scale=5}). */
    private static final double SCALE = 5;

    private CocoMasks() {
    }

    /**
     * Run-length counts of polygon {@code xy} (x0, y0, x1, y1, ...; an odd trailing value is ignored, as
     * pycocotools' {@code len(p) / 2} does) on an {@code h x w} image.
     */
    static int[] polygonCounts(double[] xy, int h, int w) {
        int k = xy.length / 2;
        if (k == 0) {
            return new int[] {h * w};
        }
        int[] x = new int[k + 1];
        int[] y = new int[k + 1];
        for (int j = 0; j < k; j++) {
            x[j] = truncate(SCALE * xy[2 * j] + .5);
            y[j] = truncate(SCALE * xy[2 * j + 1] + .5);
        }
        x[k] = x[0];
        y[k] = y[0];
        int total = 0;
        for (int j = 0; j < k; j++) {
            total += Math.max(Math.abs(x[j] - x[j + 1]), Math.abs(y[j] - y[j + 1])) + 1;
        }
        // points along the whole outline on the 5x grid
        int[] u = new int[total];
        int[] v = new int[total];
        int m = 0;
        for (int j = 0; j < k; j++) {
            int xs = x[j];
            int xe = x[j + 1];
            int ys = y[j];
            int ye = y[j + 1];
            int dx = Math.abs(xe - xs);
            int dy = Math.abs(ys - ye);
            boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) {
                int t = xs;
                xs = xe;
                xe = t;
                t = ys;
                ys = ye;
                ye = t;
            }
            if (dx >= dy) {
                double slope = (double) (ye - ys) / dx;
                for (int d = 0; d <= dx; d++) {
                    int t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = truncate(ys + slope * t + .5);
                    m++;
                }
            } else {
                double slope = (double) (xe - xs) / dy;
                for (int d = 0; d <= dy; d++) {
                    int t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = truncate(xs + slope * t + .5);
                    m++;
                }
            }
        }
        // column steps that fall on original pixel columns: transitions at (column, first row inside)
        long[] a = new long[m + 1];
        int n = 0;
        for (int j = 1; j < m; j++) {
            if (u[j] == u[j - 1]) {
                continue;
            }
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = (xd + .5) / SCALE - .5;
            if (Math.floor(xd) != xd || xd < 0 || xd > w - 1) {
                continue;
            }
            double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
            yd = (yd + .5) / SCALE - .5;
            if (yd < 0) {
                yd = 0;
            } else if (yd > h) {
                yd = h;
            }
            yd = Math.ceil(yd);
            a[n++] = (long) xd * h + (long) yd;
        }
        a[n++] = (long) h * w;
        long[] sorted = Arrays.copyOf(a, n);
        Arrays.sort(sorted);
        long previous = 0;
        for (int j = 0; j < n; j++) {
            long t = sorted[j];
            sorted[j] -= previous;
            previous = t;
        }
        // drop zero-length runs: the runs on either side of one join
        int[] counts = new int[n];
        int c = 0;
        int j = 0;
        counts[c++] = (int) sorted[j++];
        while (j < n) {
            if (sorted[j] > 0) {
                counts[c++] = (int) sorted[j++];
            } else {
                j++;
                if (j < n) {
                    counts[c - 1] += (int) sorted[j++];
                }
            }
        }
        return Arrays.copyOf(counts, c);
    }

    /**
     * Run-length counts of box {@code [x, y, width, height]} (pycocotools' {@code frBbox}: the polygon through its
     * four corners).
     */
    static int[] boxCounts(double[] box, int h, int w) {
        double xs = box[0];
        double ys = box[1];
        double xe = xs + box[2];
        double ye = ys + box[3];
        return polygonCounts(new double[] {xs, ys, xs, ye, xe, ye, xe, ys}, h, w);
    }

    /**
     * Decodes the counts of the compressed RLE string {@code s}.
     *
     * @throws IllegalArgumentException if a character lies outside ASCII 48..111, the string ends inside a count, or a
     *     decoded count is negative or does not fit an int
     */
    static int[] countsFromString(String s) {
        int[] counts = new int[Math.max(1, s.length())];
        int m = 0;
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            int start = p;
            while (more) {
                if (p >= s.length()) {
                    throw new IllegalArgumentException("the RLE string ends inside a count (count " + m
                            + " starts at character " + start + ")");
                }
                int ch = s.charAt(p);
                int c = ch - 48;
                if (c < 0 || c > 63) {
                    throw new IllegalArgumentException("character " + p + " of the RLE string is '" + (char) ch
                            + "' (code " + ch + "), outside the alphabet '0'..'o' (48..111)");
                }
                if (k > 12) {
                    throw new IllegalArgumentException("count " + m + " of the RLE string (from character " + start
                            + ") has more than 13 groups");
                }
                x |= (long) (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (m > 2) {
                x += counts[m - 2];
            }
            if (x < 0 || x > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("count " + m + " of the RLE string decodes to " + x);
            }
            counts[m++] = (int) x;
        }
        return Arrays.copyOf(counts, m);
    }

    /**
     * Sets the pixels that {@code counts} marks as 1 in the row-major {@code out} ({@code h * w} flags) to true; pixels
     * already true stay true (so several decodes make a union, pycocotools' {@code merge}).
     *
     * @throws IllegalArgumentException if a count is negative or the counts do not add up to {@code h * w}
     */
    static void decodeInto(int[] counts, int h, int w, boolean[] out) {
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("RLE count " + i + " is negative: " + counts[i]);
            }
            sum += counts[i];
        }
        if (sum != (long) h * w) {
            throw new IllegalArgumentException("the RLE counts add up to " + sum + " pixels, the " + h + "x" + w
                    + " (HxW) mask has " + (long) h * w);
        }
        int pos = 0;
        boolean value = false;
        for (int c : counts) {
            if (value) {
                for (int i = pos; i < pos + c; i++) {
                    out[(i % h) * w + i / h] = true;
                }
            }
            pos += c;
            value = !value;
        }
    }

    /**
     * C's conversion of a double to int as compiled for x86-64 ({@code cvttsd2si}): truncation towards zero, and
     * {@code INT_MIN} for NaN and values out of range (Java would give 0 or saturate).
     */
    static int truncate(double v) {
        if (Double.isNaN(v) || v >= 2147483648.0 || v <= -2147483649.0) {
            return Integer.MIN_VALUE;
        }
        return (int) v;
    }
}
