package org.refam.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.refam.api.ImageGeometry;
import org.refam.api.RgbImage;

/** Resize/pad policy, pixel values against PIL, and the pixel-to-grid mapping. */
class ImagePreprocessorTest {

    @ParameterizedTest(name = "{0} {1}x{2}")
    @CsvSource({
        // mode, width, height, resized w, resized h, grid w, grid h  (size 1024, 16-pixel cells, as FLUX)
        // pad: 333 * 1024 / 1000 = 340.99 -> 341 px, padded to 352 = 22 cells; fit: 340.99 / 16 = 21.3 -> 21 cells.
        "PAD, 640, 480, 1024, 768, 64, 48",
        "PAD, 480, 640, 768, 1024, 48, 64",
        "PAD, 1000, 333, 1024, 341, 64, 22",
        "PAD, 1, 5000, 1, 1024, 1, 64",
        "PAD, 2048, 2048, 1024, 1024, 64, 64",
        "FIT, 1000, 333, 1024, 336, 64, 21",
        "FIT, 1, 5000, 16, 1024, 1, 64",
        "FIT, 300, 200, 1024, 688, 64, 43",
        "STRETCH, 640, 480, 1024, 1024, 64, 64"})
    void plansKeepTheAspectRatioAndPadToCells(ImagePreprocessor.Mode mode, int w, int h, int rw, int rh, int gw,
                                              int gh) {
        ImagePreprocessor p = new ImagePreprocessor(mode, 1024, 16, -1, 1, 0);
        ImagePreprocessor.Plan plan = p.plan(h, w);
        assertThat(plan.resizedWidth()).isEqualTo(rw);
        assertThat(plan.resizedHeight()).isEqualTo(rh);
        assertThat(plan.gridWidth()).isEqualTo(gw);
        assertThat(plan.gridHeight()).isEqualTo(gh);
        assertThat(plan.canvasWidth()).isEqualTo(16 * gw);
        assertThat(plan.canvasHeight()).isEqualTo(16 * gh);
        if (mode != ImagePreprocessor.Mode.PAD) {
            assertThat(plan.geometry()).as("no padding: the stretched geometry")
                    .isEqualTo(ImageGeometry.stretched(h, w, gh, gw));
        }
        ImageGeometry g = plan.geometry();
        // The image's left/top edge is the grid's; its right/bottom edge lands where the resized image ends.
        assertThat(g.offsetX()).isZero();
        assertThat(g.offsetY()).isZero();
        assertThat(g.scaleX() * w).isCloseTo(rw / 16.0, within(1e-9));
        assertThat(g.scaleY() * h).isCloseTo(rh / 16.0, within(1e-9));
        assertThat(g.gridX(w - 1)).isLessThan(gw);
        assertThat(g.pixelX(0)).isCloseTo(8.0 * w / rw, within(1e-9));
    }

    @Test
    void resamplingMatchesPilBilinearWithinItsRounding() throws IOException {
        JsonNode ref;
        try (InputStream in = getClass().getResourceAsStream("/resize/pil-bilinear.json")) {
            ref = Fixture.JSON.readTree(in);
        }
        ImagePreprocessor p = new ImagePreprocessor(ImagePreprocessor.Mode.PAD, 32, 4, 0, 255, -7);
        for (JsonNode c : ref.get("cases")) {
            int w = c.get("width").asInt();
            int h = c.get("height").asInt();
            byte[] rgb = new byte[3 * w * h];
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = (byte) c.get("rgb").get(i).asInt();
            }
            ImagePreprocessor.Plan plan = p.plan(h, w);
            int tw = c.get("targetWidth").asInt();
            int th = c.get("targetHeight").asInt();
            assertThat(plan.resizedWidth()).isEqualTo(tw);
            assertThat(plan.resizedHeight()).isEqualTo(th);
            float[] out = new float[plan.canvasValues()];
            p.process(new RgbImage(w, h, rgb), plan, out);
            int cw = plan.canvasWidth();
            int plane = cw * plan.canvasHeight();
            double worst = 0;
            for (int y = 0; y < plan.canvasHeight(); y++) {
                for (int x = 0; x < cw; x++) {
                    for (int ch = 0; ch < 3; ch++) {
                        float v = out[ch * plane + y * cw + x];
                        if (x >= tw || y >= th) {
                            assertThat(v).as("padding").isEqualTo(-7f);
                        } else {
                            int pil = c.get("resized").get(3 * (y * tw + x) + ch).asInt();
                            worst = Math.max(worst, Math.abs(v - pil));
                        }
                    }
                }
            }
            assertThat(worst).as("largest difference to PIL for %dx%d -> %dx%d", w, h, tw, th)
                    .isLessThanOrEqualTo(1.0);
        }
    }

    @Test
    void sameSizeKeepsPixelsExactlyInTheModelRange() {
        ImagePreprocessor p = new ImagePreprocessor(ImagePreprocessor.Mode.PAD, 8, 4, -1, 1, 0);
        RgbImage img = OnnxAttentionExtractorTest.image(8, 6, 3);
        ImagePreprocessor.Plan plan = p.plan(6, 8);
        float[] out = new float[plan.canvasValues()];
        p.process(img, plan, out);
        int plane = plan.canvasHeight() * plan.canvasWidth();
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                for (int c = 0; c < 3; c++) {
                    float want = -1f + 2f / 255f * img.channel(x, y, c);
                    assertThat(out[c * plane + y * 8 + x]).isCloseTo(want, within(1e-6f));
                }
            }
        }
        assertThat(out[7 * 8 + 3]).as("row 7 is padding").isZero();
    }

    @Test
    void constantImagesStayConstantWhenShrunkOrEnlarged() {
        for (int[] size : new int[][] {{301, 97}, {3, 2}}) {
            byte[] rgb = new byte[3 * size[0] * size[1]];
            for (int i = 0; i < rgb.length; i += 3) {
                rgb[i] = (byte) 200;
                rgb[i + 1] = (byte) 10;
                rgb[i + 2] = (byte) 128;
            }
            ImagePreprocessor p = new ImagePreprocessor(ImagePreprocessor.Mode.STRETCH, 64, 16, 0, 255, 0);
            ImagePreprocessor.Plan plan = p.plan(size[1], size[0]);
            float[] out = new float[plan.canvasValues()];
            p.process(new RgbImage(size[0], size[1], rgb), plan, out);
            for (int i = 0; i < 64 * 64; i++) {
                assertThat(out[i]).isCloseTo(200f, within(1e-3f));
                assertThat(out[64 * 64 + i]).isCloseTo(10f, within(1e-3f));
                assertThat(out[2 * 64 * 64 + i]).isCloseTo(128f, within(1e-3f));
            }
        }
    }
}
