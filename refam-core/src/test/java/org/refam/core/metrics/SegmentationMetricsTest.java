package org.refam.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.refam.api.Mask;
import org.refam.api.PixelPoint;

/** The image metrics of method.md section 6 on hand-computed cases. */
class SegmentationMetricsTest {

    /** A mask of {@code height x width} with the listed pixels (x, y pairs) set. */
    private static Mask mask(int height, int width, int... xy) {
        boolean[] d = new boolean[height * width];
        for (int k = 0; k < xy.length; k += 2) {
            d[xy[k + 1] * width + xy[k]] = true;
        }
        return new Mask(height, width, d);
    }

    /** A 1 x n row mask with pixels [from, to) set. */
    private static Mask row(int n, int from, int to) {
        boolean[] d = new boolean[n];
        for (int k = from; k < to; k++) {
            d[k] = true;
        }
        return new Mask(1, n, d);
    }

    /** A prediction/ground-truth pair on a 1 x u row with intersection {@code i} and union {@code u}. */
    private static void addPair(SegmentationMetrics m, int i, int u) {
        m.add(row(u, 0, u), row(u, 0, i), null);
    }

    @Test
    void iouOfOverlappingMasks() {
        Mask a = mask(2, 2, 0, 0, 1, 0);      // top row
        Mask b = mask(2, 2, 1, 0, 1, 1);      // right column
        assertThat(SegmentationMetrics.iou(a, b)).isEqualTo(1.0 / 3.0);
        assertThat(SegmentationMetrics.iou(a, a)).isEqualTo(1.0);
    }

    @Test
    void iouIsZeroWhenTheUnionIsEmptyOrOneSideIsEmpty() {
        assertThat(SegmentationMetrics.iou(Mask.empty(3, 4), Mask.empty(3, 4))).isZero();
        assertThat(SegmentationMetrics.iou(Mask.empty(3, 4), mask(3, 4, 2, 1))).isZero();
        assertThat(SegmentationMetrics.iou(Mask.empty(0, 0), Mask.empty(0, 0))).isZero();
    }

    @Test
    void mismatchedSizesNameBothSizes() {
        assertThatThrownBy(() -> SegmentationMetrics.iou(Mask.empty(2, 3), Mask.empty(3, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2x3").hasMessageContaining("3x2");
        SegmentationMetrics m = new SegmentationMetrics();
        assertThatThrownBy(() -> m.add(Mask.empty(4, 5), Mask.empty(4, 6), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4x5").hasMessageContaining("4x6");
        assertThat(m.count()).as("a rejected sample is not counted").isZero();
    }

    @Test
    void overallIouDiffersFromMeanIouWhenObjectSizesDiffer() {
        SegmentationMetrics m = new SegmentationMetrics();
        // small object found exactly: I = 1, U = 1, IoU = 1
        assertThat(m.add(mask(10, 10, 3, 3), mask(10, 10, 3, 3), null)).isEqualTo(1.0);
        // large object half found: I = 50, U = 100, IoU = 0.5
        assertThat(m.add(row(100, 0, 50), row(100, 0, 100), null)).isEqualTo(0.5);

        MetricsSummary s = m.summary();
        assertThat(s.count()).isEqualTo(2);
        assertThat(s.mIoU()).isEqualTo(0.75);
        assertThat(s.intersectionSum()).isEqualTo(51);
        assertThat(s.unionSum()).isEqualTo(101);
        assertThat(s.oIoU()).isEqualTo(51.0 / 101.0);
        assertThat(s.precisionAt(0.5)).isEqualTo(1.0);
        assertThat(s.precisionAt(0.6)).isEqualTo(0.5);
    }

    @Test
    void precisionThresholdsIncludeIouExactlyAtTheBoundary() {
        SegmentationMetrics m = new SegmentationMetrics();
        addPair(m, 1, 2);    // 0.5
        addPair(m, 3, 5);    // 0.6
        addPair(m, 7, 10);   // 0.7 (0.5 + 2 * 0.1 would be 0.7000000000000001 in floating point)
        addPair(m, 4, 5);    // 0.8
        addPair(m, 9, 10);   // 0.9
        addPair(m, 49, 100); // 0.49, below every threshold

        MetricsSummary s = m.summary();
        assertThat(s.precisionAt()).containsOnlyKeys(0.5, 0.6, 0.7, 0.8, 0.9);
        assertThat(s.precisionAt().keySet()).containsExactly(0.5, 0.6, 0.7, 0.8, 0.9);
        assertThat(s.precisionAt(0.5)).isEqualTo(5.0 / 6);
        assertThat(s.precisionAt(0.6)).isEqualTo(4.0 / 6);
        assertThat(s.precisionAt(0.7)).isEqualTo(3.0 / 6);
        assertThat(s.precisionAt(0.8)).isEqualTo(2.0 / 6);
        assertThat(s.precisionAt(0.9)).isEqualTo(1.0 / 6);
        assertThatThrownBy(() -> s.precisionAt(0.55)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.55");
    }

    @Test
    void allMissesScoreZero() {
        SegmentationMetrics m = new SegmentationMetrics();
        m.add(mask(3, 3, 0, 0), mask(3, 3, 2, 2), new PixelPoint(0, 0));
        m.add(mask(3, 3, 1, 1, 1, 2), mask(3, 3, 0, 1), new PixelPoint(2, 1));

        MetricsSummary s = m.summary();
        assertThat(s.mIoU()).isZero();
        assertThat(s.oIoU()).isZero();
        assertThat(s.intersectionSum()).isZero();
        assertThat(s.unionSum()).isEqualTo(5);
        assertThat(s.pointAccuracy()).isZero();
        assertThat(s.precisionAt().values()).containsOnly(0.0);
    }

    @Test
    void emptyMasksCountAsSamplesWithIouZero() {
        SegmentationMetrics m = new SegmentationMetrics();
        assertThat(m.add(Mask.empty(2, 2), Mask.empty(2, 2), null)).isZero();

        MetricsSummary s = m.summary();
        assertThat(s.count()).isEqualTo(1);
        assertThat(s.mIoU()).isZero();
        assertThat(s.oIoU()).as("every union empty: 0, not NaN").isZero();
        assertThat(s.precisionAt(0.5)).isZero();
        assertThat(s.pointAccuracy()).as("no sample carried a point").isNaN();

        m.add(mask(2, 2, 0, 0), mask(2, 2, 0, 0), null);
        assertThat(m.summary().mIoU()).isEqualTo(0.5);
        assertThat(m.summary().oIoU()).isEqualTo(1.0);
    }

    @Test
    void anEmptyAccumulatorReportsNaN() {
        MetricsSummary s = new SegmentationMetrics().summary();
        assertThat(s.count()).isZero();
        assertThat(s.mIoU()).isNaN();
        assertThat(s.oIoU()).isNaN();
        assertThat(s.pointAccuracy()).isNaN();
        assertThat(s.precisionAt().values()).allMatch(v -> v.isNaN());
    }

    @Test
    void pointAccuracyCountsOnlySamplesWithAPoint() {
        SegmentationMetrics m = new SegmentationMetrics();
        Mask gt = mask(4, 5, 3, 1, 4, 1);
        m.add(gt, gt, new PixelPoint(3, 1));   // inside
        m.add(gt, gt, new PixelPoint(1, 3));   // outside
        m.add(gt, gt, null);                   // not counted for PA

        assertThat(m.summary().pointAccuracy()).isEqualTo(0.5);
        assertThat(m.summary().count()).isEqualTo(3);
    }

    @Test
    void pointAccuracyReadsXAsColumnAndYAsRow() {
        SegmentationMetrics m = new SegmentationMetrics();
        Mask gt = mask(2, 3, 2, 0);               // only column 2 of row 0
        m.add(gt, gt, new PixelPoint(2, 0));
        assertThat(m.summary().pointAccuracy()).isEqualTo(1.0);
    }

    @Test
    void pointOutsideTheImageIsRejected() {
        SegmentationMetrics m = new SegmentationMetrics();
        assertThatThrownBy(() -> m.add(Mask.empty(2, 3), Mask.empty(2, 3), new PixelPoint(3, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x=3").hasMessageContaining("2x3");
        assertThatThrownBy(() -> m.add(Mask.empty(2, 3), Mask.empty(2, 3), new PixelPoint(0, -1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(m.count()).isZero();
    }

    @Test
    void mergingGivesTheSameScoresAsOneAccumulator() {
        Random rnd = new Random(42);
        SegmentationMetrics all = new SegmentationMetrics();
        SegmentationMetrics left = new SegmentationMetrics();
        SegmentationMetrics right = new SegmentationMetrics();
        for (int n = 0; n < 40; n++) {
            int h = 1 + rnd.nextInt(7);
            int w = 1 + rnd.nextInt(7);
            boolean[] p = new boolean[h * w];
            boolean[] g = new boolean[h * w];
            for (int k = 0; k < p.length; k++) {
                p[k] = rnd.nextInt(3) == 0;
                g[k] = rnd.nextInt(2) == 0;
            }
            PixelPoint pt = rnd.nextBoolean() ? new PixelPoint(rnd.nextInt(w), rnd.nextInt(h)) : null;
            Mask pm = new Mask(h, w, p);
            Mask gm = new Mask(h, w, g);
            all.add(pm, gm, pt);
            (n % 3 == 0 ? left : right).add(pm, gm, pt);
        }
        MetricsSummary rightBefore = right.summary();

        assertThat(left.merge(right)).isSameAs(left);

        MetricsSummary a = all.summary();
        MetricsSummary m = left.summary();
        assertThat(m.count()).isEqualTo(a.count()).isEqualTo(40);
        assertThat(m.intersectionSum()).isEqualTo(a.intersectionSum());
        assertThat(m.unionSum()).isEqualTo(a.unionSum());
        assertThat(m.oIoU()).isEqualTo(a.oIoU());
        assertThat(m.mIoU()).isCloseTo(a.mIoU(), within(1e-12));
        assertThat(m.pointAccuracy()).isEqualTo(a.pointAccuracy());
        assertThat(m.precisionAt()).isEqualTo(a.precisionAt());
        assertThat(right.summary()).as("the merged-in accumulator is unchanged").isEqualTo(rightBefore);
    }

    @Test
    void summaryMapIsUnmodifiable() {
        SegmentationMetrics m = new SegmentationMetrics();
        addPair(m, 1, 1);
        assertThatThrownBy(() -> m.summary().precisionAt().put(0.3, 1.0))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void addingCountsEqualsAddingTheMasksTheyCameFrom() {
        Random rnd = new Random(11);
        SegmentationMetrics byMasks = new SegmentationMetrics();
        SegmentationMetrics byCounts = new SegmentationMetrics();
        for (int n = 0; n < 30; n++) {
            int h = 1 + rnd.nextInt(5);
            int w = 1 + rnd.nextInt(5);
            boolean[] p = new boolean[h * w];
            boolean[] g = new boolean[h * w];
            long i = 0;
            long u = 0;
            for (int k = 0; k < p.length; k++) {
                p[k] = rnd.nextBoolean();
                g[k] = rnd.nextBoolean();
                i += p[k] && g[k] ? 1 : 0;
                u += p[k] || g[k] ? 1 : 0;
            }
            PixelPoint pt = rnd.nextBoolean() ? new PixelPoint(rnd.nextInt(w), rnd.nextInt(h)) : null;
            byMasks.add(new Mask(h, w, p), new Mask(h, w, g), pt);
            Boolean hit = pt == null ? null : g[pt.y() * w + pt.x()];
            byCounts.add(i, u, hit);
        }
        assertThat(byCounts.summary()).isEqualTo(byMasks.summary());
    }

    @Test
    void countsMustBeConsistent() {
        SegmentationMetrics m = new SegmentationMetrics();
        assertThatThrownBy(() -> m.add(5, 4, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("intersection 5").hasMessageContaining("union 4");
        assertThatThrownBy(() -> m.add(-1, 4, true)).isInstanceOf(IllegalArgumentException.class);
        assertThat(m.count()).isZero();
        assertThat(m.add(0, 0, false)).isZero();
        assertThat(m.summary().pointAccuracy()).isZero();
    }
}
