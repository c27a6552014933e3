package org.refam.api;

/**
 * Receives progress of long operations (video frames, forward passes, dataset evaluation) and may cancel them.
 * Operations call {@link #progress} from the thread doing the work and check {@link #isCancelled()} between
 * steps; on cancellation they throw {@link CancelledException} after releasing what they hold.
 *
 * <p>Implementations must be thread-safe when the same listener is given to concurrent operations.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores progress and never cancels. */
    ProgressListener NONE = (stage, done, total) -> { };

    /**
     * Reports that {@code done} of {@code total} units of {@code stage} are finished.
     *
     * @param total the number of units, or -1 when unknown
     */
    void progress(String stage, long done, long total);

    /** True when the operation should stop as soon as possible. */
    default boolean isCancelled() {
        return false;
    }

    /** Throws {@link CancelledException} when {@link #isCancelled()} is true. */
    default void checkCancelled(String stage) {
        if (isCancelled()) {
            throw new CancelledException("cancelled during " + stage);
        }
    }
}
