package org.refam.core;

/** Which text keys a renormalisation ({@link Renormalization}) divides by. */
public enum RenormalizationKeys {
    /**
     * Every text key the model attended to, padding included (FLUX has no padding mask, so padding keys are live
     * and take real mass). This is the literal "divide each row by its sum over text keys" of method.md step 5 and
     * the default.
     */
    ALL,
    /** Every text key except padding tokens. */
    NON_PADDING,
    /**
     * Only the keys the token filter keeps, sinks not counted (those columns are already zero when sinks are
     * suppressed). The kept maps then share one unit of mass per image position: their sum is 1 wherever any kept
     * token has mass, which flattens the summed heat map; use it to compare per-token maps, not for grounding.
     */
    KEPT
}
