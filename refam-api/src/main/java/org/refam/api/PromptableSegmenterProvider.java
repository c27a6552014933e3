package org.refam.api;

/**
 * Service-provider interface for {@link PromptableSegmenter}s (SAM, SAM2), discovered with
 * {@link java.util.ServiceLoader} (register the implementation in
 * {@code META-INF/services/org.refam.api.PromptableSegmenterProvider}), so tools can choose a segmenter by name.
 *
 * <p>The constructor must do no work; models are loaded in {@link #open}. Implementations must be thread-safe.
 */
public interface PromptableSegmenterProvider {
    /** Unique, stable name users select the segmenter by ("sam", "sam2"). */
    String name();

    /** One line for listings: what the segmenter runs and which jar brings it. */
    default String description() {
        return name();
    }

    /**
     * Opens a segmenter; {@link ExtractorOptions#model()} is the segmenter's model folder, {@code null} for its
     * default.
     *
     * @throws ModelException if the model cannot be loaded
     * @throws DeviceUnavailableException if an explicitly requested device cannot be used
     */
    PromptableSegmenter open(ExtractorOptions options);
}
