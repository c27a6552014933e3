package org.refam.api;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an {@link AttentionExtractor} returns for one image (or clip) and one prompt.
 *
 * @param prompt the prompt exactly as the model saw it, padding included; its size is the T of every slice
 * @param geometry the latent grid and how it maps to image pixels; its {@code imageTokens()} is the N of every
 *     slice
 * @param slices one entry per (forward pass, block) that was requested
 * @param provider the execution provider that actually ran the model ("CPU", "CUDA:0", "fixture", ...)
 * @param timings wall time per stage, in stage order
 *
 * <p>Thread-safety: immutable.
 */
public record AttentionMaps(TokenizedPrompt prompt, ImageGeometry geometry, List<AttentionSlice> slices,
                            String provider, Map<String, Duration> timings) {
    public AttentionMaps {
        if (prompt == null || geometry == null || slices == null || slices.isEmpty()) {
            throw new InvalidAttentionException("attention maps need a prompt, a geometry and at least one slice");
        }
        slices = List.copyOf(slices);
        timings = Collections.unmodifiableMap(new LinkedHashMap<>(timings == null ? Map.of() : timings));
        provider = provider == null ? "unknown" : provider;
        int n = geometry.imageTokens();
        int t = prompt.size();
        for (AttentionSlice s : slices) {
            if (s.imageTokens() != n) {
                throw new InvalidAttentionException("block " + s.block() + ": expected " + n + " image tokens for a "
                        + geometry.frames() + "x" + geometry.gridHeight() + "x" + geometry.gridWidth() + " grid, got "
                        + s.imageTokens());
            }
            if (s.textTokens() != t) {
                throw new InvalidAttentionException("block " + s.block() + ": expected " + t
                        + " text keys for the prompt's tokens, got " + s.textTokens());
            }
        }
    }
}
