package org.refam.api;

/**
 * A referring expression that cannot be grounded: empty or blank, or one in which every token is filtered out (all stop words, punctuation or special tokens).
 *
 * <p>Instances are immutable and therefore thread-safe.
 */
public class InvalidExpressionException extends RefAmException {
    private static final long serialVersionUID = 1L;

    public InvalidExpressionException(String message) {
        super(message);
    }

    public InvalidExpressionException(String message, Throwable cause) {
        super(message, cause);
    }
}
