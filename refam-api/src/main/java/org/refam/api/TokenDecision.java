package org.refam.api;

/**
 * The filter's decision for one token.
 *
 * @param position the token's position in the prompt
 * @param reason {@link FilterReason#KEPT} when kept, otherwise why it was dropped
 *
 * <p>Thread-safety: immutable.
 */
public record TokenDecision(int position, FilterReason reason) {
    public TokenDecision {
        if (reason == null) {
            throw new IllegalArgumentException("reason is null for token " + position);
        }
    }

    /** True when the token contributes to the heat map. */
    public boolean kept() {
        return reason == FilterReason.KEPT;
    }
}
