package org.refam.api;

/**
 * Detects global attention sinks in one block from the attention itself and suppresses them or redirects their
 * mass onto auxiliary tokens (method.md section 2, step 6). Called once per (forward pass, block) before
 * aggregation.
 *
 * <p>Implementations must be thread-safe (the workspace, not the handler, carries per-call state).
 */
public interface SinkHandler {
    /**
     * Inspects and possibly changes {@code workspace} in place.
     *
     * @return the sinks found and what was done
     */
    BlockSinks handle(SinkWorkspace workspace);

    /**
     * True when {@link #handle} reads {@link SinkWorkspace#textToText()}; the pipeline asks the extractor for
     * text-to-text attention only then. The default, {@code true}, is the safe choice for handlers that do not say.
     */
    default boolean usesTextToText() {
        return true;
    }
}
