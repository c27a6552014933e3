package org.refam.onnx.sam;

import static org.assertj.core.api.Assertions.assertThat;
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
 * SAM2 end to end on the tiny graphs: the image is squashed to 1024 x 1024, so the decoder's disk becomes an
 * ellipse in the original image, centred on the click only when x and y are scaled by their own side; the graph
 * pads the prompt itself and draws nothing if the caller adds a second padding point.
 */
class Sam2SegmenterTest {
    private static Sam2Segmenter sam2;

    @BeforeAll
    static void open() {
        sam2 = Sam2Segmenter.open(TinyModels.sam2(), "cpu");
    }

    @AfterAll
    static void close() {
        sam2.close();
    }

    static Stream<int[]> sizes() {
        return TinyModels.awkwardSizes().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sizes")
    void oneClickGivesAnEllipseCentredOnTheClick(int[] hw) {
        int h = hw[0];
        int w = hw[1];
        int x = (int) (0.3 * w);
        int y = (int) (0.45 * h);
        Mask m = sam2.segment(TinyModels.noise(w, h, 11), List.of(new PointPrompt(x, y, true)));
        assertThat(m.height()).isEqualTo(h);
        assertThat(m.width()).isEqualTo(w);
        assertThat(m.get(x, y)).isTrue();
        double[] c = TinyModels.centroid(m);
        assertThat(c[0]).isCloseTo(x, within(Math.max(1.0, w / 512.0)));
        assertThat(c[1]).isCloseTo(y, within(Math.max(1.0, h / 512.0)));
        // semi-axes 72 * w / 1024 and 72 * h / 1024 (the mask with the highest IoU of the three)
        double expected = Math.PI * (TinyModels.SAM2_RADIUS * w / 1024) * (TinyModels.SAM2_RADIUS * h / 1024);
        assertThat((double) m.area()).isCloseTo(expected, within(0.06 * expected));
        // the ellipse's extent follows each axis' own scale (a letterboxed transform would give a circle)
        double rx = TinyModels.SAM2_RADIUS * w / 1024;
        double ry = TinyModels.SAM2_RADIUS * h / 1024;
        assertThat(m.get((int) Math.round(x + 0.8 * rx), y)).isTrue();
        assertThat(m.get(Math.min(w - 1, (int) Math.round(x + 1.2 * rx)), y)).isFalse();
        assertThat(m.get(x, (int) Math.round(y + 0.8 * ry))).isTrue();
        assertThat(m.get(x, Math.min(h - 1, (int) Math.round(y + 1.2 * ry)))).isFalse();
    }

    @Test
    void twoPointsAndABackgroundPointReachTheDecoderUnpadded() {
        RgbImage img = TinyModels.noise(640, 480, 12);
        // best mask: semi-axes 72 * 640 / 1024 = 45 px in x; the background point cuts half that, 22.5 px
        Mask m = sam2.segment(img, List.of(new PointPrompt(100, 100, true), new PointPrompt(500, 400, true),
                new PointPrompt(130, 100, false)));
        assertThat(m.get(500, 400)).isTrue();
        assertThat(m.get(90, 100)).isTrue();
        assertThat(m.get(130, 100)).isFalse(); // cut by the background point
        assertThat(m.get(140, 100)).isFalse();
        assertThat(m.get(300, 250)).isFalse();
    }

    @Test
    void featuresCoverTheWholeSquareWithoutPadding() {
        float v = (200 / 255f - 0.485f) / 0.229f;
        RgbImage img = TinyModels.uniform(640, 480, 200, 0, 0);
        float[] embed = sam2.feature(img, 2);
        assertThat(embed).hasSize(256 * 64 * 64);
        assertThat(embed[0]).isCloseTo(v, within(1e-4f));
        assertThat(embed[63 * 64 + 63]).isCloseTo(v, within(1e-4f));
        assertThat(embed[64 * 64]).isCloseTo((0 - 0.456f) / 0.224f, within(1e-4f)); // green
        assertThat(embed[3 * 64 * 64]).isZero(); // the tiny encoder's zero channels
        float[] hr0 = sam2.feature(img, 0);
        assertThat(hr0).hasSize(32 * 256 * 256);
        assertThat(hr0[255 * 256 + 255]).isCloseTo(v, within(1e-4f));
        assertThat(sam2.feature(img, 1)).hasSize(64 * 128 * 128);
    }

    @Test
    void reportsTheDeviceItRunsOn() {
        assertThat(sam2.device()).isEqualTo("cpu");
        assertThat(sam2.toString()).startsWith("Sam2Segmenter{").contains("cpu");
    }
}
