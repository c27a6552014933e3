package org.refam.eval.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Accumulates video scores the way the DAVIS 2017 evaluation code scores its <i>unsupervised</i> task
 * ({@code davis2017-evaluation}, {@code DAVISEvaluation._evaluate_unsupervised}), which is how ReferFormer's
 * {@code eval_davis.py} scores Ref-DAVIS17 (docs/evaluation.md): per sequence, every proposal (a predicted object of
 * the merged label maps) is compared with every ground-truth object over all scored frames; proposals are padded with
 * empty masks up to the number of ground-truth objects; a Hungarian assignment maximises the summed mean
 * {@code (J + F) / 2} of the matched pairs (scipy's {@code linear_sum_assignment} there, {@link LinearAssignment}
 * here); each ground-truth object then scores the per-frame means of J and F of its proposal. The J and F of a run are
 * the means over all objects of all its sequences, J&F = (J + F) / 2 (the code's {@code J&F-Mean}); the reported
 * numbers are the means over runs (Ref-DAVIS17 has four annotation runs, each scored on its own; ReferFormer reports
 * their mean).
 *
 * <p>More than {@link #MAX_PROPOSALS} proposals in a sequence are refused, as the DAVIS code refuses them.
 *
 * <p>Thread-safety: not thread-safe.
 */
public final class UnsupervisedScores {
    /** The most proposals a sequence may have ({@code max_n_proposals} of the DAVIS 2017 code). */
    public static final int MAX_PROPOSALS = 20;

    /** Per run: {sequences, objects, sum J, sum F}. */
    private final Map<Integer, double[]> runs = new TreeMap<>();
    private long leftOut;

    /**
     * Scores one sequence of one run.
     *
     * @param run the annotation run (0..3 for Ref-DAVIS17), >= 0
     * @param proposals the number P of proposals, 0..{@link #MAX_PROPOSALS}
     * @param j {@code P x G} row-major: mean J over the scored frames of proposal p against ground-truth object g
     * @param f the same for F
     * @param emptyJ per ground-truth object g (G entries): the mean J of an empty mask against g, the score of a
     *     padding proposal (1 on frames where g is empty, else 0)
     * @param emptyF the same for F (1 on frames where g has no boundary pixel, else 0)
     * @return for each ground-truth object the proposal matched to it; indices >= P are padding (empty) proposals
     * @throws IllegalArgumentException if the run is negative, P exceeds {@link #MAX_PROPOSALS}, the arrays do not
     *     match P and G, or a score is outside [0, 1] or NaN
     */
    public int[] add(int run, int proposals, double[] j, double[] f, double[] emptyJ, double[] emptyF) {
        int g = emptyJ.length;
        if (run < 0) {
            throw new IllegalArgumentException("run must be >= 0, got " + run);
        }
        if (proposals < 0 || proposals > MAX_PROPOSALS) {
            throw new IllegalArgumentException(proposals + " proposals; the DAVIS 2017 evaluation allows 0.."
                    + MAX_PROPOSALS);
        }
        if (j.length != proposals * g || f.length != proposals * g || emptyF.length != g) {
            throw new IllegalArgumentException("for " + proposals + " proposals and " + g + " objects expected J and F"
                    + " of " + proposals * g + " and empty scores of " + g + " entries, got " + j.length + ", "
                    + f.length + ", " + emptyJ.length + ", " + emptyF.length);
        }
        int rows = Math.max(proposals, g);
        double[] pj = new double[rows * g];
        double[] pf = new double[rows * g];
        System.arraycopy(j, 0, pj, 0, j.length);
        System.arraycopy(f, 0, pf, 0, f.length);
        for (int p = proposals; p < rows; p++) {
            System.arraycopy(emptyJ, 0, pj, p * g, g);
            System.arraycopy(emptyF, 0, pf, p * g, g);
        }
        double[] cost = new double[rows * g];
        for (int k = 0; k < cost.length; k++) {
            if (!(pj[k] >= 0 && pj[k] <= 1) || !(pf[k] >= 0 && pf[k] <= 1)) {
                throw new IllegalArgumentException("J and F must lie in [0, 1], got J=" + pj[k] + " F=" + pf[k]
                        + " for proposal " + k / g + ", object " + (k % g + 1));
            }
            cost[k] = -(pj[k] + pf[k]) / 2;
        }
        int[] objectOf = LinearAssignment.minimize(cost, rows, g);
        int[] proposalOf = new int[g];
        double[] s = runs.computeIfAbsent(run, r -> new double[4]);
        s[0]++;
        for (int p = 0; p < rows; p++) {
            if (objectOf[p] >= 0) {
                int o = objectOf[p];
                proposalOf[o] = p;
                s[1]++;
                s[2] += pj[p * g + o];
                s[3] += pf[p * g + o];
            }
        }
        return proposalOf;
    }

    /** Counts a sequence that could not be scored (reported as {@link UnsupervisedSummary#leftOut()}). */
    public void leaveOut() {
        leftOut++;
    }

    /** The scores so far. */
    public UnsupervisedSummary summary() {
        Map<Integer, RunScores> per = new LinkedHashMap<>();
        double jSum = 0;
        double fSum = 0;
        long sequences = 0;
        long objects = 0;
        int scored = 0;
        for (Map.Entry<Integer, double[]> e : runs.entrySet()) {
            double[] s = e.getValue();
            double j = s[1] == 0 ? Double.NaN : s[2] / s[1];
            double f = s[1] == 0 ? Double.NaN : s[3] / s[1];
            per.put(e.getKey(), new RunScores((long) s[0], (long) s[1], (j + f) / 2, j, f));
            sequences += (long) s[0];
            objects += (long) s[1];
            if (s[1] > 0) {
                jSum += j;
                fSum += f;
                scored++;
            }
        }
        double j = scored == 0 ? Double.NaN : jSum / scored;
        double f = scored == 0 ? Double.NaN : fSum / scored;
        return new UnsupervisedSummary(sequences, objects, leftOut, (j + f) / 2, j, f, per);
    }
}
