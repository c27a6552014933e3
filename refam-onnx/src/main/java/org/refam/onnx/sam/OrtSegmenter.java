package org.refam.onnx.sam;

import org.refam.api.PromptableSegmenter;

/**
 * What the ONNX Runtime segmenters share: their {@link SegmenterCore} (sessions, feature cache, lifecycle), the
 * device they run on, and closing.
 *
 * @param <E> the cached encoder output
 *
 * <p>Thread-safety: as {@link SegmenterCore}: thread-safe.
 */
abstract class OrtSegmenter<E> implements PromptableSegmenter {
    final SegmenterCore<E> core;

    OrtSegmenter(SegmenterCore<E> core) {
        this.core = core;
    }

    /** The device the graphs run on: {@code cpu} or {@code cuda:N}. */
    public String device() {
        return core.device;
    }

    /** Closes the sessions and drops the feature cache; idempotent. Waits for running calls. */
    @Override
    public void close() {
        core.close();
    }
}
