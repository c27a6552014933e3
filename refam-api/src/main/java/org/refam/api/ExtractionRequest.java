package org.refam.api;

import java.util.List;

/**
 * One extraction: frames, a prompt (not yet padded: the extractor pads it to its text length) and what to read.
 *
 * @param frames one image, or the frames of a clip (the paper reads the first frame's maps, section 2 step 9)
 * @param prompt the tokenized prompt, usually after redistribution
 * @param blocks indices of the blocks to report; empty means the extractor's {@link ModelInfo#defaultBlocks()}
 * @param keepHeads true to receive per-head image-to-text attention, false for the head mean
 * @param textToText true when text-to-text attention is needed (sink detection)
 * @param sampling timesteps, noise samples and seed
 * @param listener progress and cancellation
 *
 * <p>Thread-safety: immutable.
 */
public record ExtractionRequest(List<RgbImage> frames, TokenizedPrompt prompt, List<Integer> blocks, boolean keepHeads,
                                boolean textToText, SamplingOptions sampling, ProgressListener listener) {
    public ExtractionRequest {
        if (frames == null || frames.isEmpty()) {
            throw new InvalidImageException("an extraction needs at least one frame");
        }
        frames = List.copyOf(frames);
        if (prompt == null) {
            throw new InvalidExpressionException("an extraction needs a prompt");
        }
        blocks = List.copyOf(blocks == null ? List.of() : blocks);
        sampling = sampling == null ? SamplingOptions.DEFAULT : sampling;
        listener = listener == null ? ProgressListener.NONE : listener;
    }

    /** A request for one image with the extractor's default blocks, head mean and text-to-text attention. */
    public static ExtractionRequest of(RgbImage image, TokenizedPrompt prompt) {
        return new ExtractionRequest(List.of(image), prompt, List.of(), false, true, SamplingOptions.DEFAULT,
                ProgressListener.NONE);
    }
}
