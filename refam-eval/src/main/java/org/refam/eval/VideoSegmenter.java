package org.refam.eval;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.refam.api.Mask;
import org.refam.api.PixelPoint;
import org.refam.api.RgbImage;

/**
 * Turns the first frame's grounding into one mask per frame of a clip (method.md section 2, step 9: the paper lets
 * SAM2 propagate the first frame's point through the clip).
 *
 * <p>Implementations state their thread-safety; the evaluator calls them from one thread.
 */
@FunctionalInterface
public interface VideoSegmenter {
    /** Lazy access to the frames of a clip. */
    interface Clip {
        /** Number of frames. */
        int frames();

        /** Frame width in pixels. */
        int width();

        /** Frame height in pixels. */
        int height();

        /**
         * Decodes frame {@code index} (0-based).
         *
         * @throws org.refam.api.InvalidImageException if the frame cannot be read
         */
        RgbImage frame(int index);
    }

    /**
     * @param clip the clip's frames
     * @param point the first frame's peak, in pixels
     * @param firstFrameMask the first frame's mask from the image pipeline (its segmenter or threshold mask)
     * @return one mask per frame, each of the clip's size
     */
    List<Mask> segment(Clip clip, PixelPoint point, Mask firstFrameMask);

    /**
     * What produces the masks, for logs and report tables ({@value #FIRST_FRAME_COPY} for {@link #firstFrameCopy()},
     * {@code "SAM2 propagation"} for refam-onnx's {@code Sam2VideoSegmenter}); {@code "custom video segmenter"} unless
     * the implementation says otherwise.
     */
    default String mode() {
        return "custom video segmenter";
    }

    /** The {@link #mode()} of {@link #firstFrameCopy()}. */
    String FIRST_FRAME_COPY = "first-frame copy baseline";

    /** {@code segmenter} reporting {@code mode} as its {@link #mode()}. */
    static VideoSegmenter named(String mode, VideoSegmenter segmenter) {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(segmenter, "segmenter");
        return new VideoSegmenter() {
            @Override
            public List<Mask> segment(Clip clip, PixelPoint point, Mask firstFrameMask) {
                return segmenter.segment(clip, point, firstFrameMask);
            }

            @Override
            public String mode() {
                return mode;
            }
        };
    }

    /**
     * The baseline without a video segmenter: the first frame's mask is repeated on every frame (a static object
     * that does not move). Scores with it measure the first-frame grounding, not tracking; they are not comparable to
     * the paper's SAM2 numbers.
     */
    static VideoSegmenter firstFrameCopy() {
        return named(FIRST_FRAME_COPY, (clip, point, first) -> Collections.nCopies(clip.frames(), first));
    }
}
