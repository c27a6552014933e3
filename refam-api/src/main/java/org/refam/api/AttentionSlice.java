package org.refam.api;

/**
 * The attention one transformer block paid in one forward pass (one timestep and noise sample), restricted to
 * text keys (method.md section 2, step 4).
 *
 * @param sample index of the forward pass (timestep x noise sample) this slice comes from, from 0
 * @param timestep the flow time t in [0, 1] of that pass
 * @param block index of the transformer block (FLUX: 0..18 double-stream, 19..56 single-stream)
 * @param imageToText image queries x text keys, shape {@code [heads, N, T]} where heads is 1 when the extractor
 *     averaged over heads, N the image tokens of the geometry and T the prompt's token count; rows are
 *     probabilities of the joint softmax (they sum to at most 1 over text keys)
 * @param textToText text queries x text keys, shape {@code [heads, T, T]}, or {@code null} when not requested
 *
 * <p>Thread-safety: immutable view (see {@link FloatTensor}).
 */
public record AttentionSlice(int sample, double timestep, int block, FloatTensor imageToText, FloatTensor textToText) {
    public AttentionSlice {
        if (imageToText == null) {
            throw new InvalidAttentionException("block " + block + ": image-to-text attention is missing");
        }
        if (imageToText.rank() != 3) {
            throw new InvalidAttentionException("block " + block + ": image-to-text attention must have shape "
                    + "[heads, imageTokens, textTokens], got " + imageToText);
        }
        if (textToText != null) {
            int h = imageToText.dim(0);
            int t = imageToText.dim(2);
            if (textToText.rank() != 3 || textToText.dim(1) != t || textToText.dim(2) != t
                    || (textToText.dim(0) != h && textToText.dim(0) != 1)) {
                throw new InvalidAttentionException("block " + block + ": text-to-text attention must have shape ["
                        + h + " or 1, " + t + ", " + t + "], got " + textToText);
            }
        }
    }

    /** Number of heads in {@link #imageToText()} (1 when averaged). */
    public int heads() {
        return imageToText.dim(0);
    }

    /** Number of image queries N. */
    public int imageTokens() {
        return imageToText.dim(1);
    }

    /** Number of text keys T. */
    public int textTokens() {
        return imageToText.dim(2);
    }
}
