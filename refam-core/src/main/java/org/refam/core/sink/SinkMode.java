package org.refam.core.sink;

/** What {@link GlobalSinkHandler} does in a block (method.md section 2, step 6). */
public enum SinkMode {
    /** No detection at all; the handler returns no sinks and does not read the attention. */
    OFF,
    /** Detect and report sinks (the token filter still drops them), leave the attention unchanged. */
    DETECT_ONLY,
    /** Zero the sinks' columns in image-to-text and text-to-text attention. */
    SUPPRESS,
    /**
     * Move the sinks' columns onto the auxiliary tokens (the magnets' end tokens when there are any), in equal
     * parts; without auxiliary tokens fall back to {@link #SUPPRESS}.
     */
    REDIRECT
}
