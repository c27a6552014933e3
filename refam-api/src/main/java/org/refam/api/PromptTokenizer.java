package org.refam.api;

import java.util.List;

/**
 * The model's tokenizer, as the pipeline needs it: text in, tokens with character spans, word indices and roles
 * out. Provided by an {@link AttentionExtractor} (see {@link AttentionExtractor#tokenizer()}).
 *
 * <p>Implementations must be thread-safe.
 */
public interface PromptTokenizer {

    /**
     * Tokenizes one segment on its own, including the tokenizer's end token (T5: {@code </s>}) when it has one.
     * Roles are {@code role} for the pieces of words and {@link TokenRole#SPECIAL} for structural tokens.
     *
     * @param text the segment's text; must not be blank
     * @param segment the segment index to record in every token (0 for the expression)
     * @param role {@link TokenRole#EXPRESSION} or {@link TokenRole#MAGNET}
     * @throws InvalidExpressionException if {@code text} is null or blank
     */
    List<Token> encode(String text, int segment, TokenRole role);

    /** The model's text length: prompts are padded to it and may not exceed it. */
    int maxLength();

    /** The padding token appended up to {@link #maxLength()}, or {@code null} when the model does not pad. */
    Token paddingToken();
}
