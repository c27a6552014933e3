package org.refam.core.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.refam.api.Mask;
import org.refam.api.PixelPoint;

/**
 * Accumulates the image metrics of referring segmentation over a split, exactly as method.md section 6 defines
 * them: per sample {@code I = |P and G|}, {@code U = |P or G|}, IoU = I/U (0 when U = 0); over the split mIoU (mean
 * IoU), oIoU = sum I / sum U (cIoU), Prec@X = share of samples with IoU {@code >= X} for X in 0.5..0.9, and point
 * accuracy (PA, section 3) = share of samples whose predicted point lies inside the ground-truth mask.
 *
 * <p>Prec@X is decided in exact integer arithmetic ({@code 10 I >= 10X U}), so an IoU of exactly 0.5 counts for
 * Prec@0.5 without floating-point doubt. Sums are kept in {@code long}, so results do not depend on the order
 * samples are added or accumulators are {@link #merge merged} (up to rounding of the IoU sum).
 *
 * <p>Thread-safety: not thread-safe; use one accumulator per thread and {@link #merge} them.
 */
public final class SegmentationMetrics {
    /** The Prec@X thresholds in tenths: 0.5, 0.6, 0.7, 0.8, 0.9 (method.md section 6). */
    private static final int[] THRESHOLD_TENTHS = {5, 6, 7, 8, 9};
    /** The same thresholds as the exact decimal literals used as map keys. */
    private static final double[] THRESHOLDS = {0.5, 0.6, 0.7, 0.8, 0.9};

    private long count;
    private double iouSum;
    private long intersectionSum;
    private long unionSum;
    private long pointSamples;
    private long pointHits;
    private final long[] aboveThreshold = new long[THRESHOLD_TENTHS.length];

    /** An empty accumulator. */
    public SegmentationMetrics() {
    }

    /**
     * Adds one sample.
     *
     * @param pred predicted mask
     * @param gt ground-truth mask, the same size as {@code pred}
     * @param point the predicted point (heat-map argmax) in pixels of the same image, or {@code null} when the
     *     sample has none: such a sample counts for every metric except point accuracy, whose denominator is the
     *     number of samples that carried a point
     * @return this sample's IoU, in [0, 1]
     * @throws IllegalArgumentException if the masks differ in size (naming both) or the point lies outside them
     */
    public double add(Mask pred, Mask gt, PixelPoint point) {
        Objects.requireNonNull(pred, "pred");
        Objects.requireNonNull(gt, "gt");
        long[] iu = intersectionAndUnion(pred, gt);
        boolean hit = false;
        if (point != null) {
            if (point.x() < 0 || point.y() < 0 || point.x() >= gt.width() || point.y() >= gt.height()) {
                throw new IllegalArgumentException("point (x=" + point.x() + ", y=" + point.y()
                        + ") lies outside the " + gt.height() + "x" + gt.width() + " (HxW) mask");
            }
            hit = gt.get(point.x(), point.y());
        }
        return accumulate(iu[0], iu[1], point != null, hit);
    }

    /**
     * Adds one sample given by its pixel counts instead of its masks, e.g. when replaying per-sample results that
     * were stored earlier (an interrupted evaluation that resumes). Equivalent to {@link #add(Mask, Mask, PixelPoint)}
     * on masks with these counts.
     *
     * @param intersection {@code |P and G|} in pixels, {@code 0 <= intersection <= union}
     * @param union {@code |P or G|} in pixels
     * @param pointHit whether the predicted point lies inside the ground-truth mask; {@code null} when the sample
     *     has no point (it then does not count for point accuracy)
     * @return this sample's IoU, in [0, 1]
     * @throws IllegalArgumentException if the counts are negative or the intersection exceeds the union
     */
    public double add(long intersection, long union, Boolean pointHit) {
        if (intersection < 0 || union < intersection) {
            throw new IllegalArgumentException("expected 0 <= intersection <= union, got intersection "
                    + intersection + " and union " + union);
        }
        return accumulate(intersection, union, pointHit != null, pointHit != null && pointHit);
    }

    private double accumulate(long i, long u, boolean hasPoint, boolean hit) {
        double iou = u == 0 ? 0.0 : (double) i / u;
        count++;
        iouSum += iou;
        intersectionSum += i;
        unionSum += u;
        for (int k = 0; k < THRESHOLD_TENTHS.length; k++) {
            if (u > 0 && 10 * i >= THRESHOLD_TENTHS[k] * u) {
                aboveThreshold[k]++;
            }
        }
        if (hasPoint) {
            pointSamples++;
            if (hit) {
                pointHits++;
            }
        }
        return iou;
    }

    /**
     * Adds the samples of {@code other} to this accumulator; {@code other} is not changed.
     *
     * @return this accumulator
     */
    public SegmentationMetrics merge(SegmentationMetrics other) {
        Objects.requireNonNull(other, "other");
        count += other.count;
        iouSum += other.iouSum;
        intersectionSum += other.intersectionSum;
        unionSum += other.unionSum;
        pointSamples += other.pointSamples;
        pointHits += other.pointHits;
        for (int k = 0; k < aboveThreshold.length; k++) {
            aboveThreshold[k] += other.aboveThreshold[k];
        }
        return this;
    }

    /** Number of samples added so far. */
    public long count() {
        return count;
    }

    /** The scores of the samples added so far; see {@link MetricsSummary} for the empty cases. */
    public MetricsSummary summary() {
        Map<Double, Double> prec = new LinkedHashMap<>();
        for (int k = 0; k < THRESHOLDS.length; k++) {
            prec.put(THRESHOLDS[k], count == 0 ? Double.NaN : (double) aboveThreshold[k] / count);
        }
        double mIoU = count == 0 ? Double.NaN : iouSum / count;
        double oIoU = count == 0 ? Double.NaN : unionSum == 0 ? 0.0 : (double) intersectionSum / unionSum;
        double pa = pointSamples == 0 ? Double.NaN : (double) pointHits / pointSamples;
        return new MetricsSummary(count, mIoU, oIoU, pa, prec, intersectionSum, unionSum);
    }

    /**
     * IoU of two masks: {@code |a and b| / |a or b|}, 0 when the union is empty (method.md section 6).
     *
     * @throws IllegalArgumentException if the masks differ in size, naming both sizes
     */
    public static double iou(Mask a, Mask b) {
        long[] iu = intersectionAndUnion(a, b);
        return iu[1] == 0 ? 0.0 : (double) iu[0] / iu[1];
    }

    /** {I, U} of two same-sized masks, in pixels. */
    static long[] intersectionAndUnion(Mask pred, Mask gt) {
        if (pred.height() != gt.height() || pred.width() != gt.width()) {
            throw new IllegalArgumentException("mask sizes differ: prediction " + pred.height() + "x" + pred.width()
                    + " vs ground truth " + gt.height() + "x" + gt.width() + " (HxW)");
        }
        boolean[] p = pred.data();
        boolean[] g = gt.data();
        long inter = 0;
        long union = 0;
        for (int k = 0; k < p.length; k++) {
            boolean pk = p[k];
            boolean gk = g[k];
            if (pk & gk) {
                inter++;
            }
            if (pk | gk) {
                union++;
            }
        }
        return new long[] {inter, union};
    }

    @Override
    public String toString() {
        return "SegmentationMetrics" + summary();
    }
}
