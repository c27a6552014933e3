package org.refam.onnx;

import ai.onnxruntime.OrtEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The per-call buffers of one extraction: the tensors of every graph input we write and every output ONNX
 * Runtime writes into (pinned), plus heap scratch for the clean image tokens, the noise and the mix. Buffers
 * grow to the largest request seen and are then reused, so steady-state extraction allocates no native memory.
 *
 * <p>Thread-safety: not thread-safe; borrowed from a {@link Pool} by one thread per call.
 */
final class Workspace implements AutoCloseable {
    final Slot pixels;
    final Slot tokens;
    final Slot inputIds;
    final Slot hidden;
    final Slot clipIds;
    final Slot pooled;
    final Slot img;
    final Slot imgIds;
    /** Text positions (all zero) for prompts shorter than the text length (unpadded models). */
    final Slot txtIds;
    final Slot timestep;
    final Slot img2txt;
    final Slot txt2txt;
    private final List<Slot> all = new ArrayList<>();
    float[] pixelScratch = new float[0];
    float[] x0 = new float[0];
    float[] eps = new float[0];
    float[] mix = new float[0];
    float[] row = new float[0];
    /** Grid the {@link #imgIds} tensor currently holds, to skip rewriting it. */
    int idsGridHeight = -1;
    int idsGridWidth = -1;

    Workspace(OrtEnvironment env) {
        pixels = add(new Slot(env, false));
        tokens = add(new Slot(env, false));
        inputIds = add(new Slot(env, true));
        hidden = add(new Slot(env, false));
        clipIds = add(new Slot(env, true));
        pooled = add(new Slot(env, false));
        img = add(new Slot(env, false));
        imgIds = add(new Slot(env, false));
        txtIds = add(new Slot(env, false));
        timestep = add(new Slot(env, false));
        img2txt = add(new Slot(env, false));
        txt2txt = add(new Slot(env, false));
    }

    private Slot add(Slot s) {
        all.add(s);
        return s;
    }

    /** {@code a} if it holds at least {@code n} floats, else a new array of {@code n}. */
    static float[] atLeast(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }

    /** Native bytes held by this workspace. */
    long nativeBytes() {
        long sum = 0;
        for (Slot s : all) {
            sum += s.capacity();
        }
        return sum;
    }

    @Override
    public void close() {
        for (Slot s : all) {
            s.close();
        }
    }

    /**
     * Keeps up to {@code capacity} idle workspaces; a call borrows one (or makes a new one when none is idle) and
     * gives it back, and a workspace given back to a full pool is closed. Native memory held at rest is therefore
     * bounded by {@code capacity} workspaces of the largest request.
     *
     * <p>Thread-safety: thread-safe.
     */
    static final class Pool implements AutoCloseable {
        private final OrtEnvironment env;
        private final BlockingQueue<Workspace> idle;

        Pool(OrtEnvironment env, int capacity) {
            this.env = env;
            this.idle = new ArrayBlockingQueue<>(Math.max(1, capacity));
        }

        Workspace borrow() {
            Workspace w = idle.poll();
            return w != null ? w : new Workspace(env);
        }

        void giveBack(Workspace w) {
            if (!idle.offer(w)) {
                w.close();
            }
        }

        int idle() {
            return idle.size();
        }

        /** Closes the idle workspaces; callers must have given back every borrowed one first. */
        @Override
        public void close() {
            Workspace w;
            while ((w = idle.poll()) != null) {
                w.close();
            }
        }
    }
}
