package org.refam.api;

/**
 * One detected global attention sink (method.md section 2, step 6).
 *
 * @param position the token's position in the prompt
 * @param strength mean attention the token receives over all queries divided by the uniform share 1/T
 * @param variation coefficient of variation (std / mean) of its image map; low means flat
 *
 * <p>Thread-safety: immutable.
 */
public record Sink(int position, double strength, double variation) {
}
