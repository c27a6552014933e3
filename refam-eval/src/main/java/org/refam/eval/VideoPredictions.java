package org.refam.eval;

import java.util.List;
import org.refam.api.Mask;

/**
 * Receives the masks of every video sample the evaluator grounds, for example to write them in the layout the
 * official DAVIS 2017 evaluation reads ({@link org.refam.eval.davis.DavisResults}).
 *
 * <p>The evaluator calls it from one thread, in data-set order; implementations state their thread-safety.
 */
@FunctionalInterface
public interface VideoPredictions {
    /**
     * @param video the sample's video
     * @param sample the sample
     * @param masks one mask per frame of {@code video}, each {@code height x width}; empty when the expression could
     *     not be grounded (the sample is skipped)
     * @param height the frames' height in pixels
     * @param width the frames' width in pixels
     */
    void accept(VideoEntry video, VideoSampleEntry sample, List<Mask> masks, int height, int width);
}
