package org.refam.eval;

import java.nio.file.Path;
import java.util.Objects;
import org.refam.api.ProgressListener;

/**
 * How an evaluation runs: where per-sample results go (and are resumed from), how many samples, progress and
 * cancellation.
 *
 * <p>Thread-safety: immutable; build with {@link #builder()}.
 */
public final class EvalOptions {
    private final Path results;
    private final long limit;
    private final ProgressListener listener;
    private final String run;
    private final boolean restart;
    private final int modelFrames;
    private final VideoPredictions videoPredictions;

    private EvalOptions(Builder b) {
        this.results = b.results;
        this.limit = b.limit;
        this.listener = b.listener;
        this.run = b.run;
        this.restart = b.restart;
        this.modelFrames = b.modelFrames;
        this.videoPredictions = b.videoPredictions;
    }

    /** No results file, every sample, no listener. */
    public static EvalOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The JSON-lines results file, or null to keep results in memory only (no resume). */
    public Path results() {
        return results;
    }

    /** Evaluate only the first {@code limit} samples in data-set order; -1 for all. */
    public long limit() {
        return limit;
    }

    public ProgressListener listener() {
        return listener;
    }

    /**
     * A description of the run (model, configuration) stored in the results file's header; resuming a file written
     * with another description fails, so results of different runs are never mixed.
     */
    public String run() {
        return run;
    }

    /** True to discard an existing results file instead of resuming it. */
    public boolean restart() {
        return restart;
    }

    /**
     * Video only: how many frames from the start of a clip the model sees (1 = the first frame, as an image model
     * needs; more only for models that support video). The maps are always the first frame's (method.md section 2,
     * step 9).
     */
    public int modelFrames() {
        return modelFrames;
    }

    /**
     * Video only: where each sample's masks go besides being scored, e.g. {@link org.refam.eval.davis.DavisResults}
     * (DAVIS label maps per annotation run, the objects of a run merged as ReferFormer does, for the official DAVIS
     * 2017 code); null (the default) for nowhere.
     */
    public VideoPredictions videoPredictions() {
        return videoPredictions;
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private Path results;
        private long limit = -1;
        private ProgressListener listener = ProgressListener.NONE;
        private String run = "";
        private boolean restart;
        private int modelFrames = 1;
        private VideoPredictions videoPredictions;

        private Builder() {
        }

        public Builder results(Path results) {
            this.results = results;
            return this;
        }

        /** At most {@code limit} samples (>= 0), or -1 for all. */
        public Builder limit(long limit) {
            if (limit < -1) {
                throw new IllegalArgumentException("limit must be >= 0, or -1 for all, got " + limit);
            }
            this.limit = limit;
            return this;
        }

        public Builder listener(ProgressListener listener) {
            this.listener = listener == null ? ProgressListener.NONE : listener;
            return this;
        }

        public Builder run(String run) {
            this.run = Objects.requireNonNull(run, "run");
            return this;
        }

        public Builder restart(boolean restart) {
            this.restart = restart;
            return this;
        }

        public Builder modelFrames(int frames) {
            if (frames < 1) {
                throw new IllegalArgumentException("modelFrames must be >= 1, got " + frames);
            }
            this.modelFrames = frames;
            return this;
        }

        /** See {@link EvalOptions#videoPredictions()}; null for none. */
        public Builder videoPredictions(VideoPredictions sink) {
            this.videoPredictions = sink;
            return this;
        }

        public EvalOptions build() {
            return new EvalOptions(this);
        }
    }
}
