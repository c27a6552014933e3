package org.refam.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.HeatMap;
import org.refam.api.Mask;
import org.refam.api.PixelPoint;
import org.refam.api.RgbImage;

/** Heat-map and mask rendering of {@link Overlays}. */
class OverlaysTest {
    @TempDir
    Path dir;

    private static RgbImage randomImage(int w, int h, long seed) {
        byte[] rgb = new byte[3 * w * h];
        new Random(seed).nextBytes(rgb);
        return new RgbImage(w, h, rgb);
    }

    private static RgbImage flat(int w, int h, int rgb) {
        byte[] b = new byte[3 * w * h];
        for (int i = 0; i < b.length; i += 3) {
            b[i] = (byte) (rgb >> 16);
            b[i + 1] = (byte) (rgb >> 8);
            b[i + 2] = (byte) rgb;
        }
        return new RgbImage(w, h, b);
    }

    private static int rgbAt(RgbImage img, int x, int y) {
        return (img.channel(x, y, 0) << 16) | (img.channel(x, y, 1) << 8) | img.channel(x, y, 2);
    }

    /** A heat map of {@code h x w} rising along the row-major order, values 0..h*w-1. */
    private static HeatMap ramp(int h, int w) {
        float[] v = new float[h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return new HeatMap(h, w, v);
    }

    @Test
    void overlayHasTheImageSizeAndAlphaZeroLeavesTheImage() {
        RgbImage img = randomImage(9, 5, 1);

        RgbImage out = Overlays.heatMapOverlay(img, ramp(5, 9), null, 0f);

        assertThat(out.width()).isEqualTo(9);
        assertThat(out.height()).isEqualTo(5);
        assertThat(out.rgb()).isEqualTo(img.rgb()).isNotSameAs(img.rgb());
    }

    @Test
    void alphaOneShowsTheHeatNormalisedByItsMax() {
        RgbImage img = randomImage(3, 1, 2);
        HeatMap heat = new HeatMap(1, 3, new float[] {0f, 2f, 4f});

        RgbImage out = Overlays.heatMapOverlay(img, heat, null, 1f);

        assertThat(rgbAt(out, 0, 0)).isEqualTo(ColorMaps.rgb(0f));
        assertThat(rgbAt(out, 1, 0)).isEqualTo(ColorMaps.rgb(0.5f));
        assertThat(rgbAt(out, 2, 0)).isEqualTo(ColorMaps.rgb(1f));
    }

    @Test
    void halfAlphaBlendsEvenly() {
        RgbImage img = flat(1, 1, 0xFFFFFF);
        HeatMap heat = new HeatMap(1, 1, new float[] {1f});

        RgbImage out = Overlays.heatMapOverlay(img, heat, null, 0.5f);

        // inferno(1) = (252, 255, 164); halfway to white: 253.5, 255, 209.5, rounded half up
        assertThat(rgbAt(out, 0, 0)).isEqualTo((254 << 16) | (255 << 8) | 210);
    }

    @Test
    void thePeakIsMarkedAndFarPixelsAreUntouched() {
        RgbImage img = randomImage(100, 80, 3);
        HeatMap heat = ramp(80, 100);
        PixelPoint peak = new PixelPoint(40, 30);

        RgbImage plain = Overlays.heatMapOverlay(img, heat, null, 0.6f);
        RgbImage marked = Overlays.heatMapOverlay(img, heat, peak, 0.6f);

        assertThat(rgbAt(marked, 40, 30)).isEqualTo(Overlays.MARKER_RGB).isNotEqualTo(rgbAt(plain, 40, 30));
        assertThat(rgbAt(marked, 44, 30)).as("on the horizontal arm").isEqualTo(Overlays.MARKER_RGB);
        assertThat(rgbAt(marked, 40, 26)).as("on the vertical arm").isEqualTo(Overlays.MARKER_RGB);
        assertThat(rgbAt(marked, 41, 31)).as("outline beside the cross").isEqualTo(Overlays.MARKER_OUTLINE_RGB);
        for (int[] far : new int[][] {{0, 0}, {99, 79}, {70, 30}, {40, 60}}) {
            assertThat(rgbAt(marked, far[0], far[1])).as("pixel %d,%d", far[0], far[1])
                    .isEqualTo(rgbAt(plain, far[0], far[1]));
        }
    }

    @Test
    void aMarkerAtTheCornerIsClipped() {
        RgbImage img = randomImage(6, 6, 4);

        RgbImage out = Overlays.heatMapOverlay(img, ramp(6, 6), new PixelPoint(5, 5), 0.5f);

        assertThat(rgbAt(out, 5, 5)).isEqualTo(Overlays.MARKER_RGB);
        assertThat(rgbAt(out, 0, 5)).isEqualTo(Overlays.MARKER_RGB);
    }

    @Test
    void allZeroHeatDoesNotDivideByZero() {
        RgbImage img = flat(4, 3, 0x808080);

        RgbImage out = Overlays.heatMapOverlay(img, new HeatMap(3, 4, new float[12]), null, 1f);
        RgbImage alone = Overlays.heatMapImage(new HeatMap(3, 4, new float[12]));

        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                assertThat(rgbAt(out, x, y)).isEqualTo(ColorMaps.rgb(0f));
                assertThat(rgbAt(alone, x, y)).isEqualTo(ColorMaps.rgb(0f));
            }
        }
    }

    @Test
    void nanNegativeAndInfiniteHeatCountAsZero() {
        HeatMap heat = new HeatMap(1, 5, new float[] {Float.NaN, -1f, Float.POSITIVE_INFINITY, 2f, 1f});

        RgbImage out = Overlays.heatMapImage(heat);

        assertThat(rgbAt(out, 0, 0)).isEqualTo(ColorMaps.rgb(0f));
        assertThat(rgbAt(out, 1, 0)).isEqualTo(ColorMaps.rgb(0f));
        assertThat(rgbAt(out, 2, 0)).isEqualTo(ColorMaps.rgb(0f));
        assertThat(rgbAt(out, 3, 0)).as("the finite max").isEqualTo(ColorMaps.rgb(1f));
        assertThat(rgbAt(out, 4, 0)).isEqualTo(ColorMaps.rgb(0.5f));
    }

    @Test
    void heatMapImageIsWidthByHeight() {
        RgbImage out = Overlays.heatMapImage(ramp(2, 5));

        assertThat(out.width()).isEqualTo(5);
        assertThat(out.height()).isEqualTo(2);
        assertThat(rgbAt(out, 4, 1)).isEqualTo(ColorMaps.rgb(1f));
        assertThat(rgbAt(out, 0, 0)).isEqualTo(ColorMaps.rgb(0f));
    }

    @Test
    void overlayArgumentsAreChecked() {
        RgbImage img = randomImage(4, 3, 5);
        assertThatThrownBy(() -> Overlays.heatMapOverlay(img, ramp(4, 3), null, 0.5f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("image width=4 height=3")
                .hasMessageContaining("heat map width=3 height=4");
        assertThatThrownBy(() -> Overlays.heatMapOverlay(img, ramp(3, 4), null, 1.5f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
        assertThatThrownBy(() -> Overlays.heatMapOverlay(img, ramp(3, 4), null, Float.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> Overlays.heatMapOverlay(img, ramp(3, 4), new PixelPoint(4, 0), 0.5f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x=4");
    }

    @Test
    void maskImageIsWhiteWhereSet() {
        boolean[] d = {true, false, false, false, false, true};  // 2 rows x 3 columns
        RgbImage out = Overlays.maskImage(new Mask(2, 3, d));

        assertThat(out.width()).isEqualTo(3);
        assertThat(out.height()).isEqualTo(2);
        assertThat(rgbAt(out, 0, 0)).isEqualTo(0xFFFFFF);
        assertThat(rgbAt(out, 2, 1)).isEqualTo(0xFFFFFF);
        assertThat(rgbAt(out, 1, 0)).isZero();
        assertThat(rgbAt(out, 0, 1)).isZero();
        assertThatThrownBy(() -> Overlays.maskImage(Mask.empty(0, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width=4 height=0");
    }

    @Test
    void maskOverlayTintsTheInsideAndDrawsTheContour() {
        RgbImage img = flat(5, 5, 0x000000);
        boolean[] d = new boolean[25];
        for (int y = 1; y <= 3; y++) {
            for (int x = 1; x <= 3; x++) {
                d[y * 5 + x] = true;
            }
        }

        RgbImage out = Overlays.maskOverlay(img, new Mask(5, 5, d), 0xFF0000, 0.5f);

        assertThat(rgbAt(out, 2, 2)).as("interior: half red").isEqualTo(0x800000);
        assertThat(rgbAt(out, 1, 1)).as("contour: opaque").isEqualTo(0xFF0000);
        assertThat(rgbAt(out, 3, 2)).as("contour: opaque").isEqualTo(0xFF0000);
        assertThat(rgbAt(out, 0, 0)).as("outside: unchanged").isZero();
        assertThat(rgbAt(out, 4, 2)).as("outside: unchanged").isZero();
        assertThat(img.rgb()).as("the input is not modified").containsOnly((byte) 0);
    }

    @Test
    void maskOverlayOfAFullMaskHasNoContourAtTheImageBorder() {
        boolean[] d = new boolean[6];
        Arrays.fill(d, true);

        RgbImage out = Overlays.maskOverlay(flat(3, 2, 0x000000), new Mask(2, 3, d), 0x0000FF, 0.25f);

        assertThat(out.rgb()).isEqualTo(flat(3, 2, 0x000040).rgb());
        assertThat(Overlays.maskOverlay(flat(3, 2, 0), new Mask(2, 3, d)).rgb())
                .isEqualTo(flat(3, 2, 0x00642A).rgb()); // DEFAULT_MASK_RGB 0x00C853 at 0.5, rounded half up
    }

    @Test
    void maskOverlayChecksSizes() {
        assertThatThrownBy(() -> Overlays.maskOverlay(flat(3, 2, 0), Mask.empty(3, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("image width=3 height=2")
                .hasMessageContaining("mask width=2 height=3");
    }

    @Test
    void overlaysRoundTripThroughPng() throws IOException {
        RgbImage img = randomImage(31, 17, 6);
        RgbImage overlay = Overlays.heatMapOverlay(img, ramp(17, 31), new PixelPoint(10, 8), 0.45f);
        Path p = dir.resolve("overlay.png");

        Overlays.writePng(overlay, p);
        RgbImage back = Images.read(p);

        assertThat(back.width()).isEqualTo(31);
        assertThat(back.height()).isEqualTo(17);
        assertThat(back.rgb()).isEqualTo(overlay.rgb());
    }
}
