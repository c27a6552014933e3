package org.refam.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.refam.api.AttentionExtractor;
import org.refam.api.AttentionMaps;
import org.refam.api.AttentionSlice;
import org.refam.api.BlockSinks;
import org.refam.api.ExtractionRequest;
import org.refam.api.GroundingResult;
import org.refam.api.HeatMap;
import org.refam.api.ImageGeometry;
import org.refam.api.InvalidAttentionException;
import org.refam.api.InvalidExpressionException;
import org.refam.api.InvalidImageException;
import org.refam.api.Mask;
import org.refam.api.PixelPoint;
import org.refam.api.PointPrompt;
import org.refam.api.PromptTokenizer;
import org.refam.api.RefAmException;
import org.refam.api.RgbImage;
import org.refam.api.Sink;
import org.refam.api.SinkHandler;
import org.refam.api.SinkWorkspace;
import org.refam.api.Token;
import org.refam.api.TokenDecision;
import org.refam.api.TokenMap;
import org.refam.api.TokenRole;
import org.refam.api.TokenSelection;
import org.refam.api.TokenizedPrompt;
import org.refam.core.kernel.AttentionKernels;
import org.refam.core.text.Prompts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: grounds a referring expression in an image (or the first frame of a clip) with the RefAM
 * pipeline of method.md section 2, on top of any {@link AttentionExtractor}.
 *
 * <p>Per expression: tokenize ({@link Prompts#expression}), append magnets (step 1), pad, extract the attention of
 * the configured blocks (steps 2-4), then per (forward pass, block): head mean, sink handling (step 6) and the
 * optional per-slice renormalisation; average over passes and blocks, optional renormalisation of the average
 * (step 5), filter the tokens (step 7), sum the kept tokens' maps of the first frame, smooth, upsample to the
 * image, take the argmax and turn it into a mask (step 8; video: step 9). Every stage is configured in
 * {@link RefAMConfig}.
 *
 * <p>Memory: two {@code N x T} float buffers (three with per-head renormalisation) and one {@code T x T} buffer for
 * text-to-text attention work as scratch space; nothing of size {@code N x N} is ever built. The scratch buffers are
 * kept in a pool and reused by later calls: the pool holds one set per call that ran at the same time, each as large
 * as the largest shape it served, so once warmed up a call allocates only what it returns (the grid and image-size
 * heat maps, and the per-token maps when {@link RefAMConfig#keepTokenMaps()} is on). {@link #releaseBuffers()} drops
 * the idle sets, e.g. after an unusually large image.
 *
 * <p>Ownership: {@code RefAM} does not own the extractor nor the configured segmenter; it never closes them, and is
 * therefore not {@link AutoCloseable}. Close them yourself after the last call.
 *
 * <p>Thread-safety: thread-safe when the extractor and the configured components are (the bundled ones are):
 * every call works on its own scratch buffers, taken from the pool.
 */
public final class RefAM {
    private static final Logger LOG = LoggerFactory.getLogger(RefAM.class);

    private final AttentionExtractor extractor;
    private final RefAMConfig config;
    private final Workspace.Pool workspaces = new Workspace.Pool();

    /**
     * @param extractor the backend, not owned (see the class comment)
     * @param config the pipeline's configuration
     */
    public RefAM(AttentionExtractor extractor, RefAMConfig config) {
        this.extractor = Objects.requireNonNull(extractor, "extractor");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** A pipeline with {@link RefAMConfig#defaults()}. */
    public static RefAM of(AttentionExtractor extractor) {
        return new RefAM(extractor, RefAMConfig.defaults());
    }

    public AttentionExtractor extractor() {
        return extractor;
    }

    public RefAMConfig config() {
        return config;
    }

    /**
     * Lets the garbage collector reclaim the idle scratch buffers (see "Memory" in the class comment): up to
     * {@code 3 N T + T^2} floats per call that ever ran at the same time. Calls in flight keep theirs and return them
     * when they end; later calls allocate anew. Safe to call at any time, from any thread.
     */
    public void releaseBuffers() {
        workspaces.clear();
    }

    /**
     * Grounds {@code expression} in {@code image}.
     *
     * @return heat maps, peak, mask, token decisions, sinks and timings
     * @throws InvalidExpressionException if the expression is empty or every token of it is filtered out
     * @throws org.refam.api.PromptTooLongException if it does not fit the model and truncation is off
     * @throws InvalidImageException if the image is missing or unusable
     * @throws InvalidAttentionException if the extractor returns attention that breaks its contract (NaN, wrong
     *     shapes, a geometry that does not match the image)
     */
    public GroundingResult ground(RgbImage image, String expression) {
        return ground(List.of(requireImage(image)), expression);
    }

    /**
     * Grounds several expressions in one image with a single {@link AttentionExtractor#extractAll} call, so that
     * batching backends can batch. Every expression is checked (empty, all filtered, too long) before the model
     * runs. Results come in the order of {@code expressions}. When the extractor reports no timings, each result's
     * {@code extract} time is the batch's wall time divided by the number of expressions.
     *
     * @throws InvalidExpressionException naming the first unusable expression
     */
    public List<GroundingResult> groundAll(RgbImage image, List<String> expressions) {
        List<RgbImage> frames = List.of(requireImage(image));
        Objects.requireNonNull(expressions, "expressions");
        List<Prepared> prepared = new ArrayList<>(expressions.size());
        List<ExtractionRequest> requests = new ArrayList<>(expressions.size());
        for (String e : expressions) {
            Prepared p = prepare(e);
            prepared.add(p);
            requests.add(request(frames, p.prompt));
        }
        if (requests.isEmpty()) {
            return List.of();
        }
        config.listener().checkCancelled("extract");
        long t0 = System.nanoTime();
        List<AttentionMaps> maps = extractor.extractAll(requests);
        long wall = (System.nanoTime() - t0) / requests.size();
        if (maps == null || maps.size() != requests.size()) {
            throw new InvalidAttentionException("the extractor returned " + (maps == null ? "null" : maps.size())
                    + " attention maps for " + requests.size() + " requests");
        }
        List<GroundingResult> out = new ArrayList<>(maps.size());
        for (int i = 0; i < maps.size(); i++) {
            out.add(process(frames, prepared.get(i), maps.get(i), wall));
        }
        return out;
    }

    /**
     * Grounds {@code expression} in a clip: the model sees all frames, the heat map, peak and mask are those of the
     * first frame (method.md section 2, step 9; propagating the mask through the clip is the segmenter's job, e.g.
     * SAM2). One frame behaves like {@link #ground(RgbImage, String)}.
     *
     * @throws InvalidImageException if there are no frames, frames differ in size, or the model does not support
     *     video and more than one frame is given
     */
    public GroundingResult ground(List<RgbImage> frames, String expression) {
        if (frames == null || frames.isEmpty()) {
            throw new InvalidImageException("grounding needs at least one frame");
        }
        RgbImage first = requireImage(frames.get(0));
        for (int i = 1; i < frames.size(); i++) {
            RgbImage f = requireImage(frames.get(i));
            if (f.width() != first.width() || f.height() != first.height()) {
                throw new InvalidImageException("frame " + i + " is " + f.width() + "x" + f.height()
                        + " but frame 0 is " + first.width() + "x" + first.height());
            }
        }
        if (frames.size() > 1 && !extractor.info().supportsVideo()) {
            throw new InvalidImageException("model " + extractor.info().name() + " does not support video; got "
                    + frames.size() + " frames");
        }
        Prepared p = prepare(expression);
        config.listener().checkCancelled("extract");
        long t0 = System.nanoTime();
        AttentionMaps maps = extractor.extract(request(frames, p.prompt));
        return process(frames, p, maps, System.nanoTime() - t0);
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A prompt ready for extraction and the time it took to build. */
    private record Prepared(TokenizedPrompt prompt, long tokenizeNanos) {
    }

    private static RgbImage requireImage(RgbImage image) {
        if (image == null) {
            throw new InvalidImageException("the image is null");
        }
        return image;
    }

    private Prepared prepare(String expression) {
        long t0 = System.nanoTime();
        PromptTokenizer tokenizer = extractor.tokenizer();
        TokenizedPrompt prompt = Prompts.expression(expression, tokenizer, config.truncate());
        if (prompt.truncatedTokens() > 0) {
            LOG.warn("truncated '{}': {} tokens did not fit the model's text length {}", expression,
                    prompt.truncatedTokens(), tokenizer.maxLength());
        }
        if (config.redistributor() != null) {
            prompt = config.redistributor().redistribute(prompt, tokenizer);
        }
        prompt = Prompts.pad(prompt, tokenizer);
        // sinks can only remove tokens: if nothing survives without them, fail before running the model
        TokenSelection selection = config.tokenFilter().select(prompt, Set.of());
        requireKept(prompt, selection);
        return new Prepared(prompt, System.nanoTime() - t0);
    }

    private ExtractionRequest request(List<RgbImage> frames, TokenizedPrompt prompt) {
        SinkHandler h = config.sinkHandler();
        return new ExtractionRequest(frames, prompt, config.blocks(), config.keepHeads(),
                (h != null && h.usesTextToText()) || config.keepTokenMaps(), config.sampling(), config.listener());
    }

    private static void requireKept(TokenizedPrompt prompt, TokenSelection selection) {
        if (selection.decisions().size() != prompt.size()) {
            throw new IllegalStateException("the token filter decided for " + selection.decisions().size()
                    + " tokens of a " + prompt.size() + "-token prompt");
        }
        if (selection.keptPositions().length > 0) {
            return;
        }
        StringBuilder why = new StringBuilder();
        int magnets = 0;
        int padding = 0;
        for (TokenDecision d : selection.decisions()) {
            Token t = prompt.token(d.position());
            if (t.role() == TokenRole.PADDING) {
                padding++;
            } else if (t.isAuxiliary()) {
                magnets++;
            } else {
                if (why.length() > 0) {
                    why.append(", ");
                }
                String text = t.text().length() > 1 ? t.text().replace("\u2581", "") : t.text();
                why.append(text).append('=').append(d.reason());
            }
        }
        if (magnets > 0 || padding > 0) {
            why.append(" (and ").append(magnets).append(" magnet tokens, ").append(padding).append(" padding tokens)");
        }
        throw new InvalidExpressionException("all tokens of '" + prompt.expression() + "' were filtered: " + why);
    }

    private GroundingResult process(List<RgbImage> frames, Prepared prepared, AttentionMaps maps, long extractNanos) {
        if (maps == null) {
            throw new InvalidAttentionException("the extractor returned no attention maps for '"
                    + prepared.prompt.expression() + "'");
        }
        TokenizedPrompt prompt = maps.prompt();
        if (!prompt.expression().equals(prepared.prompt.expression())) {
            throw new InvalidAttentionException("the extractor returned attention for '" + prompt.expression()
                    + "' when asked for '" + prepared.prompt.expression() + "'");
        }
        ImageGeometry g = maps.geometry();
        RgbImage image = frames.get(0);
        if (g.imageWidth() != image.width() || g.imageHeight() != image.height()) {
            throw new InvalidAttentionException("the extractor's geometry maps to a " + g.imageWidth() + "x"
                    + g.imageHeight() + " image but the image is " + image.width() + "x" + image.height());
        }
        Map<String, Duration> timings = new LinkedHashMap<>();
        if (maps.timings().isEmpty()) {
            timings.put("extract", Duration.ofNanos(extractNanos));
        } else {
            maps.timings().forEach((k, v) -> timings.put("extract:" + k, v));
        }
        timings.put("tokenize", Duration.ofNanos(prepared.tokenizeNanos));

        Workspace ws = workspaces.take();
        try {
            return postProcess(frames.get(0), maps, timings, ws);
        } finally {
            workspaces.give(ws);
        }
    }

    /** Steps 5 to 8 on the validated maps, with the scratch buffers of {@code ws}. */
    private GroundingResult postProcess(RgbImage image, AttentionMaps maps, Map<String, Duration> timings,
                                        Workspace ws) {
        TokenizedPrompt prompt = maps.prompt();
        ImageGeometry g = maps.geometry();
        long t0 = System.nanoTime();
        Aggregate agg = aggregate(maps, ws);
        long t1 = System.nanoTime();
        timings.put("aggregate", Duration.ofNanos(t1 - t0 - agg.sinkNanos));
        timings.put("sinks", Duration.ofNanos(agg.sinkNanos));

        Set<Integer> sinkPositions = new LinkedHashSet<>();
        for (BlockSinks b : agg.sinks) {
            for (Sink s : b.sinks()) {
                sinkPositions.add(s.position());
            }
        }
        TokenSelection selection = config.tokenFilter().select(prompt, sinkPositions);
        requireKept(prompt, selection);
        int[] kept = selection.keptPositions();
        long t2 = System.nanoTime();
        timings.put("filter", Duration.ofNanos(t2 - t1));

        int t = prompt.size();
        int perFrame = g.tokensPerFrame();
        float[] grid = new float[perFrame];
        AttentionKernels.sumColumns(agg.matrix, 0, perFrame, t, kept, grid);
        if (config.smoothingSigma() > 0) {
            AttentionKernels.gaussianSmooth(grid, g.gridHeight(), g.gridWidth(), config.smoothingSigma(), grid);
        }
        List<TokenMap> tokenMaps = new ArrayList<>();
        if (config.keepTokenMaps()) {
            for (int j = 0; j < t; j++) {
                float[] m = new float[perFrame];
                AttentionKernels.gatherColumn(agg.matrix, 0, perFrame, t, j, m);
                tokenMaps.add(new TokenMap(j, prompt.token(j), selection.decisions().get(j),
                        new HeatMap(g.gridHeight(), g.gridWidth(), m)));
            }
        }
        long t3 = System.nanoTime();
        timings.put("heatmap", Duration.ofNanos(t3 - t2));

        int w = image.width();
        int h = image.height();
        float[] pixels = new float[w * h];
        AttentionKernels.upsampleBilinear(grid, 0, g, pixels);
        int peakIndex = AttentionKernels.argmax(pixels, 0, pixels.length);
        PixelPoint peak = new PixelPoint(peakIndex % w, peakIndex / w);
        long t4 = System.nanoTime();
        timings.put("upsample", Duration.ofNanos(t4 - t3));

        Mask mask;
        if (config.segmenter() != null) {
            mask = config.segmenter().segment(image, List.of(new PointPrompt(peak.x(), peak.y(), true)));
            if (mask == null || mask.width() != w || mask.height() != h) {
                throw new RefAmException("the segmenter returned a "
                        + (mask == null ? "null" : mask.width() + "x" + mask.height()) + " mask for a " + w + "x" + h
                        + " image");
            }
        } else {
            mask = ThresholdMask.of(pixels, w, h, peakIndex, config.maskThreshold());
        }
        timings.put("mask", Duration.ofNanos(System.nanoTime() - t4));

        if (LOG.isDebugEnabled()) {
            LOG.debug("grounded '{}': kept {} of {} tokens, sinks at {}, peak {} (score {})", prompt.expression(),
                    kept.length, t, sinkPositions, peak, pixels[peakIndex]);
        }
        return new GroundingResult(prompt, new HeatMap(g.gridHeight(), g.gridWidth(), grid), new HeatMap(h, w, pixels),
                peak, pixels[peakIndex], mask, tokenMaps,
                agg.text == null ? null : new HeatMap(t, t, agg.text), selection, agg.sinks, maps.provider(), timings);
    }

    /**
     * The averaged {@code [N, T]} attention (a workspace buffer, valid until the workspace goes back to the pool),
     * the averaged raw {@code [T, T]} text attention when per-token maps are kept (else null; a new array, it goes
     * into the result), and the sinks found on the way.
     */
    private record Aggregate(float[] matrix, float[] text, List<BlockSinks> sinks, long sinkNanos) {
    }

    private Aggregate aggregate(AttentionMaps maps, Workspace ws) {
        TokenizedPrompt prompt = maps.prompt();
        List<Integer> requested = config.blocks();
        int n = maps.geometry().imageTokens();
        int t = prompt.size();
        List<AttentionSlice> slices = maps.slices();
        int count = slices.size();
        Renormalization renorm = config.renormalization();
        int[] keys = renormalizationKeys(prompt);
        SinkHandler handler = config.sinkHandler();
        boolean perHead = renorm == Renormalization.PER_SLICE && config.keepHeads();

        float[] work = ws.work(n * t);
        float[] acc = work;
        if (count > 1) {
            acc = ws.average(n * t);
            Arrays.fill(acc, 0, n * t, 0f);
        }
        float[] head = null;
        float[] text = null;
        float[] textAcc = null;
        int textSlices = 0;
        List<BlockSinks> sinks = new ArrayList<>();
        long sinkNanos = 0;
        for (int k = 0; k < count; k++) {
            config.listener().checkCancelled("aggregate");
            AttentionSlice s = slices.get(k);
            if (!requested.isEmpty() && !requested.contains(s.block())) {
                throw new InvalidAttentionException("the extractor returned block " + s.block()
                        + " but blocks " + requested + " were requested");
            }
            if (s.textToText() != null) {
                AttentionKernels.requireFinite(s.textToText(), "text-to-text attention", s.sample(), s.block());
            }
            if (perHead && s.heads() > 1) {
                AttentionKernels.requireFinite(s.imageToText(), "image-to-text attention", s.sample(), s.block());
                Arrays.fill(work, 0, n * t, 0f);
                if (head == null) {
                    head = ws.head(n * t);
                }
                for (int hh = 0; hh < s.heads(); hh++) {
                    Arrays.fill(head, 0, n * t, 0f);
                    AttentionKernels.accumulateHead(s.imageToText(), hh, 1f, head);
                    AttentionKernels.renormalizeRows(head, 0, n, t, keys);
                    AttentionKernels.accumulate(head, n, t, 1f / s.heads(), work);
                }
            } else {
                AttentionKernels.headMean(s.imageToText(), 1f, work);
                // the mean is finite where every head is: check the N x T mean, and the [H, N, T] input (one pass
                // over the largest array less) only to name the bad value
                if (!AttentionKernels.allFinite(work, 0, n * t)) {
                    AttentionKernels.requireFinite(s.imageToText(), "image-to-text attention", s.sample(),
                            s.block());
                }
            }
            if (config.keepTokenMaps() && s.textToText() != null) {
                if (textAcc == null) {
                    textAcc = new float[t * t];
                }
                AttentionKernels.accumulateHeadMean(s.textToText(), 1f, textAcc);
                textSlices++;
            }
            if (handler != null) {
                float[] txt = null;
                if (s.textToText() != null && handler.usesTextToText()) {
                    if (text == null) {
                        text = ws.text(t * t);
                    }
                    AttentionKernels.headMean(s.textToText(), 1f, text);
                    txt = text;
                }
                long h0 = System.nanoTime();
                BlockSinks found = handler.handle(new SinkWorkspace(s.sample(), s.block(), prompt, n, work, txt));
                sinkNanos += System.nanoTime() - h0;
                sinks.add(Objects.requireNonNull(found, "the sink handler returned null"));
            }
            if (renorm == Renormalization.PER_SLICE) {
                AttentionKernels.renormalizeRows(work, 0, n, t, keys);
            }
            if (acc != work) {
                AttentionKernels.accumulate(work, n, t, 1f / count, acc);
            }
            config.listener().progress("aggregate", k + 1, count);
        }
        if (renorm == Renormalization.AFTER_AVERAGE) {
            AttentionKernels.renormalizeRows(acc, 0, n, t, keys);
        }
        if (textAcc != null) {
            for (int i = 0; i < textAcc.length; i++) {
                textAcc[i] /= textSlices;
            }
        }
        return new Aggregate(acc, textAcc, sinks, sinkNanos);
    }

    /** The renormalisation key set, or {@code null} for all keys. */
    private int[] renormalizationKeys(TokenizedPrompt prompt) {
        switch (config.renormalizationKeys()) {
            case NON_PADDING:
                return java.util.stream.IntStream.range(0, prompt.size())
                        .filter(j -> prompt.token(j).role() != TokenRole.PADDING).toArray();
            case KEPT:
                return config.tokenFilter().select(prompt, Set.of()).keptPositions();
            case ALL:
            default:
                return null;
        }
    }

    @Override
    public String toString() {
        return "RefAM{extractor=" + extractor.getClass().getSimpleName() + ", config=" + config + "}";
    }
}
