package org.refam.api;

/**
 * One token's aggregated image map on the latent grid (method.md section 2, step 5).
 *
 * @param position the token's position in the prompt
 * @param token the token
 * @param decision whether the filter kept it, and why not
 * @param map its map on the latent grid (first frame)
 *
 * <p>Thread-safety: immutable.
 */
public record TokenMap(int position, Token token, TokenDecision decision, HeatMap map) {
}
