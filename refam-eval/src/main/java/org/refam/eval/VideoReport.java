package org.refam.eval;

import java.time.Duration;
import java.util.List;
import org.refam.eval.metrics.VideoSummary;

/**
 * The outcome of a video evaluation.
 *
 * @param dataset the split's name
 * @param metrics J&F, J, F per annotator and averaged, and first-frame point accuracy (method.md section 6)
 * @param evaluated samples scored (resumed ones included)
 * @param resumed of those, samples taken from an earlier run's results file
 * @param skipped everything not scored, each naming file and record
 * @param skippedSamples the number of samples the skips removed
 * @param elapsed wall time of this run
 *
 * <p>Thread-safety: immutable.
 */
public record VideoReport(String dataset, VideoSummary metrics, long evaluated, long resumed, List<Skip> skipped,
                          long skippedSamples, Duration elapsed) {
    public VideoReport {
        skipped = List.copyOf(skipped);
    }
}
