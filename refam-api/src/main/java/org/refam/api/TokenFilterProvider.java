package org.refam.api;

import java.util.Map;

/**
 * Service-provider interface for {@link TokenFilter}s, discovered with {@link java.util.ServiceLoader} (register the
 * implementation in {@code META-INF/services/org.refam.api.TokenFilterProvider}). The constructor must do no work.
 *
 * <p>Implementations must be thread-safe.
 */
public interface TokenFilterProvider {
    /** Unique, stable name the token filter is selected by. */
    String name();

    /** One line for listings. */
    default String description() {
        return name();
    }

    /**
     * Creates a token filter.
     *
     * @param options provider-specific settings (documented by the provider); unknown keys are an error
     * @throws IllegalArgumentException naming an unknown or malformed option
     */
    TokenFilter create(Map<String, String> options);
}
