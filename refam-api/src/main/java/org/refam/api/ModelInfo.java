package org.refam.api;

import java.util.List;

/**
 * What an extractor's model can report.
 *
 * @param name human-readable model name ("FLUX.1-schnell", "refam-tiny")
 * @param blocks total number of transformer blocks
 * @param heads attention heads per block
 * @param reportableBlocks blocks whose attention this extractor can return, ascending
 * @param defaultBlocks blocks returned when a request names none
 * @param maxTextLength the text length prompts are padded to
 * @param supportsVideo true when a request may carry several frames
 * @param supportsBatching true when {@link AttentionExtractor#extractAll} is faster than one call per request
 *
 * <p>Thread-safety: immutable.
 */
public record ModelInfo(String name, int blocks, int heads, List<Integer> reportableBlocks, List<Integer> defaultBlocks,
                        int maxTextLength, boolean supportsVideo, boolean supportsBatching) {
    public ModelInfo {
        reportableBlocks = List.copyOf(reportableBlocks);
        defaultBlocks = List.copyOf(defaultBlocks);
        if (reportableBlocks.isEmpty()) {
            throw new IllegalArgumentException("model " + name + " reports no blocks");
        }
        if (!reportableBlocks.containsAll(defaultBlocks)) {
            throw new IllegalArgumentException("model " + name + ": default blocks " + defaultBlocks
                    + " are not all reportable " + reportableBlocks);
        }
    }
}
