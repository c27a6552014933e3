package org.refam.api;

/** Why a {@link TokenFilter} kept or dropped a token (method.md section 2, step 7). */
public enum FilterReason {
    /** The token's map contributes to the heat map. */
    KEPT,
    /** An English stop word ("the", "a", "of", ...). */
    STOP_WORD,
    /** Punctuation only. */
    PUNCTUATION,
    /** A structural token: end of sequence, a lone {@code ▁}, a start token. */
    SPECIAL,
    /** Padding up to the model's text length. */
    PADDING,
    /** A piece of an appended magnet word or its end token. */
    MAGNET,
    /** Detected as a global attention sink. */
    SINK,
    /** Outside the referring noun phrase (optional noun-phrase filtering). */
    NOT_IN_NOUN_PHRASE,
    /** A word of another object the expression locates the target by, e.g. "the green star" in "the triangle
     *  above the green star" (optional anchor filtering). */
    RELATION_ANCHOR
}
