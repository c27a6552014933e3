package org.refam.eval;

import java.util.Objects;

/**
 * One referring-segmentation sample of an image: an (object, expression) pair (method.md section 6).
 *
 * @param id unique, stable id within the data set ("ref12-sent34"); the key of the per-sample results file
 * @param expression the referring expression as given to the model
 * @param object data-set specific reference to the ground-truth object (annotation id, object index)
 * @param record where the sample comes from, for messages ("refs(unc).p record 12 (ref_id 12), sentence 34")
 *
 * <p>Thread-safety: immutable.
 */
public record SampleEntry(String id, String expression, String object, String record) {
    public SampleEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(record, "record");
    }
}
