package org.refam.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An image of a data set with the samples that refer to objects in it; the evaluation grounds all of them with one
 * call ({@link org.refam.core.RefAM#groundAll}).
 *
 * @param key unique, stable key of the image within the data set ("coco:581857")
 * @param file the image file
 * @param width the width the data set declares, in pixels (the decoded image must match)
 * @param height the declared height in pixels
 * @param record where the image is declared, for messages ("instances.json images[3] (id 581857)")
 * @param samples the image's samples, in data-set order, at least one
 *
 * <p>Thread-safety: immutable.
 */
public record ImageEntry(String key, Path file, int width, int height, String record, List<SampleEntry> samples) {
    public ImageEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(record, "record");
        samples = List.copyOf(samples);
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image " + key + " has size " + width + "x" + height);
        }
    }
}
