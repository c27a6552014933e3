package org.refam.api;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one grounding produced.
 *
 * @param prompt the prompt as the model saw it (expression, magnets, padding)
 * @param gridHeatMap the summed kept-token map on the latent grid (first frame), after optional smoothing
 * @param imageHeatMap the same upsampled to the original image size
 * @param peak the argmax of {@link #imageHeatMap()} in original image pixels
 * @param peakScore the heat map's value at the peak
 * @param mask the referred object's mask at image size
 * @param tokenMaps per-token maps on the grid (empty unless requested in the configuration)
 * @param textAttention the text-query x text-key attention averaged over heads, blocks and passes, as the model
 *     paid it (before sink handling), a {@code T x T} map with row = query; {@code null} unless per-token maps
 *     were requested and the extractor reported text-to-text attention. Global sinks show as bright columns.
 * @param selection the filter's decision for every token
 * @param sinks sinks found per (forward pass, block)
 * @param provider the execution provider that ran the model
 * @param timings wall time per stage, extraction stages first
 *
 * <p>Thread-safety: immutable.
 */
public record GroundingResult(TokenizedPrompt prompt, HeatMap gridHeatMap, HeatMap imageHeatMap, PixelPoint peak,
                              double peakScore, Mask mask, List<TokenMap> tokenMaps, HeatMap textAttention,
                              TokenSelection selection,
                              List<BlockSinks> sinks, String provider, Map<String, Duration> timings) {
    public GroundingResult {
        tokenMaps = List.copyOf(tokenMaps);
        sinks = List.copyOf(sinks);
        timings = Collections.unmodifiableMap(new LinkedHashMap<>(timings));
    }

    /** The referring expression. */
    public String expression() {
        return prompt.expression();
    }

    /** Total wall time of all stages. */
    public Duration totalTime() {
        return timings.values().stream().reduce(Duration.ZERO, Duration::plus);
    }
}
