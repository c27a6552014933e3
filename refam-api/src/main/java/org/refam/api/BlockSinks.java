package org.refam.api;

import java.util.List;

/**
 * The sinks a {@link SinkHandler} found in one block of one forward pass, and what it did with them.
 *
 * @param sample the forward pass
 * @param block the transformer block
 * @param sinks the sinks found, by position (empty when none)
 * @param action what was done with them
 *
 * <p>Thread-safety: immutable.
 */
public record BlockSinks(int sample, int block, List<Sink> sinks, SinkAction action) {
    public BlockSinks {
        sinks = List.copyOf(sinks);
    }

    /** Positions of the sinks. */
    public int[] positions() {
        return sinks.stream().mapToInt(Sink::position).toArray();
    }
}
