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
 * Why the bandwidth baseline is {@link ReadBaseline}: three sequential reads of the same number of bytes, a cache-
 * resident size (4 MiB, one {@code [4096, 256]} matrix) and a memory-resident one (100 MiB, 24 heads of it). The
 * baseline is the fastest of them.
 *
 * <p>Thread-safety: JMH state per benchmark, run by one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {Forks.ADD_VECTOR_MODULE}, jvmArgsAppend = {Forks.HEAP_MIN, Forks.HEAP_MAX})
public class ReadBaselineBench {
    @Param({"4194304", "104857600"})
    public int bytes;

    float[] floats;
    int[] ints;
    long[] longs;

    @Setup(Level.Trial)
    public void setup() {
        floats = ReadBaseline.of(bytes);
        ints = new int[bytes / 4];
        longs = new long[bytes / 8];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = Float.floatToRawIntBits(floats[i]);
        }
        for (int i = 0; i < longs.length; i++) {
            longs[i] = ((long) ints[2 * i] << 32) | (ints[2 * i + 1] & 0xffffffffL);
        }
    }

    /** The baseline the kernels are compared with: vector loads, four accumulators. */
    @Benchmark
    public float vectorFloatSum() {
        return ReadBaseline.read(floats);
    }

    /** A plain int sum: C2 vectorises it, but reduces across lanes in every iteration (JDK 17). */
    @Benchmark
    public int intSum() {
        int s = 0;
        for (int x : ints) {
            s += x;
        }
        return s;
    }

    /** Scalar 8-byte loads into four accumulators: two loads per cycle at best. */
    @Benchmark
    public long longSum() {
        long a = 0;
        long b = 0;
        long c = 0;
        long d = 0;
        long[] x = longs;
        int i = 0;
        for (; i + 4 <= x.length; i += 4) {
            a += x[i];
            b += x[i + 1];
            c += x[i + 2];
            d += x[i + 3];
        }
        for (; i < x.length; i++) {
            a += x[i];
        }
        return a + b + c + d;
    }
}
