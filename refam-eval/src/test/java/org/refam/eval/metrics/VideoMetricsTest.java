package org.refam.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.refam.eval.TestData.pixels;
import static org.refam.eval.TestData.rects;
import static org.refam.eval.TestData.setPixels;

import org.junit.jupiter.api.Test;
import org.refam.api.Mask;

/** J, F and the boundary map of method.md section 6 on cases computed by hand. */
class VideoMetricsTest {
    @Test
    void jaccardIsOneWhenBothAreEmpty() {
        assertThat(VideoMetrics.jaccard(Mask.empty(3, 3), Mask.empty(3, 3))).isEqualTo(1.0);
        assertThat(VideoMetrics.jaccard(Mask.empty(3, 3), pixels(3, 3, 1, 1))).isZero();
        assertThat(VideoMetrics.jaccard(pixels(3, 3, 1, 1), Mask.empty(3, 3))).isZero();
        assertThat(VideoMetrics.jaccard(pixels(3, 3, 0, 0, 1, 0), pixels(3, 3, 1, 0, 2, 0))).isEqualTo(1.0 / 3);
    }

    @Test
    void onePixelMaskHasFourBoundaryPixels() {
        // (1,1) differs from its east neighbour; (0,1) from its east, (1,0) from its south, (0,0) from its south-east
        Mask b = VideoMetrics.boundary(pixels(4, 4, 1, 1));
        assertThat(setPixels(b)).containsExactlyInAnyOrder("0,0", "1,0", "0,1", "1,1");
    }

    @Test
    void imageBorderIsNotABoundary() {
        assertThat(setPixels(VideoMetrics.boundary(rects(4, 4, new int[] {0, 0, 4, 4})))).isEmpty();
        // left half: only column 1 (whose east neighbour is background) is boundary, the left border is not
        assertThat(setPixels(VideoMetrics.boundary(rects(4, 4, new int[] {0, 0, 2, 4}))))
                .containsExactlyInAnyOrder("1,0", "1,1", "1,2", "1,3");
        // top half: row 1, down to the right border, which compares only with the south neighbour
        assertThat(setPixels(VideoMetrics.boundary(rects(4, 4, new int[] {0, 0, 4, 2}))))
                .containsExactlyInAnyOrder("0,1", "1,1", "2,1", "3,1");
    }

    @Test
    void bottomRightPixelIsNeverABoundary() {
        assertThat(setPixels(VideoMetrics.boundary(pixels(4, 4, 3, 3))))
                .containsExactlyInAnyOrder("2,3", "3,2", "2,2");
        assertThat(setPixels(VideoMetrics.boundary(pixels(1, 1, 0, 0)))).isEmpty();
    }

    @Test
    void toleranceIsCeilOfTheDiagonalShare() {
        assertThat(VideoMetrics.tolerance(480, 854)).isEqualTo(8);       // 0.008 * 979.6 = 7.84
        assertThat(VideoMetrics.tolerance(4, 4)).isEqualTo(1);
        assertThat(VideoMetrics.tolerance(24, 32)).isEqualTo(1);         // 0.008 * 40 = 0.32
        assertThat(VideoMetrics.tolerance(0, 0)).isZero();
        assertThat(VideoMetrics.tolerance(1000, 0)).isEqualTo(8);
    }

    @Test
    void diskHasRadiusSquaredBound() {
        boolean[] one = new boolean[49];
        one[3 * 7 + 3] = true;
        boolean[] d = VideoMetrics.dilate(one, 7, 7, 2);
        int n = 0;
        for (boolean v : d) {
            n += v ? 1 : 0;
        }
        assertThat(n).as("x^2 + y^2 <= 4").isEqualTo(13);
        assertThat(d[1 * 7 + 3]).isTrue();
        assertThat(d[1 * 7 + 2]).as("(-1, -2) is outside").isFalse();
        boolean[] corner = new boolean[25];
        corner[0] = true;
        int m = 0;
        for (boolean v : VideoMetrics.dilate(corner, 5, 5, 2)) {
            m += v ? 1 : 0;
        }
        assertThat(m).as("the quarter disk inside the image").isEqualTo(6);
    }

    @Test
    void emptyMaskCasesOfF() {
        Mask none = Mask.empty(8, 8);
        Mask some = pixels(8, 8, 2, 2);
        assertThat(VideoMetrics.boundaryF(none, none)).as("P = R = 1").isEqualTo(1.0);
        assertThat(VideoMetrics.boundaryF(none, some)).as("P = 1, R = 0").isZero();
        assertThat(VideoMetrics.boundaryF(some, none)).as("P = 0, R = 1").isZero();
        assertThat(VideoMetrics.boundaryF(some, some)).isEqualTo(1.0);
        Mask full = rects(8, 8, new int[] {0, 0, 8, 8});
        assertThat(VideoMetrics.boundaryF(full, full)).as("no boundary in either").isEqualTo(1.0);
    }

    @Test
    void fWithShiftedOnePixelMasks() {
        Mask gt = pixels(8, 8, 2, 2);
        // shift by 2: boundaries {1,2}x{1,2} and {3,4}x{1,2}; with r = 1 half of each is matched
        assertThat(VideoMetrics.boundaryF(pixels(8, 8, 4, 2), gt, 1)).isCloseTo(0.5, within(1e-12));
        // shift by 3: the nearest boundary pixels are 2 apart
        assertThat(VideoMetrics.boundaryF(pixels(8, 8, 5, 2), gt, 1)).isZero();
        assertThat(VideoMetrics.boundaryF(pixels(8, 8, 5, 2), gt, 2)).isCloseTo(0.5, within(1e-12));
        // diagonal shift by (2, 2): the nearest pair, (3,3) and (2,2), is sqrt 2 apart: outside the radius-1 disk,
        // inside the radius-2 one, where it is the only match on either side
        assertThat(VideoMetrics.boundaryF(pixels(8, 8, 4, 4), gt, 1)).isZero();
        assertThat(VideoMetrics.boundaryF(pixels(8, 8, 4, 4), gt, 2)).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void fOfAMaskTouchingTheBorder() {
        // ground truth: the left two columns of 4x4 (boundary: column 1); prediction: the left column (column 0)
        Mask gt = rects(4, 4, new int[] {0, 0, 2, 4});
        Mask pred = rects(4, 4, new int[] {0, 0, 1, 4});
        assertThat(VideoMetrics.boundaryF(pred, gt, 0)).isZero();
        assertThat(VideoMetrics.boundaryF(pred, gt)).as("r = ceil(0.008 * 5.66) = 1").isEqualTo(1.0);
    }

    @Test
    void sizesMustMatch() {
        assertThatThrownBy(() -> VideoMetrics.boundaryF(Mask.empty(2, 3), Mask.empty(3, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2x3").hasMessageContaining("3x2");
        assertThatThrownBy(() -> VideoMetrics.jaccard(Mask.empty(2, 3), Mask.empty(3, 2)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scoresAverageWithinThenAcrossAnnotators() {
        VideoScores s = new VideoScores();
        s.add(1, 1.0, 0.5, true);
        s.add(1, 0.0, 0.5, false);
        s.add(2, 0.4, 0.2, null);
        VideoSummary v = s.summary();
        assertThat(v.count()).isEqualTo(3);
        assertThat(v.perAnnotator().get(1).j()).isEqualTo(0.5);
        assertThat(v.perAnnotator().get(1).f()).isEqualTo(0.5);
        assertThat(v.perAnnotator().get(2).jf()).isCloseTo(0.3, within(1e-12));
        assertThat(v.j()).isCloseTo(0.45, within(1e-12));    // (0.5 + 0.4) / 2, not (1 + 0 + 0.4) / 3
        assertThat(v.f()).isCloseTo(0.35, within(1e-12));
        assertThat(v.jf()).isCloseTo(0.4, within(1e-12));
        assertThat(v.pointAccuracy()).isEqualTo(0.5);
        assertThat(new VideoScores().summary().jf()).isNaN();
        assertThatThrownBy(() -> s.add(1, 1.5, 0, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
