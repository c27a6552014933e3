package org.refam.eval.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Accumulates per-sample video scores into a {@link VideoSummary}: per annotator, J and F are the means over that
 * annotator's samples of the per-sample means over frames (the DAVIS code's per-object "M" statistic, then the mean
 * over objects); J&F = (J + F) / 2; the reported J, F and J&F are the means over annotators (Ref-DAVIS17 is scored per
 * annotator and averaged, method.md section 6).
 *
 * <p>Thread-safety: not thread-safe.
 */
public final class VideoScores {
    private final Map<Integer, double[]> sums = new TreeMap<>();
    private long count;
    private long pointSamples;
    private long pointHits;

    /**
     * Adds one sample.
     *
     * @param annotator the sample's annotator, >= 1
     * @param j the sample's mean J over its annotated frames, in [0, 1]
     * @param f the sample's mean F, in [0, 1]
     * @param pointHit whether the first-frame point lies inside the first frame's ground truth; {@code null} when
     *     the first frame is not annotated
     * @throws IllegalArgumentException if a score is outside [0, 1] or NaN, or the annotator is below 1
     */
    public void add(int annotator, double j, double f, Boolean pointHit) {
        if (annotator < 1) {
            throw new IllegalArgumentException("annotator must be >= 1, got " + annotator);
        }
        if (!(j >= 0 && j <= 1) || !(f >= 0 && f <= 1)) {
            throw new IllegalArgumentException("J and F must lie in [0, 1], got J=" + j + " F=" + f);
        }
        double[] s = sums.computeIfAbsent(annotator, a -> new double[3]);
        s[0]++;
        s[1] += j;
        s[2] += f;
        count++;
        if (pointHit != null) {
            pointSamples++;
            if (pointHit) {
                pointHits++;
            }
        }
    }

    /** Number of samples added. */
    public long count() {
        return count;
    }

    /** The scores so far. */
    public VideoSummary summary() {
        Map<Integer, AnnotatorScores> per = new LinkedHashMap<>();
        double jSum = 0;
        double fSum = 0;
        for (Map.Entry<Integer, double[]> e : sums.entrySet()) {
            double[] s = e.getValue();
            double j = s[1] / s[0];
            double f = s[2] / s[0];
            per.put(e.getKey(), new AnnotatorScores((long) s[0], (j + f) / 2, j, f));
            jSum += j;
            fSum += f;
        }
        int n = sums.size();
        double j = n == 0 ? Double.NaN : jSum / n;
        double f = n == 0 ? Double.NaN : fSum / n;
        double pa = pointSamples == 0 ? Double.NaN : (double) pointHits / pointSamples;
        return new VideoSummary(count, (j + f) / 2, j, f, pa, per);
    }
}
