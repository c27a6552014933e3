package org.refam.eval;

import java.util.List;
import org.refam.api.InvalidImageException;
import org.refam.api.Mask;
import org.refam.api.RgbImage;

/**
 * A referring-image-segmentation split read from disk: images, each with its samples, and the records that had to be
 * dropped while reading. Implementations: {@link org.refam.eval.coco.RefCocoDataset} (RefCOCO, RefCOCO+, RefCOCOg);
 * the command-line tool adapts its RefShapes reader to this interface.
 *
 * <p>Implementations must be thread-safe for reading (images and masks are decoded on each call).
 */
public interface ImageDataset {
    /** A stable name of the split, e.g. {@code "refcoco/unc/val"}; results files record it. */
    String name();

    /** The images of the split in a stable order, each with at least one sample. */
    List<ImageEntry> images();

    /** Records dropped while reading (an annotation that references an unknown image, ...), each naming file and record. */
    List<Skip> problems();

    /**
     * Decodes the image of {@code entry}.
     *
     * @throws InvalidImageException if the file is missing, not an image or not of the declared size; the message
     *     names the file
     */
    RgbImage image(ImageEntry entry);

    /**
     * The ground-truth mask of {@code sample} at the image's size.
     *
     * @throws DatasetFormatException if the annotation cannot be turned into a mask of that size, naming the file and
     *     the record
     */
    Mask groundTruth(ImageEntry entry, SampleEntry sample);

    /**
     * Every object of the image with its centre and mask, for the trivial baselines of the ablation; empty when the
     * data set does not provide them (then the baselines cannot run).
     */
    default List<SceneObject> objects(ImageEntry entry) {
        return List.of();
    }

    /** Number of samples over all images. */
    default long sampleCount() {
        return images().stream().mapToLong(e -> e.samples().size()).sum();
    }
}
