package org.refam.onnx.sam;

import java.nio.file.Path;
import org.refam.api.ExtractorOptions;
import org.refam.api.ModelException;
import org.refam.api.PromptableSegmenter;
import org.refam.api.PromptableSegmenterProvider;

/**
 * Provides {@link SamSegmenter} under the name {@code sam} and {@link Sam2Segmenter} under {@code sam2}
 * ({@link java.util.ServiceLoader}); {@link ExtractorOptions#model()} is the folder with {@code encoder.onnx} and
 * {@code decoder.onnx} (docs/segmenters.md), {@link ExtractorOptions#device()} the device. The constructor does
 * no work.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
public class SamSegmenterProvider implements PromptableSegmenterProvider {
    private final boolean sam2;

    /** The SAM v1 provider ({@code sam}). */
    public SamSegmenterProvider() {
        this(false);
    }

    SamSegmenterProvider(boolean sam2) {
        this.sam2 = sam2;
    }

    @Override
    public String name() {
        return sam2 ? "sam2" : "sam";
    }

    @Override
    public String description() {
        return sam2 ? "SAM2 through ONNX (community encoder/decoder export; refam-onnx)"
                : "SAM v1 through ONNX (image encoder + official prompt decoder export; refam-onnx)";
    }

    @Override
    public PromptableSegmenter open(ExtractorOptions options) {
        Path folder = options.model();
        if (folder == null) {
            throw new ModelException("the " + name() + " segmenter needs its model folder (encoder.onnx, decoder.onnx):"
                    + " give it as " + name() + ":DIR or --segmenter-model DIR; see docs/segmenters.md");
        }
        return sam2 ? Sam2Segmenter.open(folder, options.device()) : SamSegmenter.open(folder, options.device());
    }

    /** The SAM2 provider ({@code sam2}). */
    public static final class Sam2 extends SamSegmenterProvider {
        /** Creates the provider; does no work. */
        public Sam2() {
            super(true);
        }
    }
}
