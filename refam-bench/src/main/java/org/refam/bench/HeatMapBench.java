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
import org.refam.api.ImageGeometry;
import org.refam.core.kernel.AttentionKernels;

/**
 * The image-side kernels of method.md step 8: bilinear upsampling of the 64 x 64 heat map to the image (writes
 * {@code side^2} floats) and the argmax over the upsampled map (reads {@code side^2} floats), next to a sequential
 * read of {@code side^2} floats. 1001 is the odd size.
 *
 * <p>Thread-safety: JMH state per benchmark, run by one thread.
 */
public class HeatMapBench {

    /** Benchmarks and inputs; run through {@link Scalar} and {@link Panama}. */
    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public abstract static class Base {
        @Param("64")
        public int gridSide;
        @Param({"1001", "1024"})
        public int imageSide;

        ImageGeometry geometry;
        float[] grid;
        float[] pixels;
        float[] pixelBytes;

        @Setup(Level.Trial)
        public void setup() {
            SplittableRandom rnd = new SplittableRandom(3);
            geometry = Workloads.geometry(gridSide, imageSide);
            grid = Workloads.uniform(rnd, gridSide * gridSide);
            pixels = new float[imageSide * imageSide];
            AttentionKernels.upsampleBilinear(grid, 0, geometry, pixels);
            pixelBytes = ReadBaseline.of(4L * pixels.length);
        }

        @Benchmark
        public float[] upsample() {
            AttentionKernels.upsampleBilinear(grid, 0, geometry, pixels);
            return pixels;
        }

        @Benchmark
        public int argmax() {
            return AttentionKernels.argmax(pixels, 0, pixels.length);
        }

        @Benchmark
        public float pixelBaseline() {
            return ReadBaseline.read(pixelBytes);
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
