package org.refam.api;

import java.util.Map;

/**
 * Service-provider interface for {@link Redistributor}s, discovered with {@link java.util.ServiceLoader} (register the
 * implementation in {@code META-INF/services/org.refam.api.RedistributorProvider}). The constructor must do no work.
 *
 * <p>Implementations must be thread-safe.
 */
public interface RedistributorProvider {
    /** Unique, stable name the redistributor is selected by. */
    String name();

    /** One line for listings. */
    default String description() {
        return name();
    }

    /**
     * Creates a redistributor.
     *
     * @param options provider-specific settings (documented by the provider); unknown keys are an error
     * @throws IllegalArgumentException naming an unknown or malformed option
     */
    Redistributor create(Map<String, String> options);
}
