package org.refam.eval.metrics;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores of a referring-video split (method.md section 6): J, F and J&F per annotator and averaged over annotators,
 * and the point accuracy of the first-frame peak. Ratios are in [0, 1].
 *
 * @param count number of samples
 * @param jf J&F averaged over annotators; {@code NaN} when {@code count} is 0
 * @param j J averaged over annotators
 * @param f F averaged over annotators
 * @param pointAccuracy share of samples whose first-frame point lies inside the first frame's ground truth, over the
 *     samples whose first frame is annotated; {@code NaN} when there are none
 * @param perAnnotator annotator (1-based) to that annotator's scores, ascending
 *
 * <p>Thread-safety: immutable.
 */
public record VideoSummary(long count, double jf, double j, double f, double pointAccuracy,
                           Map<Integer, AnnotatorScores> perAnnotator) {
    public VideoSummary {
        perAnnotator = Collections.unmodifiableMap(new TreeMap<>(perAnnotator));
    }
}
