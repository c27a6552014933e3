package org.refam.eval;

import java.time.Duration;
import java.util.List;
import org.refam.core.metrics.MetricsSummary;

/**
 * The outcome of an image evaluation.
 *
 * @param dataset the split's name
 * @param metrics oIoU, mIoU, point accuracy, Prec@X over the evaluated samples (method.md section 6)
 * @param evaluated samples scored (resumed ones included)
 * @param resumed of those, samples taken from an earlier run's results file
 * @param skipped everything not scored: records dropped while reading and samples that failed during evaluation,
 *     each naming file and record
 * @param skippedSamples the number of samples the skips removed (within the limit for evaluation-time skips; all of
 *     them for records dropped while reading)
 * @param elapsed wall time of this run (not of resumed work)
 *
 * <p>Thread-safety: immutable.
 */
public record ImageReport(String dataset, MetricsSummary metrics, long evaluated, long resumed, List<Skip> skipped,
                          long skippedSamples, Duration elapsed) {
    public ImageReport {
        skipped = List.copyOf(skipped);
    }
}
