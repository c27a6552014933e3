package org.refam.eval;

import java.util.Objects;

/**
 * One referring-video-segmentation sample: an expression of one annotator for one object of a video.
 *
 * @param id unique, stable id within the data set ("cows/3")
 * @param expression the referring expression
 * @param objectId the object's id in the frame annotations (1..255)
 * @param annotator who wrote the expression, 1-based; scores are averaged per annotator, then over annotators
 * @param kind what the annotator saw when writing it ({@code "first-frame"} or {@code "full-video"} for Ref-DAVIS17)
 * @param record where the sample comes from, for messages
 *
 * <p>Thread-safety: immutable.
 */
public record VideoSampleEntry(String id, String expression, int objectId, int annotator, String kind, String record) {
    public VideoSampleEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(record, "record");
        if (objectId < 1 || objectId > 255) {
            throw new IllegalArgumentException("object id must lie in 1..255, got " + objectId + " (" + record + ")");
        }
        if (annotator < 1) {
            throw new IllegalArgumentException("annotator must be >= 1, got " + annotator + " (" + record + ")");
        }
    }
}
