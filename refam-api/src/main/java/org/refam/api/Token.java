package org.refam.api;

/**
 * One token of a prompt.
 *
 * @param id vocabulary id the model sees
 * @param text the token's surface form as the tokenizer reports it (e.g. {@code "▁gold"}, {@code "</s>"})
 * @param segment 0 for the expression, 1..k for the k-th appended magnet word
 * @param charStart start of the token's span in its segment's text (inclusive), -1 when it has none
 * @param charEnd end of the span (exclusive), -1 when it has none
 * @param wordIndex index of the whitespace-separated word of its segment the token belongs to, -1 for
 *     special and padding tokens
 * @param role what the token is for
 */
public record Token(int id, String text, int segment, int charStart, int charEnd, int wordIndex, TokenRole role) {
    public Token {
        if (text == null) {
            throw new IllegalArgumentException("token text is null");
        }
        if (role == null) {
            throw new IllegalArgumentException("token role is null for '" + text + "'");
        }
        if (segment < 0) {
            throw new IllegalArgumentException("negative segment " + segment + " for token '" + text + "'");
        }
        if (charEnd < charStart) {
            throw new IllegalArgumentException("char span [" + charStart + ", " + charEnd + ") of '" + text + "' is reversed");
        }
    }

    /** True for tokens appended by redistribution (magnet pieces and their end tokens). */
    public boolean isAuxiliary() {
        return segment > 0;
    }
}
