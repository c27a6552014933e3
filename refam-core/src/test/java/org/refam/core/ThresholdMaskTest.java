package org.refam.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.refam.api.Mask;

/** The built-in mask: pixels at or above the relative threshold, 4-connected to the peak. */
class ThresholdMaskTest {

    @Test
    void keepsOnlyThePeaksFourConnectedComponent() {
        // 5 wide, 4 high: a component around the peak (1,1), a separate one on the right, a diagonal-only pixel
        float[] v = {
            0.6f, 0.9f, 0.0f, 0.7f, 0.8f,
            0.5f, 1.0f, 0.1f, 0.9f, 0.7f,
            0.2f, 0.4f, 0.0f, 0.0f, 0.0f,
            0.0f, 0.0f, 0.6f, 0.0f, 0.0f,
        };
        Mask m = ThresholdMask.of(v, 5, 4, 6, 0.5);
        assertThat(m.width()).isEqualTo(5);
        assertThat(m.height()).isEqualTo(4);
        boolean[] expected = {
            true, true, false, false, false,
            true, true, false, false, false,
            false, false, false, false, false,
            false, false, false, false, false,
        };
        assertThat(m.data()).containsExactly(expected);
        assertThat(m.area()).isEqualTo(4);
    }

    @Test
    void theThresholdIsInclusiveAndRelativeToThePeak() {
        float[] v = {2f, 1f, 0.99f};
        assertThat(ThresholdMask.of(v, 3, 1, 0, 0.5).data()).containsExactly(true, true, false);
        assertThat(ThresholdMask.of(v, 3, 1, 0, 1.0).data()).containsExactly(true, false, false);
        assertThat(ThresholdMask.of(v, 1, 3, 0, 0.4).data()).containsExactly(true, true, true);
    }

    @Test
    void aHeatMapWithoutSignalGivesAnEmptyMask() {
        assertThat(ThresholdMask.of(new float[6], 3, 2, 0, 0.5).area()).isZero();
    }
}
