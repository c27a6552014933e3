package org.refam.api;

/**
 * A model that cannot be loaded or does not match what it declares: a corrupt or truncated file, a checksum mismatch, missing or misnamed outputs, output shapes that disagree with the manifest.
 *
 * <p>Instances are immutable and therefore thread-safe.
 */
public class ModelException extends RefAmException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
