package org.refam.api;

/**
 * What a prompt token is for (method.md section 2, steps 1 and 7).
 */
public enum TokenRole {
    /** A piece of the referring expression the user wrote (content or stop word). */
    EXPRESSION,
    /** A piece of an auxiliary "attention magnet" word appended by a {@link Redistributor}. */
    MAGNET,
    /** A structural token the tokenizer added: end of sequence ({@code </s>}), start token, a lone {@code ▁}. */
    SPECIAL,
    /** Padding up to the model's text length; FLUX has no padding mask, so these are live keys. */
    PADDING
}
