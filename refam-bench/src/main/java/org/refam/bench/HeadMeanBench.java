package org.refam.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.refam.api.FloatTensor;
import org.refam.core.kernel.AttentionKernels;

/**
 * Head mean of one block's image-to-text attention {@code [heads, N, T]} added into an {@code [N, T]} average
 * (method.md step 5), against a sequential read of the same number of bytes: {@code (heads + 2) N T} floats (the
 * attention read once, the average read and written once). {@code heads = 1} is the weighted add of a head-mean
 * slice (the default, with the head mean taken inside the exported graph); {@code heads = 24} is FLUX with
 * per-head attention. T = 207 is the odd size.
 *
 * <p>Thread-safety: JMH state per benchmark, run by one thread.
 */
public class HeadMeanBench {

    /** Benchmarks and inputs; run through {@link Scalar} and {@link Panama}. */
    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public abstract static class Base {
        @Param("4096")
        public int imageTokens;
        @Param({"207", "256", "512"})
        public int textTokens;
        @Param({"1", "24"})
        public int heads;

        FloatTensor attention;
        float[] average;
        float[] sameBytes;

        @Setup(Level.Trial)
        public void setup() {
            SplittableRandom rnd = new SplittableRandom(42);
            attention = FloatTensor.of(Workloads.attention(rnd, heads, imageTokens, textTokens), heads, imageTokens,
                    textTokens);
            average = new float[imageTokens * textTokens];
            sameBytes = ReadBaseline.of(4L * (heads + 2) * imageTokens * textTokens);
        }

        @Benchmark
        public float[] headMean() {
            // a small weight keeps the repeatedly accumulated average far from overflow
            AttentionKernels.accumulateHeadMean(attention, 1e-3f, average);
            return average;
        }

        @Benchmark
        public float headMeanBaseline() {
            return ReadBaseline.read(sameBytes);
        }
    }

    /** Scalar kernels. */
    @Fork(value = 1, jvmArgsPrepend = {Forks.ADD_VECTOR_MODULE, Forks.SCALAR},
            jvmArgsAppend = {Forks.HEAP_MIN, Forks.HEAP_MAX})
    public static class Scalar extends Base {
    }

    /** Vector kernels. */
    @Fork(value = 1, jvmArgsPrepend = {Forks.ADD_VECTOR_MODULE, Forks.PANAMA},
            jvmArgsAppend = {Forks.HEAP_MIN, Forks.HEAP_MAX})
    public static class Panama extends Base {
    }
}
