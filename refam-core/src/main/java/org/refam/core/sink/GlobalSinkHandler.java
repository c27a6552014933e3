package org.refam.core.sink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.refam.api.BlockSinks;
import org.refam.api.Sink;
import org.refam.api.SinkAction;
import org.refam.api.SinkHandler;
import org.refam.api.SinkWorkspace;
import org.refam.api.Token;
import org.refam.api.TokenRole;
import org.refam.api.TokenizedPrompt;
import org.refam.core.kernel.AttentionKernels;

/**
 * Detects global attention sinks (GAS) in one block and suppresses or redirects them (method.md section 2,
 * step 6).
 *
 * <p><b>Rule.</b> Text key {@code j} is a sink in a block when both hold:
 * <ol>
 *   <li><i>strong</i>: the mean share of attention it receives over all queries, image rows and (when the
 *       workspace has it) text rows, is at least {@link #strength()} times the uniform share {@code 1/T}. The
 *       share of a query row is its value divided by the row's sum over the text keys, so the statistic does not
 *       depend on how much of a row's mass went to image keys, nor on a constant scale;</li>
 *   <li><i>flat</i>: the coefficient of variation (standard deviation / mean) of its image map over the image
 *       rows is at most {@link #maxVariation()}.</li>
 * </ol>
 * Only blocks in [{@link #minBlock()}, {@link #maxBlock()}] are inspected; padding keys may be sinks unless
 * {@link Builder#paddingSinks(boolean)} says no (FLUX has no padding mask: padding keys are live and can become
 * sinks). Statistics are taken before any change, then all sinks are handled.
 *
 * <p><b>Defaults</b> (the paper does not publish its rule; these are this project's choice):
 * <ul>
 *   <li>{@code strength = 4.0}: a sink takes several uniform shares from every query. Padding in FLUX spreads
 *       thin and flat (each pad key gets about its uniform share or less, strength near 1), so a bound well
 *       above 1 keeps flat-but-weak keys out, while the sink of the paper's figure (token 0 drawing a large
 *       part of every row) is far above it;</li>
 *   <li>{@code maxVariation = 0.5}: a map that is constant on a fraction {@code a} of the image and zero elsewhere
 *       has CV {@code sqrt((1 - a) / a)}, which is at most 0.5 only when {@code a >= 0.8}. A content word whose
 *       object covers less than 80% of the image is therefore never taken for a sink, however strong;</li>
 *   <li>all blocks, padding may be sink, mode {@link SinkMode#REDIRECT} (as in the paper's figure, where the
 *       appended magnets' end tokens become the sinks).</li>
 * </ul>
 *
 * <p><b>Actions.</b> {@code SUPPRESS} zeroes each sink's column in image-to-text and text-to-text attention.
 * {@code REDIRECT} adds each sink's column to the redirect targets in equal parts and zeroes it, so every row keeps
 * its mass: the targets are the end tokens of the appended magnets (special tokens of segment > 0) when there are
 * any, otherwise all auxiliary tokens, never a sink itself; without targets it suppresses and reports
 * {@link SinkAction#SUPPRESSED}. {@code DETECT_ONLY} changes nothing and reports {@link SinkAction#NONE}.
 *
 * <p>Thread-safety: immutable and thread-safe (per-call state lives in the workspace, local variables and a
 * per-thread set of statistics accumulators).
 */
public final class GlobalSinkHandler implements SinkHandler {
    /** Default strength bound k (multiples of the uniform share 1/T). */
    public static final double DEFAULT_STRENGTH = 4.0;
    /** Default flatness bound on the coefficient of variation of the image map. */
    public static final double DEFAULT_MAX_VARIATION = 0.5;

    private final SinkMode mode;
    private final double strength;
    private final double maxVariation;
    private final int minBlock;
    private final int maxBlock;
    private final boolean paddingSinks;

    private GlobalSinkHandler(Builder b) {
        this.mode = b.mode;
        this.strength = b.strength;
        this.maxVariation = b.maxVariation;
        this.minBlock = b.minBlock;
        this.maxBlock = b.maxBlock;
        this.paddingSinks = b.paddingSinks;
    }

    /** The default handler: {@link SinkMode#REDIRECT}, k = 4, CV <= 0.5, all blocks, padding may be a sink. */
    public static GlobalSinkHandler standard() {
        return builder().build();
    }

    /** A handler with the default rule and the given mode. */
    public static GlobalSinkHandler of(SinkMode mode) {
        return builder().mode(mode).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised with this handler's settings. */
    public Builder toBuilder() {
        return builder().mode(mode).strength(strength).maxVariation(maxVariation).blocks(minBlock, maxBlock)
                .paddingSinks(paddingSinks);
    }

    public SinkMode mode() {
        return mode;
    }

    /** Minimum mean share, in multiples of the uniform share 1/T. */
    public double strength() {
        return strength;
    }

    /** Maximum coefficient of variation of the image map. */
    public double maxVariation() {
        return maxVariation;
    }

    /** First block inspected (inclusive). */
    public int minBlock() {
        return minBlock;
    }

    /** Last block inspected (inclusive). */
    public int maxBlock() {
        return maxBlock;
    }

    /** True when padding keys may be sinks. */
    public boolean paddingSinks() {
        return paddingSinks;
    }

    /** Text-to-text attention is read whenever detection runs (its rows count as queries). */
    @Override
    public boolean usesTextToText() {
        return mode != SinkMode.OFF;
    }

    @Override
    public BlockSinks handle(SinkWorkspace ws) {
        Objects.requireNonNull(ws, "workspace");
        if (mode == SinkMode.OFF || ws.block() < minBlock || ws.block() > maxBlock) {
            return new BlockSinks(ws.sample(), ws.block(), List.of(), SinkAction.NONE);
        }
        List<Sink> sinks = detect(ws);
        if (sinks.isEmpty() || mode == SinkMode.DETECT_ONLY) {
            return new BlockSinks(ws.sample(), ws.block(), sinks, SinkAction.NONE);
        }
        int n = ws.imageTokens();
        int t = ws.textTokens();
        float[] img = ws.imageToText();
        float[] txt = ws.textToText();
        int[] targets = mode == SinkMode.REDIRECT ? redirectTargets(ws.prompt(), sinks) : new int[0];
        for (Sink s : sinks) {
            int j = s.position();
            if (targets.length > 0) {
                AttentionKernels.redirectColumn(img, 0, n, t, j, targets);
                if (txt != null) {
                    AttentionKernels.redirectColumn(txt, 0, t, t, j, targets);
                }
            } else {
                AttentionKernels.zeroColumn(img, 0, n, t, j);
                if (txt != null) {
                    AttentionKernels.zeroColumn(txt, 0, t, t, j);
                }
            }
        }
        return new BlockSinks(ws.sample(), ws.block(), sinks,
                targets.length > 0 ? SinkAction.REDIRECTED : SinkAction.SUPPRESSED);
    }

    private List<Sink> detect(SinkWorkspace ws) {
        int n = ws.imageTokens();
        int t = ws.textTokens();
        Statistics st = STATISTICS.get().clear(t);
        double[] sum = st.sum;
        double[] sumSq = st.sumSq;
        double[] share = st.share;
        AttentionKernels.columnStatistics(ws.imageToText(), 0, n, t, sum, sumSq, share);
        long queries = n;
        if (ws.textToText() != null) {
            // the text rows' shares add to the image rows' ones; their sums and squares are not used
            AttentionKernels.columnStatistics(ws.textToText(), 0, t, t, st.textSum, st.textSumSq, share);
            queries += t;
        }
        List<Sink> sinks = new ArrayList<>();
        if (queries == 0 || n == 0) {
            return sinks;
        }
        TokenizedPrompt prompt = ws.prompt();
        for (int j = 0; j < t; j++) {
            if (!paddingSinks && prompt.token(j).role() == TokenRole.PADDING) {
                continue;
            }
            double s = share[j] / queries * t;
            double mean = sum[j] / n;
            if (s < strength || !(mean > 0)) {
                continue;
            }
            double variance = Math.max(0, sumSq[j] / n - mean * mean);
            double cv = Math.sqrt(variance) / mean;
            if (cv <= maxVariation) {
                sinks.add(new Sink(j, s, cv));
            }
        }
        return sinks;
    }

    /**
     * The positions sink mass is redirected to: the end tokens of the appended magnets if any, else every auxiliary
     * token; sinks are never targets.
     */
    static int[] redirectTargets(TokenizedPrompt prompt, List<Sink> sinks) {
        int ends = 0;
        int aux = 0;
        for (int i = 0; i < prompt.size(); i++) {
            if (isTarget(prompt, sinks, i, false)) {
                aux++;
                ends += isTarget(prompt, sinks, i, true) ? 1 : 0;
            }
        }
        boolean endsOnly = ends > 0;
        int[] out = new int[endsOnly ? ends : aux];
        int k = 0;
        for (int i = 0; i < prompt.size(); i++) {
            if (isTarget(prompt, sinks, i, endsOnly)) {
                out[k++] = i;
            }
        }
        return out;
    }

    /** Whether position {@code i} is an auxiliary token (an end token when {@code endOnly}) and not a sink. */
    private static boolean isTarget(TokenizedPrompt prompt, List<Sink> sinks, int i, boolean endOnly) {
        Token tok = prompt.token(i);
        if (!tok.isAuxiliary() || (endOnly && tok.role() != TokenRole.SPECIAL)) {
            return false;
        }
        for (Sink s : sinks) {
            if (s.position() == i) {
                return false;
            }
        }
        return true;
    }

    /**
     * Per-thread accumulators of the column statistics, grown to the largest T seen (five {@code double[T]}: 20 KiB
     * at T = 512), so that handling a block allocates nothing proportional to T. Handlers are shared between
     * threads and {@link #handle} never re-enters itself, so one set per thread suffices.
     */
    private static final ThreadLocal<Statistics> STATISTICS = ThreadLocal.withInitial(Statistics::new);

    /** The accumulators of {@link #detect}; not thread-safe (one per thread). */
    private static final class Statistics {
        double[] sum = new double[0];
        double[] sumSq = new double[0];
        double[] share = new double[0];
        double[] textSum = new double[0];
        double[] textSumSq = new double[0];

        /** Makes room for {@code t} columns and zeroes them. */
        Statistics clear(int t) {
            if (sum.length < t) {
                sum = new double[t];
                sumSq = new double[t];
                share = new double[t];
                textSum = new double[t];
                textSumSq = new double[t];
            } else {
                Arrays.fill(sum, 0, t, 0);
                Arrays.fill(sumSq, 0, t, 0);
                Arrays.fill(share, 0, t, 0);
                Arrays.fill(textSum, 0, t, 0);
                Arrays.fill(textSumSq, 0, t, 0);
            }
            return this;
        }
    }

    @Override
    public String toString() {
        return "GlobalSinkHandler{mode=" + mode + ", strength=" + strength + ", maxVariation=" + maxVariation
                + ", blocks=[" + minBlock + ", " + (maxBlock == Integer.MAX_VALUE ? "max" : maxBlock) + "]"
                + ", paddingSinks=" + paddingSinks + "}";
    }

    /** Mutable builder; not thread-safe. Defaults as in {@link GlobalSinkHandler}'s class comment. */
    public static final class Builder {
        private SinkMode mode = SinkMode.REDIRECT;
        private double strength = DEFAULT_STRENGTH;
        private double maxVariation = DEFAULT_MAX_VARIATION;
        private int minBlock = 0;
        private int maxBlock = Integer.MAX_VALUE;
        private boolean paddingSinks = true;

        private Builder() {
        }

        public Builder mode(SinkMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Minimum mean share in multiples of 1/T; finite and positive. */
        public Builder strength(double k) {
            if (!(k > 0) || Double.isInfinite(k)) {
                throw new IllegalArgumentException("sink strength must be finite and > 0, got " + k);
            }
            this.strength = k;
            return this;
        }

        /** Maximum coefficient of variation of the image map; finite and >= 0. */
        public Builder maxVariation(double cv) {
            if (!(cv >= 0) || Double.isInfinite(cv)) {
                throw new IllegalArgumentException("sink maxVariation must be finite and >= 0, got " + cv);
            }
            this.maxVariation = cv;
            return this;
        }

        /** Blocks inspected, inclusive; {@code max = Integer.MAX_VALUE} means "to the last block". */
        public Builder blocks(int min, int max) {
            if (min < 0 || max < min) {
                throw new IllegalArgumentException("sink block range must satisfy 0 <= min <= max, got [" + min
                        + ", " + max + "]");
            }
            this.minBlock = min;
            this.maxBlock = max;
            return this;
        }

        /** Whether padding keys may be reported as sinks (default true). */
        public Builder paddingSinks(boolean v) {
            this.paddingSinks = v;
            return this;
        }

        public GlobalSinkHandler build() {
            return new GlobalSinkHandler(this);
        }
    }

    /** Parses a mode name case-insensitively ({@code off, detect_only, suppress, redirect}). */
    public static SinkMode parseMode(String name) {
        try {
            return SinkMode.valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown sink mode '" + name + "'; known: off, detect_only, "
                    + "suppress, redirect", e);
        }
    }
}
