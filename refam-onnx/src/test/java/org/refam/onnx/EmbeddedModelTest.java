package org.refam.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.refam.api.AttentionMaps;
import org.refam.api.ExtractionRequest;
import org.refam.api.ExtractorOptions;
import org.refam.api.RgbImage;
import org.refam.core.text.Prompts;

/** The model embedded in the jar is the default when no model folder is given. */
class EmbeddedModelTest {

    @Test
    void theJarCarriesTheBundleAndItIsTheDefault() {
        assertThat(EmbeddedModel.present()).isTrue();
        Path folder = EmbeddedModel.folder();
        assertThat(folder.resolve(ModelBundle.MANIFEST)).isRegularFile();
        // a second call reuses the extracted copy
        assertThat(EmbeddedModel.folder()).isEqualTo(folder);

        try (OnnxAttentionExtractor ex = OnnxAttentionExtractor.open(ExtractorOptions.builder().device("cpu").build())) {
            assertThat(ex.info().name()).isEqualTo(EmbeddedModel.NAME);
            assertThat(ex.bundle().folder()).isEqualTo(folder);
            RgbImage img = new RgbImage(40, 56, new byte[3 * 40 * 56]);
            AttentionMaps maps = ex.extract(ExtractionRequest.of(img,
                    Prompts.expression("the red circle", ex.tokenizer(), false)));
            // refam-tiny was trained with padding masked out: its bundle runs each prompt at its own length
            assertThat(ex.bundle().textEncoder().padded()).isFalse();
            assertThat(maps.prompt().size()).as("the red circle </s>").isEqualTo(4);
            assertThat(maps.slices()).isNotEmpty();
            maps.slices().forEach(sl -> assertThat(sl.imageToText().shape()[2]).isEqualTo(4));
            assertThat(maps.geometry().imageWidth()).isEqualTo(40);
        }
    }

    @Test
    void aDamagedExtractedCopyIsCaughtByTheChecksums() throws Exception {
        Path folder = EmbeddedModel.folder();
        Path copy = Files.createTempDirectory("refam-embedded-copy");
        for (Path f : Files.list(folder).toList()) {
            Files.copy(f, copy.resolve(f.getFileName()));
        }
        Path tok = copy.resolve("tokenizer.json");
        byte[] b = Files.readAllBytes(tok);
        b[b.length / 2] ^= 1;
        Files.write(tok, b);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OnnxAttentionExtractor.open(
                        ExtractorOptions.builder().model(copy).device("cpu").build()))
                .isInstanceOf(org.refam.api.ModelException.class).hasMessageContaining("tokenizer.json");
    }
}
