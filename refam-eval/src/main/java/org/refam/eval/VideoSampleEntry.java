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

    /**
     * The annotation run of the sample, 0-based: {@code 2 (annotator - 1)}, plus 1 for a {@code "full-video"}
     * expression (Ref-DAVIS17: 0 = annotator 1 first-frame, 1 = annotator 1 full-video, 2 = annotator 2 first-frame,
     * 3 = annotator 2 full-video, the runs ReferFormer writes as {@code anno_0..3} and scores one by one).
     */
    public int run() {
        return 2 * (annotator - 1) + ("full-video".equals(kind) ? 1 : 0);
    }
}
