package org.refam.onnx.sam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.refam.api.Mask;
import org.refam.api.PointPrompt;
import org.refam.api.RgbImage;

/**
 * SAM v1 end to end on the tiny graphs: the disk the decoder draws around the clicked point lands on the click
 * only when the coordinate transform, the (H, W) order of orig_im_size and the padding point are right.
 */
class SamSegmenterTest {
    private static SamSegmenter sam;
    private static SamSegmenter multimask;

    @BeforeAll
    static void open() {
        sam = SamSegmenter.builder().folder(TinyModels.sam1()).device("cpu").open();
        multimask = SamSegmenter.builder().encoder(TinyModels.resource("sam1/encoder.onnx"))
                .decoder(TinyModels.resource("sam1/decoder_multimask.onnx")).device("cpu").open();
    }

    @AfterAll
    static void close() {
        sam.close();
        multimask.close();
    }

    static Stream<int[]> sizes() {
        return TinyModels.awkwardSizes().stream();
    }

    /** Expected disk area in original pixels for a 1024-frame radius (SAM v1 scales both axes by ~1024/max). */
    private static double area(double radius1024, int h, int w) {
        double r = radius1024 / SamTransforms.scale(h, w);
        return Math.PI * r * r;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sizes")
    void oneClickGivesADiskCentredOnTheClick(int[] hw) {
        int h = hw[0];
        int w = hw[1];
        int x = (int) (0.7 * w);
        int y = (int) (0.6 * h);
        Mask m = sam.segment(TinyModels.noise(w, h, 1), List.of(new PointPrompt(x, y, true)));
        assertThat(m.height()).isEqualTo(h);
        assertThat(m.width()).isEqualTo(w);
        assertThat(m.get(x, y)).isTrue();
        double[] c = TinyModels.centroid(m);
        double cell = 4 / SamTransforms.scale(h, w); // one low-resolution logit in original pixels
        assertThat(c[0]).isCloseTo(x, within(Math.max(1.0, cell / 2)));
        assertThat(c[1]).isCloseTo(y, within(Math.max(1.0, cell / 2)));
        // single-mask export with one click: the best of masks 1..3 (radius 72 in the 1024 frame)
        assertThat((double) m.area()).isCloseTo(area(TinyModels.SAM_ONE_CLICK_RADIUS, h, w),
                within(0.06 * area(TinyModels.SAM_ONE_CLICK_RADIUS, h, w)));
    }

    @Test
    void aClickNearTheFarCornerStaysThere() {
        // integer division (1024 / 640 = 1) would put this click at (400, 300) of the original image
        Mask m = sam.segment(TinyModels.noise(640, 480, 2), List.of(new PointPrompt(630, 470, true)));
        assertThat(m.get(630, 470)).isTrue();
        assertThat(m.get(400, 300)).isFalse();
        assertThat(TinyModels.centroid(m)[0]).isGreaterThan(600);
    }

    @Test
    void twoForegroundPointsSelectTheFirstMaskAndCoverBothPoints() {
        RgbImage img = TinyModels.noise(640, 480, 3);
        Mask m = sam.segment(img, List.of(new PointPrompt(100, 100, true), new PointPrompt(500, 400, true)));
        assertThat(m.get(100, 100)).isTrue();
        assertThat(m.get(500, 400)).isTrue();
        assertThat(m.get(300, 250)).isFalse();
        double expected = 2 * area(TinyModels.SAM_MULTI_POINT_RADIUS, 480, 640);
        assertThat((double) m.area()).isCloseTo(expected, within(0.08 * expected));
    }

    @Test
    void aBackgroundPointCutsTheMask() {
        RgbImage img = TinyModels.noise(640, 480, 4);
        // fg disk radius 40 / 1.6 = 25 px; the bg point 15 px away cuts a disk of 20 / 1.6 = 12.5 px
        Mask m = sam.segment(img, List.of(new PointPrompt(300, 200, true), new PointPrompt(315, 200, false)));
        assertThat(m.get(300, 200)).isTrue();
        assertThat(m.get(315, 200)).isFalse();
        assertThat(m.get(285, 200)).isTrue();
    }

    @Test
    void theMultimaskExportIsResolvedLikeTheSingleMaskExport() {
        RgbImage img = TinyModels.noise(517, 333, 5);
        List<List<PointPrompt>> prompts = List.of(List.of(new PointPrompt(200, 100, true)),
                List.of(new PointPrompt(200, 100, true), new PointPrompt(400, 250, true)));
        for (List<PointPrompt> p : prompts) {
            Mask single = sam.segment(img, p);
            Mask four = multimask.segment(img, p);
            assertThat(four.data()).as("prompt %s", p).isEqualTo(single.data());
        }
    }

    @Test
    void maskSelectionFollowsSelectMasks() {
        float[] iou = {0.9f, 0.2f, 0.7f, 0.3f};
        assertThat(SamSegmenter.selectMask(iou, 2)).isEqualTo(2); // one click + padding: best of 1..3
        assertThat(SamSegmenter.selectMask(iou, 3)).isZero();
        assertThat(SamSegmenter.selectMask(new float[] {0.1f}, 2)).isZero();
        assertThat(SamSegmenter.selectMask(new float[] {0.1f, 0.5f, 0.5f}, 2)).isEqualTo(1);
        assertThat(SamSegmenter.selectMask(new float[] {Float.NaN, 0.5f, 0.4f}, 5)).isEqualTo(1);
    }

    @Test
    void theEmbeddingShowsTheImageTopLeftAndZeroPaddingBottom() {
        // tiny encoder: channel c < 3 of the embedding = 16 x 16 mean of input channel c
        float v = (200 - 123.675f) / 58.395f;
        float[] e = sam.embedding(TinyModels.uniform(640, 480, 200, 0, 0));
        assertThat(e).hasSize(256 * 64 * 64);
        assertThat(e[47 * 64 + 63]).isCloseTo(v, within(1e-5f)); // 768 rows = 48 embedding rows of image
        assertThat(e[48 * 64]).isZero();
        // odd 333 x 517: 660 image rows, so embedding row 41 (rows 656..671) holds 4 image rows of 16
        float[] odd = sam.embedding(TinyModels.uniform(517, 333, 200, 0, 0));
        assertThat(odd[40 * 64 + 10]).isCloseTo(v, within(1e-5f));
        assertThat(odd[41 * 64 + 10]).isCloseTo(v * 4 / 16, within(1e-5f));
        assertThat(odd[42 * 64 + 10]).isZero();
        // portrait: padding on the right
        float[] portrait = sam.embedding(TinyModels.uniform(480, 640, 200, 0, 0));
        assertThat(portrait[63 * 64 + 47]).isCloseTo(v, within(1e-5f));
        assertThat(portrait[63 * 64 + 48]).isZero();
    }

    @Test
    void anEncoderWithThePreprocessingInsideGivesTheSameEmbeddingAndMasks() {
        try (SamSegmenter inside = SamSegmenter.builder().encoder(TinyModels.resource("sam1/encoder_preprocess.onnx"))
                .decoder(TinyModels.resource("sam1/decoder.onnx")).device("cpu").open()) {
            for (int[] hw : TinyModels.awkwardSizes()) {
                RgbImage img = TinyModels.noise(hw[1], hw[0], 7);
                assertThat(maxAbsDifference(inside.embedding(img), sam.embedding(img))).as("%dx%d", hw[0], hw[1])
                        .isLessThan(1e-5);
            }
            RgbImage img = TinyModels.noise(517, 333, 8);
            List<PointPrompt> click = List.of(new PointPrompt(300, 200, true));
            assertThat(inside.segment(img, click).data()).isEqualTo(sam.segment(img, click).data());
        }
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    @Test
    void badPointsFailWithTheirValues() {
        RgbImage img = TinyModels.noise(64, 48, 6);
        assertThatThrownBy(() -> sam.segment(img, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one point");
        assertThatThrownBy(() -> sam.segment(img, List.of(new PointPrompt(Double.NaN, 3, true))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> sam.segment(img, List.of(new PointPrompt(10, 60, true))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y 60.0")
                .hasMessageContaining("64x48");
    }

    @Test
    void reportsTheDeviceItRunsOn() {
        assertThat(sam.device()).isEqualTo("cpu");
        assertThat(sam.toString()).contains("decoder.onnx").contains("cpu");
    }
}
