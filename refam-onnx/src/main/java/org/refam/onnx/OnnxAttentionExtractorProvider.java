package org.refam.onnx;

import org.refam.api.AttentionExtractor;
import org.refam.api.AttentionExtractorProvider;
import org.refam.api.ExtractorOptions;

/**
 * Provides {@link OnnxAttentionExtractor} under the name {@code onnx}: a FLUX-class transformer exported to ONNX
 * (a model bundle folder, {@link ExtractorOptions#model()}), run by ONNX Runtime on the CPU or a CUDA GPU. Its
 * priority (100) is above the test fixture backend's, so it wins when both are on the classpath and the user
 * names none. Properties are those of {@link OnnxAttentionExtractor}.
 *
 * <p>Thread-safety: stateless and thread-safe; the constructor does no work.
 */
public final class OnnxAttentionExtractorProvider implements AttentionExtractorProvider {
    /** The name users select this backend by. */
    public static final String NAME = "onnx";
    /** Above the fixture backend (which keeps the default 0). */
    static final int PRIORITY = 100;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "FLUX-class diffusion transformer exported to ONNX, on ONNX Runtime (CPU; CUDA with onnxruntime_gpu)"
                + " - refam-onnx";
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /**
     * Opens the bundle folder of {@code options.model()} on {@code options.device()}; see
     * {@link OnnxAttentionExtractor#open(ExtractorOptions)} for the errors.
     */
    @Override
    public AttentionExtractor open(ExtractorOptions options) {
        return OnnxAttentionExtractor.open(options);
    }
}
