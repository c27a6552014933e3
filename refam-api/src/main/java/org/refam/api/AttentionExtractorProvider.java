package org.refam.api;

/**
 * Service-provider interface for {@link AttentionExtractor}s, discovered with {@link java.util.ServiceLoader}
 * (register the implementation in {@code META-INF/services/org.refam.api.AttentionExtractorProvider}).
 *
 * <p>The constructor must do no work; sessions and tokenizers are created in {@link #open}. Implementations
 * must be thread-safe.
 */
public interface AttentionExtractorProvider {
    /** Unique, stable name users select the backend by ("onnx", "fixture"). */
    String name();

    /** One line for listings: what the backend runs and which jar brings it. */
    default String description() {
        return name();
    }

    /** Higher wins when the user does not name a backend. */
    default int priority() {
        return 0;
    }

    /**
     * Opens an extractor.
     *
     * @throws ModelException if the model cannot be loaded
     * @throws DeviceUnavailableException if an explicitly requested device cannot be used
     */
    AttentionExtractor open(ExtractorOptions options);
}
