package org.refam.core;

import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The {@code N x T} and {@code T x T} work buffers of one {@link RefAM} call, reused by later calls. An array only
 * grows: it keeps the largest size any call needed, so after the first call of the largest shape a call allocates
 * none of them (docs/performance.md, "Allocation per operation"). Arrays may therefore be longer than the current
 * call's matrices; every use passes explicit sizes and clears the range it reads.
 *
 * <p>Thread-safety: a workspace is used by one call at a time; the {@link Pool} hands each call its own.
 */
final class Workspace {
    /** The current slice's head mean, {@code N x T}. */
    private float[] work = new float[0];
    /** The average over slices, {@code N x T}. */
    private float[] average = new float[0];
    /** One head, {@code N x T}, for per-head renormalisation. */
    private float[] head = new float[0];
    /** The current slice's text-to-text head mean, {@code T x T}. */
    private float[] text = new float[0];

    float[] work(int length) {
        return work = atLeast(work, length);
    }

    float[] average(int length) {
        return average = atLeast(average, length);
    }

    float[] head(int length) {
        return head = atLeast(head, length);
    }

    float[] text(int length) {
        return text = atLeast(text, length);
    }

    /** {@code a}, or a new array of {@code length} floats when {@code a} is shorter. */
    private static float[] atLeast(float[] a, int length) {
        return a.length < length ? new float[length] : a;
    }

    /**
     * Idle workspaces. A call takes one (or makes one when none is idle) and gives it back when it is done, so the
     * pool holds as many workspaces as calls ever ran at the same time, each as large as the largest call it
     * served. The most recently returned one is handed out first (its memory is the most likely to be cached).
     *
     * <p>Thread-safety: thread-safe (lock-free deque).
     */
    static final class Pool {
        private final ConcurrentLinkedDeque<Workspace> idle = new ConcurrentLinkedDeque<>();

        Workspace take() {
            Workspace ws = idle.pollFirst();
            return ws != null ? ws : new Workspace();
        }

        void give(Workspace ws) {
            idle.offerFirst(ws);
        }

        /** Drops the idle workspaces; those of calls in flight come back when the calls end. */
        void clear() {
            idle.clear();
        }
    }
}
