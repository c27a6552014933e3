package org.refam.api;

/**
 * A point prompt for a {@link PromptableSegmenter}, in original image pixels.
 *
 * @param x column (continuous; pixel centres at {@code i + 0.5} are not assumed, the segmenter maps the value as is)
 * @param y row
 * @param foreground true for a positive (label 1) point, false for a negative (label 0) one
 *
 * <p>Thread-safety: immutable.
 */
public record PointPrompt(double x, double y, boolean foreground) {
}
