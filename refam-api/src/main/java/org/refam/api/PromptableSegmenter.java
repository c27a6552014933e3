package org.refam.api;

import java.util.List;

/**
 * Turns point prompts into a mask (method.md section 2, step 8): SAM for images, SAM2 for video. When none is
 * configured the pipeline thresholds its own heat map.
 *
 * <p>Implementations state their thread-safety; they hold native memory and must be closed.
 */
public interface PromptableSegmenter extends AutoCloseable {
    /**
     * Segments the object at the given points.
     *
     * @return a mask of the image's size
     */
    Mask segment(RgbImage image, List<PointPrompt> points);

    /** Releases native resources; idempotent. */
    @Override
    void close();
}
