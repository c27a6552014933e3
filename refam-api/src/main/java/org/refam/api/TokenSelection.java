package org.refam.api;

import java.util.List;

/**
 * A {@link TokenFilter}'s decisions, one per prompt token, in prompt order.
 *
 * <p>Thread-safety: immutable.
 */
public record TokenSelection(List<TokenDecision> decisions) {
    public TokenSelection {
        decisions = List.copyOf(decisions);
        for (int i = 0; i < decisions.size(); i++) {
            if (decisions.get(i).position() != i) {
                throw new IllegalArgumentException("decision " + i + " is for position " + decisions.get(i).position());
            }
        }
    }

    /** Positions of the kept tokens, ascending. */
    public int[] keptPositions() {
        return decisions.stream().filter(TokenDecision::kept).mapToInt(TokenDecision::position).toArray();
    }

    /** True when token {@code position} is kept. */
    public boolean isKept(int position) {
        return decisions.get(position).kept();
    }
}
