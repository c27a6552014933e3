package org.refam.eval.metrics;

/**
 * The scores of one annotation run under the DAVIS 2017 unsupervised protocol ({@link UnsupervisedScores}).
 *
 * @param sequences sequences (videos) scored in this run
 * @param objects ground-truth objects scored, over all those sequences
 * @param jf (J + F) / 2; {@code NaN} when {@code objects} is 0
 * @param j mean over the objects of the per-object mean J over frames; {@code NaN} when {@code objects} is 0
 * @param f the same for F
 *
 * <p>Thread-safety: immutable.
 */
public record RunScores(long sequences, long objects, double jf, double j, double f) {
}
