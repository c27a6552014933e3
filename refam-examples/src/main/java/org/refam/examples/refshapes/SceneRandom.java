package org.refam.examples.refshapes;

import java.util.List;

/**
 * SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014; the
 * generator behind {@code java.util.SplittableRandom}), written out here so that RefShapes scenes depend on this
 * file only and not on a JDK's choice of algorithm. Consecutive seeds give unrelated streams.
 *
 * <p>Not thread-safe: one instance per scene.
 */
final class SceneRandom {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    SceneRandom(long seed) {
        this.state = seed;
    }

    long nextLong() {
        long z = (state += GOLDEN_GAMMA);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in {@code [0, bound)}, without modulo bias. */
    int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long limit = Long.MAX_VALUE - (Long.MAX_VALUE % bound);
        long r;
        do {
            r = nextLong() >>> 1;
        } while (r >= limit);
        return (int) (r % bound);
    }

    /** Uniform in {@code [lo, hi]}, both inclusive. */
    int nextInt(int lo, int hi) {
        return lo + nextInt(hi - lo + 1);
    }

    /** Uniform in {@code [0, 1)} with 53 random bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in {@code [lo, hi)}. */
    double uniform(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    /** True with probability {@code p}. */
    boolean chance(double p) {
        return nextDouble() < p;
    }

    <T> T pick(List<T> items) {
        return items.get(nextInt(items.size()));
    }

    <T> T pick(T[] items) {
        return items[nextInt(items.length)];
    }

    /** Fisher-Yates shuffle in place. */
    <T> void shuffle(List<T> items) {
        for (int i = items.size() - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            T t = items.get(i);
            items.set(i, items.get(j));
            items.set(j, t);
        }
    }
}
