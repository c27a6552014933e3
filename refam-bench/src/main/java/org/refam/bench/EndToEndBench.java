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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.refam.api.AttentionMaps;
import org.refam.api.ExtractionRequest;
import org.refam.api.GroundingResult;
import org.refam.api.RgbImage;
import org.refam.core.RefAM;
import org.refam.core.RefAMConfig;
import org.refam.onnx.OnnxAttentionExtractor;

/**
 * Whole-pipeline latency of one referring expression on the bundled refam-tiny model (embedded in refam-onnx,
 * ONNX Runtime on the CPU): {@link RefAM#ground} with {@link RefAMConfig#defaults()} on the 48 x 48 scene of
 * {@link EndToEndWorkload} - tokenize, magnets, pad, image and text encoders, one transformer pass at t = 0.5,
 * sink handling, renormalisation, filtering, heat map, bilinear upsampling, argmax and the threshold mask
 * (method.md section 2, steps 1-8). {@code extract} times the model alone (the same request
 * {@code ground} sends), so {@code ground - extract} is the host-side post-processing.
 *
 * <p>{@code intraOpThreads = 1} matches PyTorch with {@code torch.set_num_threads(1)}
 * ({@code tools/bench/e2e_pytorch.py}); 0 is ONNX Runtime's default (one thread per core).
 * {@code tools/bench/e2e_compare.sh} runs both sides back to back and writes docs/performance-e2e.md.
 *
 * <p>The fork is a plain JVM as an application would start it (no vector module: the kernels are the scalar
 * default, which does not matter at 144 x 32 attention).
 *
 * <p>Thread-safety: a JMH state object, set up and used by one benchmark thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx1g"})
public class EndToEndBench {
    /** ONNX Runtime threads per run; 0 = one per core. */
    @Param({"1", "0"})
    public int intraOpThreads;

    private OnnxAttentionExtractor extractor;
    private RefAM refam;
    private RgbImage image;
    private ExtractionRequest request;

    /** Opens the embedded model with {@link #intraOpThreads} and checks that the scene gives a signal. */
    @Setup(Level.Trial)
    public void setup() {
        extractor = EndToEndWorkload.open(intraOpThreads);
        refam = new RefAM(extractor, RefAMConfig.defaults());
        image = EndToEndWorkload.image();
        request = EndToEndWorkload.request(extractor, refam.config(), image, refam.config().blocks());
        GroundingResult r = refam.ground(image, EndToEndWorkload.EXPRESSION);
        if (!(r.peakScore() > 0) || r.mask().area() == 0) {
            throw new IllegalStateException("no signal on the benchmark scene: peak " + r.peak() + " score "
                    + r.peakScore() + ", mask " + r.mask().area() + " pixels");
        }
    }

    /** Frees the ONNX Runtime sessions. */
    @TearDown(Level.Trial)
    public void tearDown() {
        extractor.close();
    }

    /** The whole pipeline for one expression. */
    @Benchmark
    public GroundingResult ground() {
        return refam.ground(image, EndToEndWorkload.EXPRESSION);
    }

    /** The model alone: preprocessing, image and text encoders, transformer, attention read-out. */
    @Benchmark
    public AttentionMaps extract() {
        return extractor.extract(request);
    }
}
