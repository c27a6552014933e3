package org.refam.api;

/**
 * A prompt whose tokens (expression plus magnets) do not fit the model's text length and whose truncation was not allowed.
 *
 * <p>Instances are immutable and therefore thread-safe.
 */
public class PromptTooLongException extends RefAmException {
    private static final long serialVersionUID = 1L;

    public PromptTooLongException(String message) {
        super(message);
    }

    public PromptTooLongException(String message, Throwable cause) {
        super(message, cause);
    }
}
