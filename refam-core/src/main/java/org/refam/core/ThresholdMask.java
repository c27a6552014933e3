package org.refam.core;

import org.refam.api.Mask;

/**
 * The built-in coarse mask (method.md section 2, step 8, "a threshold of the heat map gives a coarser mask"): the
 * pixels whose value is at least {@code threshold * peak} and that are 4-connected to the peak through such
 * pixels.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class ThresholdMask {
    private ThresholdMask() {
    }

    /**
     * @param values {@code width * height} heat-map values, row-major
     * @param peak index of the seed pixel (the argmax)
     * @param relativeThreshold fraction of the peak value, in (0, 1]
     * @return the connected component containing the peak; empty when the peak value is not positive (no signal)
     */
    static Mask of(float[] values, int width, int height, int peak, double relativeThreshold) {
        boolean[] in = new boolean[width * height];
        float top = values[peak];
        if (!(top > 0)) {
            return new Mask(height, width, in);
        }
        float threshold = (float) (relativeThreshold * top);
        int[] queue = new int[width * height];
        int head = 0;
        int tail = 0;
        in[peak] = true;
        queue[tail++] = peak;
        while (head < tail) {
            int p = queue[head++];
            int x = p % width;
            int y = p / width;
            if (x > 0) {
                tail = visit(values, in, queue, tail, p - 1, threshold);
            }
            if (x < width - 1) {
                tail = visit(values, in, queue, tail, p + 1, threshold);
            }
            if (y > 0) {
                tail = visit(values, in, queue, tail, p - width, threshold);
            }
            if (y < height - 1) {
                tail = visit(values, in, queue, tail, p + width, threshold);
            }
        }
        return new Mask(height, width, in);
    }

    private static int visit(float[] values, boolean[] in, int[] queue, int tail, int q, float threshold) {
        if (!in[q] && values[q] >= threshold) {
            in[q] = true;
            queue[tail++] = q;
        }
        return tail;
    }
}
