package org.refam.onnx.sam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.refam.api.RgbImage;

/** SAM / SAM2 coordinate maths and encoder inputs against the reference formulas and reference resamplings. */
class SamTransformsTest {

    @ParameterizedTest(name = "{0}x{1} (h x w) -> {2}x{3}")
    @CsvSource({
            // get_preprocess_shape(h, w, 1024) worked by hand: scale = 1024 / max(h, w), side * scale + 0.5, floor
            "480, 640, 768, 1024",
            "640, 480, 1024, 768",
            "333, 517, 660, 1024", // 333 * 1.98066 = 659.56 -> 660 (truncation without +0.5 gives 659)
            "517, 333, 1024, 660",
            "2, 3, 683, 1024", // 682.67 rounds up
            "1, 3, 341, 1024", // 341.33 rounds down
            "1024, 1024, 1024, 1024",
            "101, 1000, 103, 1024", // 103.42
            "3000, 4000, 768, 1024"})
    void resizedSizeIsLongestSide1024RoundedHalfUp(int h, int w, int newH, int newW) {
        assertThat(SamTransforms.resizedSize(h, w)).isEqualTo(new SamTransforms.Size(newH, newW));
    }

    @Test
    void scaleIsAFractionNotAnIntegerDivision() {
        // 1024 / 640 in integers is 1, which would leave points unscaled
        assertThat(SamTransforms.scale(480, 640)).isEqualTo(1.6);
        assertThat(SamTransforms.scale(3000, 4000)).isEqualTo(0.256);
    }

    @Test
    void samPointsScaleByTheResizedOverOriginalSides() {
        // landscape 480 x 640: newH 768, newW 1024 -> factor 1.6 on both axes
        float[] p = SamTransforms.toSamFrame(new double[] {500, 300, 0, 0, 640, 480}, 480, 640);
        assertThat(p).containsExactly(new float[] {800, 480, 0, 0, 1024, 768}, within(1e-4f));
        // portrait 640 x 480: the x axis is the short one
        float[] q = SamTransforms.toSamFrame(new double[] {300, 500, 480, 640}, 640, 480);
        assertThat(q).containsExactly(new float[] {480, 800, 768, 1024}, within(1e-4f));
        // odd 333 x 517: x * 1024 / 517, y * 660 / 333 (each axis its own rounded side)
        float[] r = SamTransforms.toSamFrame(new double[] {517, 333, 100, 100}, 333, 517);
        assertThat(r).containsExactly(new float[] {1024, 660, (float) (100 * 1024.0 / 517), (float) (100 * 660.0 / 333)},
                within(1e-3f));
    }

    @Test
    void sam2PointsScaleEachAxisToTheFullSquare() {
        // SAM2 squashes to 1024 x 1024: x / w * 1024, y / h * 1024; swapping (W, H) would give (1066.7, 400)
        float[] p = SamTransforms.toSam2Frame(new double[] {500, 300}, 480, 640);
        assertThat(p).containsExactly(new float[] {800, 640}, within(1e-4f));
        float[] q = SamTransforms.toSam2Frame(new double[] {300, 500}, 640, 480);
        assertThat(q).containsExactly(new float[] {640, 800}, within(1e-4f));
    }

    @Test
    void badSizesFail() {
        assertThatThrownBy(() -> SamTransforms.resizedSize(0, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("height 0");
    }

    @Test
    void samEncoderInputIsNormalisedTopLeftAndZeroPaddedBottomRight() {
        // 3 x 5 (h x w) resizes to 614 x 1024; a uniform image stays uniform under the bilinear filter
        RgbImage img = TinyModels.uniform(5, 3, 200, 100, 50);
        float[] x = SamTransforms.samEncoderInput(img);
        int plane = 1024 * 1024;
        assertThat(x).hasSize(3 * plane);
        float[] expected = {(200 - 123.675f) / 58.395f, (100 - 116.28f) / 57.12f, (50 - 103.53f) / 57.375f};
        for (int c = 0; c < 3; c++) {
            assertThat(x[c * plane]).isCloseTo(expected[c], within(1e-6f));
            assertThat(x[c * plane + 613 * 1024 + 1023]).isCloseTo(expected[c], within(1e-6f));
            assertThat(x[c * plane + 614 * 1024]).isZero(); // padding after normalising: 0, not the mean colour
            assertThat(x[c * plane + 1023 * 1024 + 1023]).isZero();
        }
    }

    @Test
    void samEncoderInputOfAPortraitImagePadsOnTheRight() {
        RgbImage img = TinyModels.uniform(480, 640, 10, 20, 30);
        float[] x = SamTransforms.samEncoderInput(img);
        float v = (10 - 123.675f) / 58.395f;
        assertThat(x[1023 * 1024 + 767]).isCloseTo(v, within(1e-6f));
        assertThat(x[1023 * 1024 + 768]).isZero();
        assertThat(x[0 * 1024 + 768]).isZero();
    }

    @Test
    void sam2EncoderInputFillsTheWholeSquare() {
        RgbImage img = TinyModels.uniform(5, 3, 200, 100, 50);
        float[] x = SamTransforms.sam2EncoderInput(img);
        int plane = 1024 * 1024;
        float[] expected = {(200 / 255f - 0.485f) / 0.229f, (100 / 255f - 0.456f) / 0.224f,
                (50 / 255f - 0.406f) / 0.225f};
        for (int c = 0; c < 3; c++) {
            assertThat(x[c * plane]).isCloseTo(expected[c], within(1e-4f));
            assertThat(x[c * plane + plane - 1]).isCloseTo(expected[c], within(1e-4f));
            assertThat(x[c * plane + 700 * 1024 + 3]).isCloseTo(expected[c], within(1e-4f));
        }
    }

    @ParameterizedTest(name = "Pillow BILINEAR 53x37 -> {0}x{1}")
    @CsvSource({"19, 13", "101, 70", "80, 20", "53, 37"})
    void rgbResizeMatchesPillowExactly(int w, int h) throws IOException {
        byte[] src = Files.readAllBytes(TinyModels.resource("resize/source_53x37.rgb"));
        byte[] ref = Files.readAllBytes(TinyModels.resource("resize/pil_" + w + "x" + h + ".rgb"));
        byte[] got = Resampling.resizeRgb8(src, 53, 37, w, h);
        assertThat(got).hasSameSizeAs(ref);
        int mismatches = 0;
        for (int i = 0; i < ref.length; i++) {
            if (got[i] != ref[i]) {
                mismatches++;
            }
        }
        assertThat(mismatches).as("bytes differing from Pillow").isZero();
    }

    @ParameterizedTest(name = "torch antialiased bilinear 53x37 -> {0}x{1}")
    @CsvSource({"19, 13", "101, 70", "80, 20"})
    void floatResizeMatchesPyTorchAntialiasedBilinear(int w, int h) throws IOException {
        byte[] src = Files.readAllBytes(TinyModels.resource("resize/source_53x37.rgb"));
        int n = 53 * 37;
        float[] chw = new float[3 * n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                chw[c * n + i] = (src[3 * i + c] & 0xFF) / 255f;
            }
        }
        float[] ref = floats("resize/torch_aa_" + w + "x" + h + ".f32");
        float[] got = Resampling.resizePlanesAntialiased(chw, 3, 53, 37, w, h);
        // PyTorch accumulates in float32 with float32 weights: differences of a few ulps of the 0..1 values
        assertThat(got).containsExactly(ref, within(1e-5f));
    }

    @ParameterizedTest(name = "torch bilinear 7x5 -> {0}x{1}")
    @CsvSource({"17, 13", "3, 2", "7, 5"})
    void maskUpsamplingMatchesPyTorchBilinear(int w, int h) throws IOException {
        float[] src = floats("resize/logits_7x5.f32");
        float[] ref = floats("resize/up_" + w + "x" + h + ".f32");
        assertThat(Resampling.upsampleBilinear(src, 0, 7, 5, w, h)).containsExactly(ref, within(1e-5f));
    }

    private static float[] floats(String name) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(TinyModels.resource(name))).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }
}
