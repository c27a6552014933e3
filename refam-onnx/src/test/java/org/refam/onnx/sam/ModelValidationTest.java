package org.refam.onnx.sam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.DeviceUnavailableException;
import org.refam.api.ModelException;
import org.refam.api.PointPrompt;
import org.refam.api.PromptableSegmenter;

/** Open-time checks: files, interfaces (names, shapes), devices, the --segmenter specification. */
class ModelValidationTest {
    private static final Path SAM_ENCODER = TinyModels.resource("sam1/encoder.onnx");
    private static final Path SAM_DECODER = TinyModels.resource("sam1/decoder.onnx");
    private static final Path SAM2_ENCODER = TinyModels.resource("sam2/encoder.onnx");
    private static final Path SAM2_DECODER = TinyModels.resource("sam2/decoder.onnx");

    private static SamSegmenter.Builder sam(Path encoder, Path decoder) {
        return SamSegmenter.builder().encoder(encoder).decoder(decoder).device("cpu");
    }

    @Test
    void aDecoderWithAnotherEmbeddingShapeIsRejectedWithFileAndShape() {
        Path bad = TinyModels.resource("bad/decoder_embed32.onnx");
        assertThatThrownBy(() -> sam(SAM_ENCODER, bad).open()).isInstanceOf(ModelException.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("image_embeddings has shape [1, 256, 32, 32], expected image_embeddings "
                        + "[1, 256, 64, 64]");
    }

    @Test
    void aSam2DecoderIsNotASamDecoder() {
        assertThatThrownBy(() -> sam(SAM_ENCODER, SAM2_DECODER).open()).isInstanceOf(ModelException.class)
                .hasMessageContaining(SAM2_DECODER.toString()).hasMessageContaining("missing input image_embeddings")
                .hasMessageContaining("missing input orig_im_size")
                .hasMessageContaining("unexpected inputs [high_res_feats_0, high_res_feats_1, image_embed]");
    }

    @Test
    void encodersOfTheOtherFamilyAreRejected() {
        assertThatThrownBy(() -> sam(SAM2_ENCODER, SAM_DECODER).open()).isInstanceOf(ModelException.class)
                .hasMessageContaining(SAM2_ENCODER.toString()).hasMessageContaining("no image_embeddings");
        assertThatThrownBy(() -> Sam2Segmenter.builder().encoder(SAM_ENCODER).decoder(SAM2_DECODER).device("cpu")
                .open()).isInstanceOf(ModelException.class).hasMessageContaining(SAM_ENCODER.toString())
                .hasMessageContaining("missing output high_res_feats_0");
        assertThatThrownBy(() -> sam(SAM_DECODER, SAM_DECODER).open()).isInstanceOf(ModelException.class)
                .hasMessageContaining("has 6 inputs");
    }

    @Test
    void corruptMissingAndEmptyFilesFailAsModelErrors(@TempDir Path dir) throws IOException {
        Path corrupt = dir.resolve("corrupt.onnx");
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        Files.write(corrupt, junk);
        assertThatThrownBy(() -> sam(corrupt, SAM_DECODER).open()).isInstanceOf(ModelException.class)
                .hasMessageContaining(corrupt.toString()).hasMessageContaining("SAM encoder");
        Path truncated = dir.resolve("truncated.onnx");
        byte[] real = Files.readAllBytes(SAM_DECODER);
        Files.write(truncated, Arrays.copyOf(real, real.length / 2));
        assertThatThrownBy(() -> sam(SAM_ENCODER, truncated).open()).isInstanceOf(ModelException.class)
                .hasMessageContaining(truncated.toString()).hasMessageContaining("SAM decoder");
        Path missing = dir.resolve("nope.onnx");
        assertThatThrownBy(() -> sam(SAM_ENCODER, missing).open()).isInstanceOf(ModelException.class)
                .hasMessageContaining(missing + " does not exist");
    }

    @Test
    void foldersResolveExactOrExporterFileNames(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> SamSegmenter.open(dir.resolve("absent"), "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("absent").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> SamSegmenter.open(dir, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("no encoder.onnx nor any *encoder*.onnx");
        Files.copy(SAM_ENCODER, dir.resolve("sam_vit_b_01ec64.encoder.onnx"));
        Files.copy(SAM_DECODER, dir.resolve("sam_vit_b_01ec64.decoder.onnx"));
        try (SamSegmenter s = SamSegmenter.open(dir, "cpu")) {
            assertThat(s.toString()).contains("sam_vit_b_01ec64.decoder.onnx");
        }
        Files.copy(SAM_DECODER, dir.resolve("sam_vit_b_01ec64.decoder.quant.onnx"));
        assertThatThrownBy(() -> SamSegmenter.open(dir, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("several *decoder*.onnx files");
        try (SamSegmenter s = SamSegmenter.builder().folder(dir)
                .decoder(dir.resolve("sam_vit_b_01ec64.decoder.quant.onnx")).device("cpu").open()) {
            assertThat(s.toString()).contains("decoder.quant.onnx");
        }
    }

    @Test
    void explicitCudaWithoutAGpuFailsWithAHint() {
        assumeFalse(TinyModels.cudaProviderPresent(), "this ONNX Runtime build has CUDA: the GPU may be real");
        assertThatThrownBy(() -> SamSegmenter.open(TinyModels.sam1(), "cuda:0"))
                .isInstanceOf(DeviceUnavailableException.class).hasMessageContaining("cuda:0")
                .hasMessageContaining("onnxruntime_gpu");
        assertThatThrownBy(() -> Sam2Segmenter.open(TinyModels.sam2(), "cuda"))
                .isInstanceOf(DeviceUnavailableException.class).hasMessageContaining("cuda:0");
    }

    @Test
    void autoFallsBackToTheCpu() {
        assumeFalse(TinyModels.cudaProviderPresent(), "this ONNX Runtime build has CUDA: auto may pick the GPU");
        try (SamSegmenter s = SamSegmenter.open(TinyModels.sam1())) {
            assertThat(s.device()).isEqualTo("cpu");
        }
    }

    @Test
    void unknownDevicesAreRejectedEarly() {
        assertThatThrownBy(() -> SamSegmenter.builder().device("gpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'gpu'");
        assertThatThrownBy(() -> Sam2Segmenter.builder().device("cuda:x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'cuda:x'");
    }

    @Test
    void providersAreFoundByNameAndOpenTheRightFamily() {
        java.util.Map<String, org.refam.api.PromptableSegmenterProvider> byName = new java.util.HashMap<>();
        java.util.ServiceLoader.load(org.refam.api.PromptableSegmenterProvider.class)
                .forEach(p -> byName.put(p.name(), p));
        assertThat(byName).containsKeys("sam", "sam2");
        org.refam.api.ExtractorOptions cpu = org.refam.api.ExtractorOptions.builder().device("cpu").build();
        try (PromptableSegmenter s = byName.get("sam").open(cpu.toBuilder().model(TinyModels.sam1()).build())) {
            assertThat(s).isInstanceOf(SamSegmenter.class);
            assertThat(s.segment(TinyModels.noise(32, 24, 1), List.of(new PointPrompt(16, 12, true))).get(16, 12))
                    .isTrue();
        }
        try (PromptableSegmenter s = byName.get("sam2").open(cpu.toBuilder().model(TinyModels.sam2()).build())) {
            assertThat(s).isInstanceOf(Sam2Segmenter.class);
        }
        assertThatThrownBy(() -> byName.get("sam").open(cpu)).isInstanceOf(ModelException.class)
                .hasMessageContaining("sam:DIR");
        assertThatThrownBy(() -> byName.get("sam2").open(cpu.toBuilder().model(TinyModels.sam1()).build()))
                .isInstanceOf(ModelException.class);
    }
}
