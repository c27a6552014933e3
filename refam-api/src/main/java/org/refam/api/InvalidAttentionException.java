package org.refam.api;

/**
 * Attention tensors that cannot be used: a shape or stride that disagrees with the prompt or the grid, an index out of the storage, NaN or infinite values, or a row with no mass where a renormalisation needs one.
 *
 * <p>Instances are immutable and therefore thread-safe.
 */
public class InvalidAttentionException extends RefAmException {
    private static final long serialVersionUID = 1L;

    public InvalidAttentionException(String message) {
        super(message);
    }

    public InvalidAttentionException(String message, Throwable cause) {
        super(message, cause);
    }
}
