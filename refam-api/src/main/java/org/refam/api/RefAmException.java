package org.refam.api;

/**
 * Base type of every exception the library throws on purpose. Messages name the problem and the offending
 * value ("expected 4096 image tokens for a 64x64 grid, got 4095").
 *
 * <p>Instances are immutable and therefore thread-safe.
 */
public class RefAmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RefAmException(String message) {
        super(message);
    }

    public RefAmException(String message, Throwable cause) {
        super(message, cause);
    }
}
