package org.refam.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The seeded noise: reproducible, seed-dependent, standard normal. */
class GaussianNoiseTest {
    @Test
    void sameSeedSameDrawOtherSeedOtherDraw() {
        float[] a = new float[1001];
        float[] b = new float[1001];
        GaussianNoise.fill(42, a, a.length);
        GaussianNoise.fill(42, b, b.length);
        assertThat(a).isEqualTo(b);
        GaussianNoise.fill(43, b, b.length);
        assertThat(a).isNotEqualTo(b);
        // A shorter draw is a prefix of a longer one.
        float[] c = new float[7];
        GaussianNoise.fill(42, c, 7);
        for (int i = 0; i < 7; i++) {
            assertThat(c[i]).isEqualTo(a[i]);
        }
    }

    @Test
    void momentsAreThoseOfAStandardNormal() {
        int n = 200_000;
        float[] x = new float[n];
        GaussianNoise.fill(7, x, n);
        double mean = 0;
        double m2 = 0;
        double m4 = 0;
        int beyond2 = 0;
        for (float v : x) {
            assertThat(Float.isFinite(v)).isTrue();
            mean += v;
            m2 += v * v;
            m4 += (double) v * v * v * v;
            if (Math.abs(v) > 2) {
                beyond2++;
            }
        }
        mean /= n;
        m2 /= n;
        m4 /= n;
        // Standard errors at n = 200k: mean 0.0022, variance 0.0032, fourth moment ~0.022.
        assertThat(mean).isCloseTo(0, within(0.012));
        assertThat(m2).isCloseTo(1, within(0.016));
        assertThat(m4).isCloseTo(3, within(0.11));
        // P(|Z| > 2) = 0.0455 (standard normal table).
        assertThat(beyond2 / (double) n).isCloseTo(0.0455, within(0.003));
    }
}
