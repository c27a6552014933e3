package org.refam.eval;

import org.refam.api.RefAmException;

/**
 * A data-set file that cannot be read as its format prescribes: missing, truncated, malformed, or with records that
 * break the format's rules. The message names the file and, where there is one, the record ("refs(unc).p: record
 * 17 (ref_id 4012): 'sentences' is missing").
 *
 * <p>Instances are immutable and therefore thread-safe.
 */
public class DatasetFormatException extends RefAmException {
    private static final long serialVersionUID = 1L;

    public DatasetFormatException(String message) {
        super(message);
    }

    public DatasetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
