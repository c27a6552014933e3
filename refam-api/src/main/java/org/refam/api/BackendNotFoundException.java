package org.refam.api;

/**
 * No provider with the requested name was found through {@link java.util.ServiceLoader}; the message lists the names that are available.
 *
 * <p>Instances are immutable and therefore thread-safe.
 */
public class BackendNotFoundException extends RefAmException {
    private static final long serialVersionUID = 1L;

    public BackendNotFoundException(String message) {
        super(message);
    }

    public BackendNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
