package org.refam.eval.metrics;

/**
 * The scores of one annotator's expressions (or of all annotators, averaged), method.md section 6.
 *
 * @param count number of samples (expressions)
 * @param jf (J + F) / 2; {@code NaN} when {@code count} is 0
 * @param j mean over samples of the per-sample mean J over annotated frames; {@code NaN} when {@code count} is 0
 * @param f the same for F
 *
 * <p>Thread-safety: immutable.
 */
public record AnnotatorScores(long count, double jf, double j, double f) {
}
