package org.refam.onnx;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * Seeded standard-normal noise for rectified-flow noising (method.md section 2, step 3).
 *
 * <p>Draw {@code k} of a request uses {@code new SplittableRandom(seed + k)} and the Box-Muller transform: each
 * pair of uniforms {@code u1, u2} (from {@link SplittableRandom#nextDouble()}) gives
 * {@code sqrt(-2 ln(1 - u1)) * cos(2 pi u2)} and {@code ... * sin(2 pi u2)}, written in that order into
 * consecutive elements of the image-token tensor {@code [N, C]} (row-major). This is reproducible across
 * platforms and JVMs but does <em>not</em> reproduce PyTorch's {@code torch.randn}, so maps differ slightly from
 * a Python run with the same seed.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class GaussianNoise {
    private GaussianNoise() {
    }

    /**
     * Fills {@code out[0, count)} with standard-normal values of draw {@code seed}.
     *
     * @param count number of values, at least 0
     */
    static void fill(long seed, float[] out, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        int i = 0;
        while (i < count) {
            double r = Math.sqrt(-2.0 * Math.log(1.0 - random.nextDouble()));
            double phi = 2.0 * Math.PI * random.nextDouble();
            out[i++] = (float) (r * Math.cos(phi));
            if (i < count) {
                out[i++] = (float) (r * Math.sin(phi));
            }
        }
    }

    /**
     * Writes {@code x_t = (1 - t) * x0 + t * eps} for {@code count} elements into {@code out} starting at its
     * position 0 (absolute puts; the buffer's position is left alone).
     */
    static void mix(float[] x0, float[] eps, double t, FloatBuffer out, int count) {
        float a = (float) (1.0 - t);
        float b = (float) t;
        for (int i = 0; i < count; i++) {
            out.put(i, a * x0[i] + b * eps[i]);
        }
    }
}
