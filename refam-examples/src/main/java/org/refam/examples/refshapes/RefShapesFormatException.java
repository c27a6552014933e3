package org.refam.examples.refshapes;

import org.refam.api.RefAmException;

/**
 * A RefShapes folder that cannot be read: no index.json, an index that is not valid JSON or misses a field, or an
 * index that names an image or mask file that is missing, undecodable or of the wrong size. The message names the
 * file and the record ("index.json images[3] (id train-00000003): ...").
 *
 * <p>Instances are immutable and therefore thread-safe.
 */
public class RefShapesFormatException extends RefAmException {
    private static final long serialVersionUID = 1L;

    public RefShapesFormatException(String message) {
        super(message);
    }

    public RefShapesFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
