package org.refam.eval;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.refam.api.Mask;
import org.refam.eval.metrics.VideoMetrics;

/**
 * The label maps of one video's annotation runs, built object by object as ReferFormer's {@code inference_davis.py}
 * merges the expressions of a run (probabilities below 0.5 set to 0, background 0.1, per-pixel argmax over [background,
 * object 1, object 2, ...]): with binary masks a pixel belongs to the first object of the run, in expression order,
 * that claims it. Since later objects never take pixels from earlier ones, each object's merged mask is final when it
 * is added, and its scores against every ground-truth object can be taken at once (what the DAVIS 2017 unsupervised
 * evaluation compares, {@link org.refam.eval.metrics.UnsupervisedScores}).
 *
 * <p>Ground-truth objects are those of the DAVIS code's unsupervised reading: ids 1..max of the first scored frame's
 * annotation (label 255 read as 0); scored frames are the frames with an annotation.
 *
 * <p>Thread-safety: not thread-safe; one per video being evaluated.
 */
final class MergedRuns {
    private final LabelMap[] annotations;
    private final int objects;
    private final Map<Integer, BitSet[]> claimed = new HashMap<>();

    /** @param annotations one per frame, {@code null} for a frame without annotation; at least one not null */
    MergedRuns(LabelMap[] annotations) {
        this.annotations = annotations;
        this.objects = objects(annotations);
    }

    /** The number of ground-truth objects: the largest id in the first annotated frame (255 counts as 0). */
    static int objects(LabelMap[] annotations) {
        for (LabelMap a : annotations) {
            if (a != null) {
                int max = 0;
                for (byte b : a.labels()) {
                    int v = b & 0xFF;
                    if (v != 255 && v > max) {
                        max = v;
                    }
                }
                return max;
            }
        }
        throw new IllegalArgumentException("no frame is annotated");
    }

    int objects() {
        return objects;
    }

    /**
     * The scores of an empty proposal against each ground-truth object: {meanJ[G], meanF[G]} over the scored frames.
     */
    double[][] empty() {
        double[][] out = new double[2][objects];
        int frames = 0;
        for (LabelMap a : annotations) {
            if (a == null) {
                continue;
            }
            frames++;
            accumulate(out, Mask.empty(a.height(), a.width()), a);
        }
        divide(out, frames);
        return out;
    }

    /**
     * Adds the next object of run {@code run}: its pixels not claimed by an earlier object of the run, which it then
     * claims. Without {@code score} only the claims are recorded (an object of an earlier evaluation, re-run to rebuild
     * the maps); with it the merged object's {meanJ[G], meanF[G]} against every ground-truth object are returned.
     *
     * @param masks one per frame of the video, of the annotations' size
     */
    double[][] add(int run, List<Mask> masks, boolean score) {
        BitSet[] taken = claimed.computeIfAbsent(run, r -> new BitSet[annotations.length]);
        double[][] out = new double[2][objects];
        int frames = 0;
        for (int t = 0; t < annotations.length; t++) {
            LabelMap a = annotations[t];
            if (a == null) {
                continue;
            }
            frames++;
            if (taken[t] == null) {
                taken[t] = new BitSet(a.labels().length);
            }
            Mask mask = masks.get(t);
            if (mask.height() != a.height() || mask.width() != a.width()) {
                throw new IllegalArgumentException("mask " + t + " is " + mask.width() + "x" + mask.height()
                        + ", the annotation is " + a.width() + "x" + a.height());
            }
            boolean[] d = mask.data();
            boolean[] merged = new boolean[d.length];
            for (int i = 0; i < d.length; i++) {
                if (d[i] && !taken[t].get(i)) {
                    merged[i] = true;
                    taken[t].set(i);
                }
            }
            if (!score) {
                continue;
            }
            accumulate(out, new Mask(a.height(), a.width(), merged), a);
        }
        divide(out, frames);
        return score ? out : null;
    }

    /** Adds J and F of {@code m} against each ground-truth object of frame annotation {@code a} to {@code sums}. */
    private void accumulate(double[][] sums, Mask m, LabelMap a) {
        for (int g = 0; g < objects; g++) {
            Mask gt = a.mask(g + 1);
            sums[0][g] += VideoMetrics.jaccard(m, gt);
            sums[1][g] += VideoMetrics.boundaryF(m, gt);
        }
    }

    private static void divide(double[][] sums, int frames) {
        for (double[] row : sums) {
            for (int g = 0; g < row.length; g++) {
                row[g] /= frames;
            }
        }
    }
}
