package org.refam.bench;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The memory-bandwidth baseline: a plain sequential read and sum of a float array, with four independent vector
 * accumulators so that nothing but the memory system limits it. C2 keeps the order of a scalar float sum and
 * reduces an int sum inside the loop, so neither reaches the bandwidth (see {@link ReadBaselineBench}); this is the
 * fastest sequential read the JVM offers. Needs {@code --add-modules jdk.incubator.vector}, which every benchmark
 * fork adds (the scalar forks still run the scalar kernels: {@code -Drefam.kernels=scalar}).
 *
 * <p>Thread-safety: stateless.
 */
final class ReadBaseline {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private ReadBaseline() {
    }

    /** Floats in [0, 1) filling {@code bytes} bytes. */
    static float[] of(long bytes) {
        float[] a = new float[Math.toIntExact(bytes / 4)];
        SplittableRandom rnd = new SplittableRandom(bytes);
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble();
        }
        return a;
    }

    /** Sum of {@code a}, read once from the first to the last element. */
    static float read(float[] a) {
        int step = F.length();
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int i = 0;
        for (; i + 4 * step <= a.length; i += 4 * step) {
            s0 = s0.add(FloatVector.fromArray(F, a, i));
            s1 = s1.add(FloatVector.fromArray(F, a, i + step));
            s2 = s2.add(FloatVector.fromArray(F, a, i + 2 * step));
            s3 = s3.add(FloatVector.fromArray(F, a, i + 3 * step));
        }
        float s = s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            s += a[i];
        }
        return s;
    }
}
