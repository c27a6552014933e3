package org.refam.bench;

import java.util.Set;
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
import org.refam.core.text.DefaultTokenFilter;

/**
 * The kernels that sweep one averaged {@code [N, T]} attention matrix (method.md steps 4 to 8), each next to a
 * sequential read of the bytes it must move:
 * <ul>
 *   <li>{@code renormalize}: every row divided by its sum over all text keys, in place (read + write: 2 N T
 *       floats; baseline {@code renormalizeBaseline});</li>
 *   <li>{@code columnStatistics}: the sink statistics (sum, sum of squares, row shares) per column (N T floats;
 *       baseline {@code matrixBaseline});</li>
 *   <li>{@code nanCheck}: the finiteness check of an extractor's slice (N T floats; baseline
 *       {@code matrixBaseline});</li>
 *   <li>{@code maskedSum}: the heat map, the sum of the kept tokens' columns per image token. It touches one
 *       64-byte line per kept 16-float span of each row, plus the output: baseline {@code maskedSumBaseline} reads
 *       that many bytes.</li>
 * </ul>
 * T = 207 is the odd size.
 *
 * <p>Thread-safety: JMH state per benchmark, run by one thread.
 */
public class MatrixKernelsBench {

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

        float[] matrix;
        FloatTensor slice;
        int[] kept;
        float[] heatMap;
        double[] sum;
        double[] sumSq;
        double[] share;
        float[] matrixBytes;
        float[] renormalizeBytes;
        float[] maskedSumBytes;

        @Setup(Level.Trial)
        public void setup() {
            SplittableRandom rnd = new SplittableRandom(7);
            matrix = Workloads.attention(rnd, 1, imageTokens, textTokens);
            slice = FloatTensor.of(matrix, 1, imageTokens, textTokens);
            // the content tokens of the reference expression, as the default filter keeps them
            kept = DefaultTokenFilter.standard().select(Workloads.prompt(textTokens), Set.of()).keptPositions();
            heatMap = new float[imageTokens];
            sum = new double[textTokens];
            sumSq = new double[textTokens];
            share = new double[textTokens];
            long floats = (long) imageTokens * textTokens;
            matrixBytes = ReadBaseline.of(4 * floats);
            renormalizeBytes = ReadBaseline.of(8 * floats);
            maskedSumBytes = ReadBaseline.of(maskedSumBytes(imageTokens, kept));
        }

        /** 64 bytes per 16-float span of a row that holds a kept column, per row, plus the output. */
        static long maskedSumBytes(int rows, int[] kept) {
            long lines = java.util.Arrays.stream(kept).map(c -> c / 16).distinct().count();
            return rows * (64 * lines + 4);
        }

        @Benchmark
        public int renormalize() {
            return AttentionKernels.renormalizeRows(matrix, 0, imageTokens, textTokens, null);
        }

        @Benchmark
        public float renormalizeBaseline() {
            return ReadBaseline.read(renormalizeBytes);
        }

        @Benchmark
        public double[] columnStatistics() {
            // accumulates across invocations (callers zero first); the values stay finite for far longer than a run
            AttentionKernels.columnStatistics(matrix, 0, imageTokens, textTokens, sum, sumSq, share);
            return share;
        }

        @Benchmark
        public FloatTensor nanCheck() {
            AttentionKernels.requireFinite(slice, "image-to-text attention", 0, 0);
            return slice;
        }

        @Benchmark
        public float matrixBaseline() {
            return ReadBaseline.read(matrixBytes);
        }

        @Benchmark
        public float[] maskedSum() {
            AttentionKernels.sumColumns(matrix, 0, imageTokens, textTokens, kept, heatMap);
            return heatMap;
        }

        @Benchmark
        public float maskedSumBaseline() {
            return ReadBaseline.read(maskedSumBytes);
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
