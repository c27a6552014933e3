package org.refam.eval.metrics;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores of a referring-video split under the protocol of the published Ref-DAVIS17 numbers: the objects of each
 * annotation run merged into one label map per frame and scored by the DAVIS 2017 evaluation in its unsupervised mode
 * ({@link UnsupervisedScores}, docs/evaluation.md). Ratios are in [0, 1].
 *
 * @param sequences (sequence, run) pairs scored
 * @param objects ground-truth objects scored, summed over runs
 * @param leftOut (sequence, run) pairs that could not be scored (each reason is logged)
 * @param jf J&F, the mean over runs; {@code NaN} when no object was scored
 * @param j J, the mean over runs of each run's mean over objects
 * @param f F, likewise
 * @param perRun annotation run (0-based) to that run's scores, ascending
 *
 * <p>Thread-safety: immutable.
 */
public record UnsupervisedSummary(long sequences, long objects, long leftOut, double jf, double j, double f,
                                  Map<Integer, RunScores> perRun) {
    public UnsupervisedSummary {
        perRun = Collections.unmodifiableMap(new TreeMap<>(perRun));
    }
}
