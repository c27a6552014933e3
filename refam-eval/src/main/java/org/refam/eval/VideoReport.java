package org.refam.eval;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.refam.eval.metrics.UnsupervisedSummary;
import org.refam.eval.metrics.VideoSummary;

/**
 * The outcome of a video evaluation.
 *
 * @param dataset the split's name
 * @param metrics J&F, J, F per annotator and averaged, and first-frame point accuracy (method.md section 6), each
 *     expression's mask scored on its own against its own object
 * @param protocol J&F, J, F under the protocol of the published Ref-DAVIS17 numbers: the objects of each annotation run
 *     merged into one label map per frame and scored as the DAVIS 2017 code's unsupervised task scores them
 *     (ReferFormer's {@code eval_davis.py}; docs/evaluation.md)
 * @param evaluated samples scored (resumed ones included)
 * @param resumed of those, samples taken from an earlier run's results file
 * @param skipped everything not scored, each naming file and record
 * @param skippedSamples the number of samples the skips removed
 * @param elapsed wall time of this run
 *
 * <p>Thread-safety: immutable.
 */
public record VideoReport(String dataset, VideoSummary metrics, UnsupervisedSummary protocol, long evaluated,
                          long resumed, List<Skip> skipped, long skippedSamples, Duration elapsed) {
    public VideoReport {
        skipped = List.copyOf(skipped);
        if (protocol == null) {
            protocol = new UnsupervisedSummary(0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Map.of());
        }
    }

    /** A report without protocol scores (all {@code NaN}). */
    public VideoReport(String dataset, VideoSummary metrics, long evaluated, long resumed, List<Skip> skipped,
                       long skippedSamples, Duration elapsed) {
        this(dataset, metrics, null, evaluated, resumed, skipped, skippedSamples, elapsed);
    }
}
