package org.refam.eval;

import java.util.List;
import org.refam.api.InvalidImageException;
import org.refam.api.RgbImage;

/**
 * A referring-video-segmentation split read from disk (e.g. {@link org.refam.eval.davis.RefDavisDataset}).
 *
 * <p>Implementations must be thread-safe for reading (frames and annotations are decoded on each call).
 */
public interface VideoDataset {
    /** A stable name of the split, e.g. {@code "refdavis/val"}. */
    String name();

    /** The videos in a stable order, each with at least one sample. */
    List<VideoEntry> videos();

    /** Records dropped while reading, each naming file and record. */
    List<Skip> problems();

    /**
     * Decodes frame {@code index} of {@code video}.
     *
     * @throws InvalidImageException if the file is missing or not an image, naming the file
     */
    RgbImage frame(VideoEntry video, int index);

    /**
     * The object-id annotation of frame {@code index}, or {@code null} when the frame is not annotated (no file).
     *
     * @throws DatasetFormatException if the annotation file exists but cannot be read as one, naming the file
     */
    LabelMap annotation(VideoEntry video, int index);

    /** Number of samples over all videos. */
    default long sampleCount() {
        return videos().stream().mapToLong(v -> v.samples().size()).sum();
    }
}
