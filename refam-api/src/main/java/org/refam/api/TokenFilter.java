package org.refam.api;

import java.util.Set;

/**
 * Decides which prompt tokens contribute to the heat map (method.md section 2, step 7): drops stop words,
 * punctuation, special tokens, padding, magnets and detected sinks; optionally keeps only the referring noun
 * phrase.
 *
 * <p>Implementations must be thread-safe.
 */
public interface TokenFilter {
    /**
     * Decides for every token of {@code prompt}.
     *
     * @param prompt the prompt as the model saw it (padding included)
     * @param sinkPositions positions detected as global attention sinks in any reported block
     * @return one decision per token; an all-dropped selection is allowed here, the pipeline turns it into an
     *     {@link InvalidExpressionException}
     */
    TokenSelection select(TokenizedPrompt prompt, Set<Integer> sinkPositions);
}
