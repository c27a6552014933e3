package org.refam.api;

/**
 * Appends auxiliary "attention magnet" words to the prompt before extraction (method.md section 2, step 1):
 * each magnet is tokenized on its own, with its own end token, and appended after the expression's tokens,
 * its tokens marked {@link TokenRole#MAGNET} (pieces) or {@link TokenRole#SPECIAL} (end token) with their
 * segment index.
 *
 * <p>Implementations must be thread-safe.
 */
public interface Redistributor {
    /**
     * @param expression the expression's tokens (segment 0 only)
     * @param tokenizer the model's tokenizer
     * @return the prompt with magnets appended (the same prompt when there are none)
     */
    TokenizedPrompt redistribute(TokenizedPrompt expression, PromptTokenizer tokenizer);
}
