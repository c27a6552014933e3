package org.refam.bench;

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

/**
 * The whole host-side post-processing of one expression ({@link PostProcessing}) at the reference workload: 12
 * blocks, 1 or 4 noise samples, T = 256 (schnell) or 512 (dev), attention averaged over heads in the graph
 * ({@code heads = 1}, the default) or per head ({@code heads = 24}), 64 x 64 grid upsampled to 1024 x 1024.
 * {@code tools/bench/postprocess_numpy.py} times the same maths in NumPy.
 *
 * <p>Thread-safety: JMH state per benchmark, run by one thread.
 */
public class PostProcessBench {

    /** Benchmarks and inputs; run through {@link Scalar} and {@link Panama}. */
    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public abstract static class Base {
        @Param({"256", "512"})
        public int textTokens;
        @Param({"1", "4"})
        public int samples;
        @Param("12")
        public int blocks;
        @Param({"1", "24"})
        public int heads;

        PostProcessing pipeline;

        @Setup(Level.Trial)
        public void setup() {
            pipeline = new PostProcessing(Workloads.prompt(textTokens),
                    Workloads.geometry(Workloads.GRID, Workloads.IMAGE_SIDE),
                    Workloads.slices(11, samples, blocks, heads, Workloads.IMAGE_TOKENS, textTokens));
        }

        @Benchmark
        public PostProcessing.Result postProcess() {
            return pipeline.run();
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
