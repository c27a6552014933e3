package org.refam.api;

/**
 * The working copy of one block's head-averaged attention that a {@link SinkHandler} inspects and may change in
 * place. It is valid only during {@link SinkHandler#handle}; do not keep a reference to it or its arrays.
 *
 * <p>Layout: {@link #imageToText()} holds N rows of T floats (row-major, row = image query); {@link #textToText()}
 * holds T rows of T floats, or is {@code null} when the extractor did not report text-to-text attention. The arrays
 * may be longer than that (the pipeline reuses its buffers between calls): only their first {@code N * T} and
 * {@code T * T} floats belong to the block.
 *
 * <p>Thread-safety: not thread-safe; one workspace per block being processed.
 */
public final class SinkWorkspace {
    private final int sample;
    private final int block;
    private final TokenizedPrompt prompt;
    private final int imageTokens;
    private final float[] imageToText;
    private final float[] textToText;

    /**
     * @throws InvalidAttentionException if the arrays do not hold N x T and T x T floats
     */
    public SinkWorkspace(int sample, int block, TokenizedPrompt prompt, int imageTokens, float[] imageToText,
                         float[] textToText) {
        int t = prompt.size();
        if (imageToText == null || (long) imageToText.length < (long) imageTokens * t) {
            throw new InvalidAttentionException("block " + block + ": sink workspace needs " + (long) imageTokens * t
                    + " image-to-text floats, got " + (imageToText == null ? "null" : imageToText.length));
        }
        if (textToText != null && textToText.length < t * t) {
            throw new InvalidAttentionException("block " + block + ": sink workspace needs " + t * t
                    + " text-to-text floats, got " + textToText.length);
        }
        this.sample = sample;
        this.block = block;
        this.prompt = prompt;
        this.imageTokens = imageTokens;
        this.imageToText = imageToText;
        this.textToText = textToText;
    }

    public int sample() {
        return sample;
    }

    public int block() {
        return block;
    }

    public TokenizedPrompt prompt() {
        return prompt;
    }

    /** N, the number of image queries (rows of {@link #imageToText()}). */
    public int imageTokens() {
        return imageTokens;
    }

    /** T, the number of text keys. */
    public int textTokens() {
        return prompt.size();
    }

    /** N x T floats, row-major; may be modified. */
    public float[] imageToText() {
        return imageToText;
    }

    /** T x T floats, row-major, or {@code null}; may be modified. */
    public float[] textToText() {
        return textToText;
    }
}
