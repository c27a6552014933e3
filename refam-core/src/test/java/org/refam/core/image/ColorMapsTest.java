package org.refam.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The inferno table against matplotlib's published values, its indexing rule and its perceptual ordering. */
class ColorMapsTest {

    /** {@code round(255 * v)} of matplotlib's {@code _inferno_data} floats, packed as 0xRRGGBB. */
    private static int fromMatplotlib(double r, double g, double b) {
        return ((int) Math.round(255 * r) << 16) | ((int) Math.round(255 * g) << 8) | (int) Math.round(255 * b);
    }

    @Test
    void entriesMatchMatplotlibsPublishedInferno() {
        // rows 0, 64, 128, 192 and 255 of _inferno_data in matplotlib's _cm_listed.py
        assertThat(ColorMaps.inferno(0)).isEqualTo(fromMatplotlib(0.001462, 0.000466, 0.013866));
        assertThat(ColorMaps.inferno(64)).isEqualTo(fromMatplotlib(0.341500, 0.062325, 0.429425));
        assertThat(ColorMaps.inferno(128)).isEqualTo(fromMatplotlib(0.735683, 0.215906, 0.330245));
        assertThat(ColorMaps.inferno(192)).isEqualTo(fromMatplotlib(0.978422, 0.557937, 0.034931));
        assertThat(ColorMaps.inferno(255)).isEqualTo(fromMatplotlib(0.988362, 0.998364, 0.644924));
        assertThat(ColorMaps.inferno(0)).isEqualTo(0x000004);
        assertThat(ColorMaps.inferno(255)).isEqualTo(0xFCFFA4);
    }

    @Test
    void lightnessRisesStrictlyAlongTheTable() {
        double previous = -1;
        for (int i = 0; i < ColorMaps.SIZE; i++) {
            double l = cieLightness(ColorMaps.inferno(i));
            assertThat(l).as("CIE L* of entry %d", i).isGreaterThan(previous);
            previous = l;
        }
        assertThat(previous).isGreaterThan(95);
    }

    private static double cieLightness(int rgb) {
        double y = 0.2126 * linear((rgb >> 16) & 0xFF) + 0.7152 * linear((rgb >> 8) & 0xFF)
                + 0.0722 * linear(rgb & 0xFF);
        return y > 216.0 / 24389 ? 116 * Math.cbrt(y) - 16 : y * 24389 / 27;
    }

    private static double linear(int c8) {
        double c = c8 / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    @Test
    void valuesMapToFloorOf256TimesVCappedAt255() {
        assertThat(ColorMaps.index(0f)).isZero();
        assertThat(ColorMaps.index(Math.nextDown(1f / 256))).isZero();
        assertThat(ColorMaps.index(1f / 256)).isEqualTo(1);
        assertThat(ColorMaps.index(0.5f)).isEqualTo(128);
        assertThat(ColorMaps.index(Math.nextDown(1f))).isEqualTo(255);
        assertThat(ColorMaps.index(1f)).isEqualTo(255);
        assertThat(ColorMaps.rgb(0.5f)).isEqualTo(ColorMaps.inferno(128));
    }

    @Test
    void outOfRangeAndNaNAreClamped() {
        assertThat(ColorMaps.rgb(Float.NaN)).isEqualTo(ColorMaps.inferno(0));
        assertThat(ColorMaps.rgb(-3f)).isEqualTo(ColorMaps.inferno(0));
        assertThat(ColorMaps.rgb(Float.NEGATIVE_INFINITY)).isEqualTo(ColorMaps.inferno(0));
        assertThat(ColorMaps.rgb(7f)).isEqualTo(ColorMaps.inferno(255));
        assertThat(ColorMaps.rgb(Float.POSITIVE_INFINITY)).isEqualTo(ColorMaps.inferno(255));
    }

    @Test
    void tableIndicesAreChecked() {
        assertThatThrownBy(() -> ColorMaps.inferno(256)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256");
        assertThatThrownBy(() -> ColorMaps.inferno(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
