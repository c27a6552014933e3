package org.refam.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.refam.api.ProgressListener;
import org.refam.api.PromptableSegmenter;
import org.refam.api.Redistributor;
import org.refam.api.SamplingOptions;
import org.refam.api.SinkHandler;
import org.refam.api.TokenFilter;
import org.refam.core.sink.GlobalSinkHandler;
import org.refam.core.text.DefaultTokenFilter;
import org.refam.core.text.MagnetRedistributor;

/**
 * How {@link RefAM} grounds an expression. Every stage of the method (method.md section 2) can be switched on and
 * off on its own, which is how the ablation table is produced.
 *
 * <p>Defaults ({@link #defaults()}), with where each comes from:
 * <ul>
 *   <li>magnets: on, {@link MagnetRedistributor#DEFAULT_WORDS} (the five words of the paper's figure, step 1);</li>
 *   <li>blocks: empty, i.e. the extractor's {@link org.refam.api.ModelInfo#defaultBlocks()}; head mean
 *       (keepHeads false);</li>
 *   <li>renormalisation: {@link Renormalization#AFTER_AVERAGE} over {@link RenormalizationKeys#ALL} text keys.
 *       The paper leaves the order open (step 5); after averaging is the softmax over text keys of the averaged
 *       attention, it weighs blocks by the text attention they actually pay and does not blow up rows with almost
 *       no text mass in a single block. All keys is the literal reading of step 5;</li>
 *   <li>sinks: {@link GlobalSinkHandler#standard()} ({@code REDIRECT}: the magnets' end tokens become the sinks as in
 *       the paper's figure, step 6; it suppresses when there are no magnets);</li>
 *   <li>filter: {@link DefaultTokenFilter#standard()} (step 7);</li>
 *   <li>smoothing sigma: 0 grid cells (off: the paper takes the argmax of the upsampled sum, step 8);</li>
 *   <li>mask threshold: 0.5 of the peak (the paper uses SAM; the coarse built-in mask is this project's fallback:
 *       the pixels at or above {@code threshold * peak} that are 4-connected to the peak);</li>
 *   <li>no segmenter; sampling {@link SamplingOptions#DEFAULT}; no truncation (a too-long expression throws);
 *       per-token maps not kept; no progress listener.</li>
 * </ul>
 *
 * <p>Thread-safety: immutable; the objects it holds (filter, sink handler, redistributor, segmenter, listener)
 * must be thread-safe for concurrent grounding.
 */
public final class RefAMConfig {
    private final Redistributor redistributor;
    private final List<Integer> blocks;
    private final boolean keepHeads;
    private final Renormalization renormalization;
    private final RenormalizationKeys renormalizationKeys;
    private final SinkHandler sinkHandler;
    private final TokenFilter tokenFilter;
    private final double smoothingSigma;
    private final double maskThreshold;
    private final PromptableSegmenter segmenter;
    private final SamplingOptions sampling;
    private final boolean truncate;
    private final boolean keepTokenMaps;
    private final ProgressListener listener;

    private RefAMConfig(Builder b) {
        this.redistributor = b.redistributor;
        this.blocks = List.copyOf(b.blocks);
        this.keepHeads = b.keepHeads;
        this.renormalization = b.renormalization;
        this.renormalizationKeys = b.renormalizationKeys;
        this.sinkHandler = b.sinkHandler;
        this.tokenFilter = b.tokenFilter;
        this.smoothingSigma = b.smoothingSigma;
        this.maskThreshold = b.maskThreshold;
        this.segmenter = b.segmenter;
        this.sampling = b.sampling;
        this.truncate = b.truncate;
        this.keepTokenMaps = b.keepTokenMaps;
        this.listener = b.listener;
    }

    /** The full RefAM pipeline with the defaults listed in the class comment. */
    public static RefAMConfig defaults() {
        return builder().build();
    }

    /**
     * Raw summed attention, the "none" row of the ablation: no magnets, no sink handling, no renormalisation, and a
     * filter that keeps every token (padding and special tokens included).
     */
    public static RefAMConfig raw() {
        return builder().magnets(false).sinkHandler(null).renormalization(Renormalization.NONE)
                .tokenFilter(DefaultTokenFilter.keepAll()).build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised with this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.redistributor = redistributor;
        b.blocks = new ArrayList<>(blocks);
        b.keepHeads = keepHeads;
        b.renormalization = renormalization;
        b.renormalizationKeys = renormalizationKeys;
        b.sinkHandler = sinkHandler;
        b.tokenFilter = tokenFilter;
        b.smoothingSigma = smoothingSigma;
        b.maskThreshold = maskThreshold;
        b.segmenter = segmenter;
        b.sampling = sampling;
        b.truncate = truncate;
        b.keepTokenMaps = keepTokenMaps;
        b.listener = listener;
        return b;
    }

    /** True when magnets are appended (a redistributor is set). */
    public boolean magnets() {
        return redistributor != null;
    }

    /** The redistributor that appends magnets, or {@code null} when magnets are off. */
    public Redistributor redistributor() {
        return redistributor;
    }

    /** Blocks to read; empty means the extractor's default blocks. */
    public List<Integer> blocks() {
        return blocks;
    }

    /** True to ask the extractor for per-head attention (the pipeline then takes the head mean itself). */
    public boolean keepHeads() {
        return keepHeads;
    }

    public Renormalization renormalization() {
        return renormalization;
    }

    public RenormalizationKeys renormalizationKeys() {
        return renormalizationKeys;
    }

    /** The sink handler, or {@code null} when sinks are not handled (no text-to-text attention is requested). */
    public SinkHandler sinkHandler() {
        return sinkHandler;
    }

    public TokenFilter tokenFilter() {
        return tokenFilter;
    }

    /** Gaussian smoothing of the grid heat map, standard deviation in grid cells; 0 = off. */
    public double smoothingSigma() {
        return smoothingSigma;
    }

    /** Built-in mask threshold as a fraction of the peak value, in (0, 1]. */
    public double maskThreshold() {
        return maskThreshold;
    }

    /** The promptable segmenter that replaces the built-in mask, or {@code null}. Not owned: the caller closes it. */
    public PromptableSegmenter segmenter() {
        return segmenter;
    }

    public SamplingOptions sampling() {
        return sampling;
    }

    /** True to truncate an expression longer than the model's text length instead of throwing. */
    public boolean truncate() {
        return truncate;
    }

    /** True to return every token's map in {@link org.refam.api.GroundingResult#tokenMaps()}. */
    public boolean keepTokenMaps() {
        return keepTokenMaps;
    }

    public ProgressListener listener() {
        return listener;
    }

    @Override
    public String toString() {
        return "RefAMConfig{magnets=" + redistributor + ", blocks=" + (blocks.isEmpty() ? "default" : blocks)
                + ", keepHeads=" + keepHeads + ", renormalization=" + renormalization + " over "
                + renormalizationKeys + ", sinks=" + sinkHandler + ", filter=" + tokenFilter + ", smoothingSigma="
                + smoothingSigma + ", maskThreshold=" + maskThreshold + ", segmenter=" + segmenter + ", sampling="
                + sampling + ", truncate=" + truncate + ", keepTokenMaps=" + keepTokenMaps + ", listener="
                + (listener == ProgressListener.NONE ? "none" : listener) + "}";
    }

    /** Mutable builder; not thread-safe. Starts from the defaults of {@link RefAMConfig}. */
    public static final class Builder {
        private Redistributor redistributor = MagnetRedistributor.standard();
        private List<Integer> blocks = new ArrayList<>();
        private boolean keepHeads;
        private Renormalization renormalization = Renormalization.AFTER_AVERAGE;
        private RenormalizationKeys renormalizationKeys = RenormalizationKeys.ALL;
        private SinkHandler sinkHandler = GlobalSinkHandler.standard();
        private TokenFilter tokenFilter = DefaultTokenFilter.standard();
        private double smoothingSigma;
        private double maskThreshold = 0.5;
        private PromptableSegmenter segmenter;
        private SamplingOptions sampling = SamplingOptions.DEFAULT;
        private boolean truncate;
        private boolean keepTokenMaps;
        private ProgressListener listener = ProgressListener.NONE;

        private Builder() {
        }

        /** Magnets on with the paper's default words (unless words or a redistributor were set), or off. */
        public Builder magnets(boolean on) {
            if (!on) {
                redistributor = null;
            } else if (redistributor == null) {
                redistributor = MagnetRedistributor.standard();
            }
            return this;
        }

        /** Magnets on with these words (an empty list turns them off). */
        public Builder magnetWords(List<String> words) {
            redistributor = words.isEmpty() ? null : new MagnetRedistributor(words);
            return this;
        }

        /** A custom redistributor; {@code null} turns magnets off. */
        public Builder redistributor(Redistributor redistributor) {
            this.redistributor = redistributor;
            return this;
        }

        /** Blocks to read (empty = the extractor's default); each >= 0, no repeats. */
        public Builder blocks(List<Integer> blocks) {
            Objects.requireNonNull(blocks, "blocks");
            if (blocks.stream().anyMatch(b -> b == null || b < 0) || blocks.stream().distinct().count() != blocks.size()) {
                throw new IllegalArgumentException("blocks must be distinct and >= 0, got " + blocks);
            }
            this.blocks = new ArrayList<>(blocks);
            return this;
        }

        public Builder keepHeads(boolean keepHeads) {
            this.keepHeads = keepHeads;
            return this;
        }

        public Builder renormalization(Renormalization r) {
            this.renormalization = Objects.requireNonNull(r, "renormalization");
            return this;
        }

        public Builder renormalizationKeys(RenormalizationKeys keys) {
            this.renormalizationKeys = Objects.requireNonNull(keys, "renormalizationKeys");
            return this;
        }

        /** The sink handler; {@code null} disables sink handling. */
        public Builder sinkHandler(SinkHandler handler) {
            this.sinkHandler = handler;
            return this;
        }

        public Builder tokenFilter(TokenFilter filter) {
            this.tokenFilter = Objects.requireNonNull(filter, "tokenFilter");
            return this;
        }

        /** Standard deviation of the grid smoothing in cells, finite and >= 0 (0 = off). */
        public Builder smoothingSigma(double sigma) {
            if (!(sigma >= 0) || Double.isInfinite(sigma)) {
                throw new IllegalArgumentException("smoothingSigma must be finite and >= 0, got " + sigma);
            }
            this.smoothingSigma = sigma;
            return this;
        }

        /** Built-in mask threshold relative to the peak, in (0, 1]. */
        public Builder maskThreshold(double threshold) {
            if (!(threshold > 0 && threshold <= 1)) {
                throw new IllegalArgumentException("maskThreshold must lie in (0, 1], got " + threshold);
            }
            this.maskThreshold = threshold;
            return this;
        }

        /** A promptable segmenter replacing the built-in mask, or {@code null}. */
        public Builder segmenter(PromptableSegmenter segmenter) {
            this.segmenter = segmenter;
            return this;
        }

        public Builder sampling(SamplingOptions sampling) {
            this.sampling = Objects.requireNonNull(sampling, "sampling");
            return this;
        }

        public Builder truncate(boolean truncate) {
            this.truncate = truncate;
            return this;
        }

        public Builder keepTokenMaps(boolean keep) {
            this.keepTokenMaps = keep;
            return this;
        }

        public Builder listener(ProgressListener listener) {
            this.listener = listener == null ? ProgressListener.NONE : listener;
            return this;
        }

        public RefAMConfig build() {
            return new RefAMConfig(this);
        }
    }
}
