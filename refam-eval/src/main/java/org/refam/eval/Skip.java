package org.refam.eval;

import java.util.Objects;

/**
 * A sample, or a group of samples, that was not evaluated, and why.
 *
 * @param sampleId the sample's id, or the first of the group's ids; {@code null} for a record that yields no sample
 *     id (an annotation nobody refers to)
 * @param samples how many samples this skip removed from the evaluation, at least 0
 * @param file the file the problem is in (or that is missing), as a path string
 * @param record the offending record in that file ("annotations[6] (id 401)"), or {@code ""} when the whole file is
 *     concerned
 * @param reason what is wrong, in words
 *
 * <p>Thread-safety: immutable.
 */
public record Skip(String sampleId, int samples, String file, String record, String reason) {
    public Skip {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(reason, "reason");
        if (samples < 0) {
            throw new IllegalArgumentException("samples must be >= 0, got " + samples);
        }
    }

    /** One line for logs and summaries: "file record: reason (n samples)". */
    public String describe() {
        return file + (record.isEmpty() ? "" : " " + record) + ": " + reason
                + (samples == 1 ? "" : " (" + samples + " samples)");
    }
}
