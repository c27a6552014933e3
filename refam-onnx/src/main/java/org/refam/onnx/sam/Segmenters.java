package org.refam.onnx.sam;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

import org.refam.api.DeviceUnavailableException;
import org.refam.api.ModelException;
import org.refam.api.PromptableSegmenter;

/**
 * Opens a promptable segmenter from a command-line style specification, the convention of the
 * {@code --segmenter} option (docs/segmenters.md): {@code sam:DIR} for {@link SamSegmenter}, {@code sam2:DIR}
 * for {@link Sam2Segmenter}, where {@code DIR} holds the encoder and decoder graphs. The built-in threshold mask
 * (no segmenter) is the caller's default and has no specification here.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
public final class Segmenters {
    private Segmenters() {
    }

    /**
     * Opens the segmenter that {@code spec} names on {@code device}.
     *
     * @param spec {@code sam:DIR} or {@code sam2:DIR} (the kind is case-insensitive)
     * @param device {@code auto}, {@code cpu} or {@code cuda[:N]}
     * @return an open segmenter the caller must close
     * @throws IllegalArgumentException if {@code spec} is not of that form (the message lists the accepted forms)
     * @throws ModelException if the folder or its graphs are missing or do not match the export
     * @throws DeviceUnavailableException if {@code cuda[:N]} was requested and cannot start
     */
    public static PromptableSegmenter open(String spec, String device) {
        Objects.requireNonNull(spec, "spec");
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String dir = colon < 0 ? "" : spec.substring(colon + 1).trim();
        if (dir.isEmpty() || !(kind.equals("sam") || kind.equals("sam2"))) {
            throw new IllegalArgumentException("segmenter must be sam:DIR or sam2:DIR (DIR holding encoder.onnx and "
                    + "decoder.onnx), got '" + spec + "'");
        }
        Path folder = Path.of(dir);
        return kind.equals("sam") ? SamSegmenter.open(folder, device) : Sam2Segmenter.open(folder, device);
    }
}
