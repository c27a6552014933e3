package org.refam.api;

import java.util.List;

/**
 * How the image is noised before the forward passes (method.md section 2, step 3): rectified flow
 * {@code x_t = (1 - t) x0 + t eps}, one pass per (timestep, noise sample), seeded.
 *
 * @param timesteps flow times in [0, 1]; the paper does not publish t, ConceptAttention uses 0.5
 * @param noiseSamples noise draws per timestep, at least 1
 * @param seed seed of the first draw; draw k uses {@code seed + k}
 *
 * <p>Thread-safety: immutable.
 */
public record SamplingOptions(List<Double> timesteps, int noiseSamples, long seed) {
    /** One pass at t = 0.5 with seed 0 (ConceptAttention's choice; the paper's is unpublished). */
    public static final SamplingOptions DEFAULT = new SamplingOptions(List.of(0.5), 1, 0L);

    public SamplingOptions {
        timesteps = List.copyOf(timesteps);
        if (timesteps.isEmpty()) {
            throw new IllegalArgumentException("at least one timestep is needed");
        }
        for (double t : timesteps) {
            if (!(t >= 0 && t <= 1)) {
                throw new IllegalArgumentException("timestep must lie in [0, 1], got " + t);
            }
        }
        if (noiseSamples < 1) {
            throw new IllegalArgumentException("noiseSamples must be at least 1, got " + noiseSamples);
        }
    }

    /** Number of forward passes: timesteps x noise samples. */
    public int passes() {
        return timesteps.size() * noiseSamples;
    }
}
