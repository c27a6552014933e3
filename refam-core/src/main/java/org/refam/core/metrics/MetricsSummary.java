package org.refam.core.metrics;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Scores of a split of referring-segmentation samples (method.md section 6, images), as produced by
 * {@link SegmentationMetrics#summary()}. Ratios are in [0, 1] (multiply by 100 for the paper's percentages).
 *
 * @param count number of samples (one sample = one (object, expression) pair)
 * @param mIoU mean of the per-sample IoU; {@code NaN} when {@code count} is 0
 * @param oIoU overall IoU (a.k.a. cIoU): {@code intersectionSum / unionSum}; 0 when every union was empty and
 *     {@code count > 0}, {@code NaN} when {@code count} is 0
 * @param pointAccuracy share of the samples that carried a point whose point lies inside the ground-truth mask;
 *     {@code NaN} when no sample carried a point
 * @param precisionAt threshold X (0.5, 0.6, 0.7, 0.8, 0.9, ascending) to the share of samples with IoU
 *     {@code >= X}; each value {@code NaN} when {@code count} is 0
 * @param intersectionSum sum of the per-sample intersections, in pixels
 * @param unionSum sum of the per-sample unions, in pixels
 *
 * <p>Thread-safety: immutable.
 */
public record MetricsSummary(long count, double mIoU, double oIoU, double pointAccuracy,
                             Map<Double, Double> precisionAt, long intersectionSum, long unionSum) {
    public MetricsSummary {
        Objects.requireNonNull(precisionAt, "precisionAt");
        precisionAt = Collections.unmodifiableMap(new TreeMap<>(precisionAt));
    }

    /** Share of samples with IoU at least {@code threshold}, one of the keys of {@link #precisionAt()}. */
    public double precisionAt(double threshold) {
        Double v = precisionAt.get(threshold);
        if (v == null) {
            throw new IllegalArgumentException("no precision at " + threshold + "; thresholds are "
                    + precisionAt.keySet());
        }
        return v;
    }
}
