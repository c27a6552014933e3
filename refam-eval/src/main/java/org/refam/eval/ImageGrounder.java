package org.refam.eval;

import java.util.List;
import org.refam.api.RgbImage;

/**
 * Predicts a point and a mask for every sample of one image; {@link Grounders} has the RefAM pipeline and the trivial
 * baselines.
 *
 * <p>Implementations state their thread-safety; the evaluator calls them from one thread.
 */
@FunctionalInterface
public interface ImageGrounder {
    /**
     * @param dataset the data set the image belongs to (baselines ask it for the image's objects)
     * @param entry the image
     * @param image the decoded image
     * @param samples the samples to ground, a non-empty subset of {@code entry.samples()} in its order
     * @return one prediction per sample, in the same order; a sample that cannot be grounded gets
     *     {@link Prediction#failed}
     */
    List<Prediction> ground(ImageDataset dataset, ImageEntry entry, RgbImage image, List<SampleEntry> samples);
}
