package org.refam.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.refam.api.AttentionMaps;
import org.refam.api.DeviceUnavailableException;
import org.refam.api.ExtractionRequest;
import org.refam.api.RgbImage;
import org.refam.core.text.Prompts;
import org.refam.onnx.internal.Device;
import org.refam.onnx.internal.Device.CudaFailure;
import org.slf4j.helpers.NOPLogger;

/**
 * Device selection. Without {@code -Drefam.test.cuda=true} the machine is assumed to have no usable CUDA: an
 * explicit {@code cuda:0} must fail loudly with a hint and {@code auto} must fall back to the CPU. With the switch
 * set (GPU build via {@code -Pgpu}, a GPU, CUDA 12 and cuDNN 9), CUDA must start and agree with the CPU; a CUDA
 * failure then fails the test instead of passing silently on the CPU.
 */
class DeviceTest {
    private static final boolean CUDA = Boolean.getBoolean("refam.test.cuda");
    private final Path bundle = Fixture.load("tiny").bundle();

    @Test
    void explicitCudaWithoutAGpuFailsWithTheCauseAndAHint() {
        assumeFalse(CUDA, "-Drefam.test.cuda=true: this machine is expected to have CUDA");
        assertThatThrownBy(() -> OnnxAttentionExtractor.open(bundle, "cuda:0"))
                .isInstanceOf(DeviceUnavailableException.class)
                .hasMessageContaining("cuda:0")
                .hasMessageContaining("onnxruntime_gpu").hasMessageContaining("-Pgpu")
                .hasMessageContaining("CUDA 12").hasMessageContaining("cuDNN 9")
                .hasCauseInstanceOf(ai.onnxruntime.OrtException.class);
    }

    @Test
    void autoFallsBackToTheCpuWithOneLogLine() {
        assumeFalse(CUDA, "-Drefam.test.cuda=true: this machine is expected to have CUDA");
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (OnnxAttentionExtractor x = OnnxAttentionExtractor.open(bundle, "auto")) {
            assertThat(x.executionProvider()).isEqualTo("CPU");
            RgbImage img = new RgbImage(8, 8, new byte[192]);
            AttentionMaps maps = x.extract(ExtractionRequest.of(img, Prompts.expression("dog", x.tokenizer(), false)));
            assertThat(maps.provider()).isEqualTo("CPU");
        } finally {
            System.setErr(saved);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("CUDA is not usable")).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("on the CPU").contains("CPU build of ONNX Runtime");
    }

    @Test
    void cudaStartsAndAgreesWithTheCpuWhenEnabled() {
        assumeTrue(CUDA, "CUDA checks need -Drefam.test.cuda=true, the GPU build (-Pgpu) and a GPU");
        try (OnnxAttentionExtractor gpu = OnnxAttentionExtractor.open(bundle, "cuda:0");
             OnnxAttentionExtractor cpu = OnnxAttentionExtractor.open(bundle, "cpu");
             OnnxAttentionExtractor auto = OnnxAttentionExtractor.open(bundle, "auto")) {
            assertThat(gpu.executionProvider()).isEqualTo("CUDA:0");
            assertThat(auto.executionProvider()).isEqualTo("CUDA:0");
            RgbImage img = OnnxAttentionExtractorTest.image(40, 24, 1);
            ExtractionRequest r = ExtractionRequest.of(img, Prompts.expression("a pink dog", cpu.tokenizer(), false));
            AttentionMaps g = gpu.extract(r);
            AttentionMaps c = cpu.extract(r);
            assertThat(g.provider()).isEqualTo("CUDA:0");
            for (int s = 0; s < c.slices().size(); s++) {
                float[] a = g.slices().get(s).imageToText().data();
                float[] b = c.slices().get(s).imageToText().data();
                for (int i = 0; i < a.length; i++) {
                    assertThat(a[i]).isCloseTo(b[i], org.assertj.core.data.Offset.offset(1e-3f));
                }
            }
        }
    }

    @Test
    void deviceNamesParse() {
        assertThat(Device.parse("auto")).isEqualTo(new Device(true, 0));
        assertThat(Device.parse(" CPU ")).isEqualTo(new Device(false, -1));
        assertThat(Device.parse("cuda")).isEqualTo(new Device(false, 0));
        assertThat(Device.parse("cuda:3").providerName()).isEqualTo("CUDA:3");
        assertThat(Device.parse("cuda:3").label()).isEqualTo("cuda:3");
        assertThat(Device.parse(null)).isEqualTo(Device.parse("auto"));
        assertThat(Device.parse("cpu").label()).isEqualTo("cpu");
        assertThatThrownBy(() -> Device.parse("gpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'gpu'");
        assertThatThrownBy(() -> Device.parse("cuda:12345")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cuda:12345'");
    }

    /** The policy every graph set of this module shares: which devices the opener is asked for, and what fails. */
    @Test
    void openTriesCudaThenFallsBackOnlyForAuto() {
        List<Device> asked = new java.util.ArrayList<>();
        Device.Opener<String> cudaBroken = on -> {
            asked.add(on);
            if (on.wantsCuda()) {
                throw new CudaFailure("no driver", new IllegalStateException("ort"));
            }
            return on.label();
        };
        assertThat(Device.parse("auto").open("m", NOPLogger.NOP_LOGGER, cudaBroken)).isEqualTo("cpu");
        assertThat(asked).containsExactly(new Device(false, 0), Device.CPU);
        asked.clear();
        assertThat(Device.parse("cpu").open("m", NOPLogger.NOP_LOGGER, cudaBroken)).isEqualTo("cpu");
        assertThat(asked).containsExactly(Device.CPU);
        assertThatThrownBy(() -> Device.parse("cuda:2").open("model m", NOPLogger.NOP_LOGGER, cudaBroken))
                .isInstanceOf(DeviceUnavailableException.class)
                .hasMessageStartingWith("device cuda:2 cannot be used for model m: no driver; ")
                .hasMessageContaining(Device.CUDA_HINT)
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(Device.parse("auto").open("m", NOPLogger.NOP_LOGGER, Device::label)).isEqualTo("cuda:0");
    }
}
