package org.refam.api;

/**
 * An explicitly requested execution device (for example {@code cuda:0}) could not be started; the message carries the cause and a hint.
 *
 * <p>Instances are immutable and therefore thread-safe.
 */
public class DeviceUnavailableException extends RefAmException {
    private static final long serialVersionUID = 1L;

    public DeviceUnavailableException(String message) {
        super(message);
    }

    public DeviceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
