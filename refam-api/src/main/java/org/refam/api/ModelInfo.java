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
 * @param version identifies the weights, so that results can be traced to them (a model bundle:
 *     {@code "sha256:"} and the first 16 hex digits of its manifest's SHA-256, which lists every file's digest);
 *     empty when the backend does not say (null is read as empty)
 *
 * <p>Thread-safety: immutable.
 */
public record ModelInfo(String name, int blocks, int heads, List<Integer> reportableBlocks, List<Integer> defaultBlocks,
                        int maxTextLength, boolean supportsVideo, boolean supportsBatching, String version) {
    public ModelInfo {
        version = version == null ? "" : version;
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

    /** A model that does not state its version ({@link #version()} is empty). */
    public ModelInfo(String name, int blocks, int heads, List<Integer> reportableBlocks, List<Integer> defaultBlocks,
                     int maxTextLength, boolean supportsVideo, boolean supportsBatching) {
        this(name, blocks, heads, reportableBlocks, defaultBlocks, maxTextLength, supportsVideo, supportsBatching, "");
    }

    /** {@link #name()}, followed by {@link #version()} when there is one: {@code "refam-tiny sha256:7ad445f1eb69f9d7"}. */
    public String label() {
        return version.isEmpty() ? name : name + " " + version;
    }
}
