package org.refam.api;

/** What a {@link SinkHandler} did with the sinks it found. */
public enum SinkAction {
    /** Detected and reported only. */
    NONE,
    /** The sinks' columns were removed (zeroed) before aggregation and renormalisation. */
    SUPPRESSED,
    /** The sinks' mass was moved onto the auxiliary (magnet) tokens. */
    REDIRECTED
}
