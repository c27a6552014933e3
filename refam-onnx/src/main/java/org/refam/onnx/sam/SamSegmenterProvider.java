package org.refam.onnx.sam;

import java.nio.file.Path;
import org.refam.api.ExtractorOptions;
import org.refam.api.ModelException;
import org.refam.api.PromptableSegmenter;
import org.refam.api.PromptableSegmenterProvider;

/**
 * Provides {@link SamSegmenter} under the name {@code sam} and SAM2 under {@code sam2}
 * ({@link java.util.ServiceLoader}); {@link ExtractorOptions#model()} is the folder with {@code encoder.onnx} and
 * {@code decoder.onnx} (docs/segmenters.md), {@link ExtractorOptions#device()} the device. A {@code sam2} folder that
 * holds the four video graphs ({@link Sam2VideoSegmenter#isVideoExport}) opens a {@link Sam2VideoSegmenter}, which
 * segments single images too; any other opens a {@link Sam2Segmenter}. The constructor does no work.
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
        return sam2 ? "SAM2 through ONNX (community encoder/decoder export, or the four-graph video export that also "
                + "propagates through clips; refam-onnx)"
                : "SAM v1 through ONNX (image encoder + official prompt decoder export; refam-onnx)";
    }

    @Override
    public PromptableSegmenter open(ExtractorOptions options) {
        Path folder = options.model();
        if (folder == null) {
            throw new ModelException("the " + name() + " segmenter needs its model folder (encoder.onnx, decoder.onnx):"
                    + " give it as " + name() + ":DIR or --segmenter-model DIR; see docs/segmenters.md");
        }
        if (!sam2) {
            return SamSegmenter.open(folder, options.device());
        }
        return Sam2VideoSegmenter.isVideoExport(folder) ? Sam2VideoSegmenter.open(folder, options.device())
                : Sam2Segmenter.open(folder, options.device());
    }

    /** The SAM2 provider ({@code sam2}). */
    public static final class Sam2 extends SamSegmenterProvider {
        /** Creates the provider; does no work. */
        public Sam2() {
            super(true);
        }
    }
}
