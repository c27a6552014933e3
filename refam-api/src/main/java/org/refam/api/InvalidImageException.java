package org.refam.api;

/**
 * An image that cannot be used: not decodable, zero-sized, larger than the configured pixel budget, or with pixel data that disagrees with its declared size.
 *
 * <p>Instances are immutable and therefore thread-safe.
 */
public class InvalidImageException extends RefAmException {
    private static final long serialVersionUID = 1L;

    public InvalidImageException(String message) {
        super(message);
    }

    public InvalidImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
