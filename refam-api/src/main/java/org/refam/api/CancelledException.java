package org.refam.api;

/**
 * Thrown when a {@link ProgressListener} asked a long operation to stop.
 *
 * <p>Instances are immutable and therefore thread-safe.
 */
public class CancelledException extends RefAmException {
    private static final long serialVersionUID = 1L;

    public CancelledException(String message) {
        super(message);
    }

    public CancelledException(String message, Throwable cause) {
        super(message, cause);
    }
}
