package org.refam.api;

import java.util.Map;

/**
 * Service-provider interface for {@link SinkHandler}s, discovered with {@link java.util.ServiceLoader} (register the
 * implementation in {@code META-INF/services/org.refam.api.SinkHandlerProvider}). The constructor must do no work.
 *
 * <p>Implementations must be thread-safe.
 */
public interface SinkHandlerProvider {
    /** Unique, stable name the sink handler is selected by. */
    String name();

    /** One line for listings. */
    default String description() {
        return name();
    }

    /**
     * Creates a sink handler.
     *
     * @param options provider-specific settings (documented by the provider); unknown keys are an error
     * @throws IllegalArgumentException naming an unknown or malformed option
     */
    SinkHandler create(Map<String, String> options);
}
