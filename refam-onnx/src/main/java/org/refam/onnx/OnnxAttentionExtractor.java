package org.refam.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.refam.api.AttentionExtractor;
import org.refam.api.AttentionMaps;
import org.refam.api.AttentionSlice;
import org.refam.api.DeviceUnavailableException;
import org.refam.api.ExtractionRequest;
import org.refam.api.ExtractorOptions;
import org.refam.api.FloatTensor;
import org.refam.api.InvalidImageException;
import org.refam.api.ModelException;
import org.refam.api.ModelInfo;
import org.refam.api.ProgressListener;
import org.refam.api.PromptTokenizer;
import org.refam.api.RefAmException;
import org.refam.api.RgbImage;
import org.refam.api.SamplingOptions;
import org.refam.api.TokenizedPrompt;
import org.refam.core.text.Prompts;
import org.refam.onnx.ModelBundle.ImageEncoderSpec;
import org.refam.onnx.ModelBundle.PooledTextSpec;
import org.refam.onnx.ModelBundle.TextEncoderSpec;
import org.refam.onnx.ModelBundle.TransformerSpec;
import org.refam.onnx.internal.Device;
import org.refam.onnx.internal.Device.CudaFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AttentionExtractor} that runs a FLUX-class transformer exported to ONNX (a {@link ModelBundle}) with
 * ONNX Runtime, on the CPU or a CUDA GPU (method.md section 2, steps 2-4).
 *
 * <p>One {@link #extract} call: pads the prompt to the model's text length ({@link Prompts#pad}); resizes the
 * image as the manifest's {@code image.resize} says ({@link ImagePreprocessor}: longer side to about
 * {@code image.size}, sides multiples of the cell size, padded at the bottom/right in {@code pad} mode; the
 * mapping is reported through {@link org.refam.api.ImageGeometry}); encodes it to
 * clean tokens {@code x0 [N, C]}; runs the text encoder once (and the CLIP pooled-text encoder when the bundle
 * has one); then for every noise sample {@code k} (draw {@code seed + k}, {@link GaussianNoise}) and timestep
 * {@code t} runs the transformer on {@code x_t = (1 - t) x0 + t eps} with text position ids 0 and image ids
 * {@code (0, row, col)} (FLUX's RoPE convention) and reads the attention of the requested blocks. Passes are
 * ordered noise-sample-major: pass {@code p = k * timesteps + i}; slices come pass by pass, blocks in request
 * order.
 *
 * <p>Only the attention outputs are requested from the transformer (never {@code pred}); ONNX Runtime writes them
 * straight into direct buffers pinned per call and reused across calls ({@link Workspace}), and only the rows of
 * the requested blocks are copied out, once, into the returned arrays. ONNX Runtime still computes every node of
 * the graph: exporting with {@code --stop-after-last} is what removes the work after the last captured block.
 *
 * <p>Properties ({@link ExtractorOptions#properties()}): {@code verifyChecksums} (default {@code true}: SHA-256 of
 * every bundle file before any session is created), {@code intraOpThreads} (ONNX Runtime threads per run; default
 * 0, ONNX Runtime's choice), {@code workspaces} (idle per-call buffer sets kept for reuse, default 2),
 * {@code disabledOptimizers} (comma-separated ONNX Runtime graph optimizers to skip, default
 * {@value #DEFAULT_DISABLED_OPTIMIZERS}, see {@link #DEFAULT_DISABLED_OPTIMIZERS}; empty enables all). Unknown keys
 * are an error.
 *
 * <p>Thread-safety: thread-safe. The sessions are created once and shared; concurrent {@link #extract} calls run
 * in parallel, each with its own buffers. {@link #close()} waits for calls in flight; afterwards every method
 * throws {@link IllegalStateException}.
 */
public final class OnnxAttentionExtractor implements AttentionExtractor {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxAttentionExtractor.class);
    private static final Set<String> PROPERTIES = Set.of("verifyChecksums", "intraOpThreads", "workspaces",
            "disabledOptimizers");
    /**
     * ONNX Runtime 1.29's SkipLayerNormFusion (an EXTENDED-level graph rewrite) crashes the JVM (SIGSEGV in
     * {@code libonnxruntime.so} while creating the session) on the transformer graphs of {@code export_transformer},
     * so it is disabled unless the {@code disabledOptimizers} property says otherwise.
     */
    static final String DEFAULT_DISABLED_OPTIMIZERS = "SkipLayerNormFusion";
    private static final String DISABLE_OPTIMIZERS_KEY = "optimization.disable_specified_optimizers";

    /** Supplies the standard-normal noise of draw {@code sample}; replaced in tests by PyTorch's draws. */
    @FunctionalInterface
    interface NoiseSource {
        void fill(int sample, long seed, float[] out, int count);
    }

    private static final NoiseSource SEEDED = (sample, seed, out, count) -> GaussianNoise.fill(seed + sample, out,
            count);

    private final ModelBundle bundle;
    private final ModelInfo info;
    private final String provider;
    private final HfPromptTokenizer tokenizer;
    private final HfPromptTokenizer clipTokenizer;
    private final Graph transformer;
    private final Graph textEncoder;
    private final Graph pooledEncoder;
    private final Graph imageEncoder;
    private final ImagePreprocessor preprocessor;
    private final Workspace.Pool pool;
    private final Slot txtIds;
    private final Slot sharedY;
    private final Slot guidance;
    private final OnnxTensor txtIdsTensor;
    private final OnnxTensor sharedYTensor;
    private final OnnxTensor guidanceTensor;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private OnnxAttentionExtractor(ModelBundle bundle, String provider, HfPromptTokenizer tokenizer,
                                   HfPromptTokenizer clipTokenizer, Graph[] graphs, int workspaces,
                                   OrtEnvironment env) {
        this.bundle = bundle;
        this.info = bundle.info();
        this.provider = provider;
        this.tokenizer = tokenizer;
        this.clipTokenizer = clipTokenizer;
        this.transformer = graphs[0];
        this.textEncoder = graphs[1];
        this.pooledEncoder = graphs[2];
        this.imageEncoder = graphs[3];
        ModelBundle.ImageSpec im = bundle.image();
        this.preprocessor = new ImagePreprocessor(ImagePreprocessor.Mode.valueOf(im.resize().toUpperCase(
                java.util.Locale.ROOT)), im.size(), im.sizeMultiple(), im.pixelLow(), im.pixelHigh(), im.padValue());
        this.pool = new Workspace.Pool(env, workspaces);
        TransformerSpec tr = bundle.transformer();
        int t = tr.textLength();
        // Shared read-only inputs: written once here, then only read by concurrent runs. Text positions are all
        // zero (FLUX); an unpadded model's shorter prompts view a prefix of them (see txtIds(int)).
        this.txtIds = new Slot(env, false);
        this.txtIdsTensor = txtIds.tensor(1, t, 3);
        PooledTextSpec pt = bundle.pooledText();
        if (pt.values() != null) {
            this.sharedY = new Slot(env, false);
            this.sharedYTensor = sharedY.tensor(1, pt.dim());
            sharedY.floats().put(0, pt.values());
        } else {
            this.sharedY = null;
            this.sharedYTensor = null;
        }
        if (tr.guidance() != null) {
            this.guidance = new Slot(env, false);
            this.guidanceTensor = guidance.tensor(1);
            guidance.floats().put(0, tr.guidance());
        } else {
            this.guidance = null;
            this.guidanceTensor = null;
        }
    }

    /**
     * Opens the bundle at {@code options.model()} on {@code options.device()}; without a model folder, the model
     * embedded in this jar (refam-tiny, see {@link EmbeddedModel}).
     *
     * @throws ModelException if there is no model folder, the bundle is invalid, a checksum differs, a graph cannot
     *     be loaded or disagrees with the manifest, or a tokenizer is missing or malformed
     * @throws DeviceUnavailableException if {@code cuda:N} was requested and CUDA cannot start (with the cause and
     *     a hint); {@code auto} falls back to the CPU instead, with one log line saying why
     * @throws IllegalArgumentException for an unknown property or an invalid property value
     */
    public static OnnxAttentionExtractor open(ExtractorOptions options) {
        Objects.requireNonNull(options, "options");
        Map<String, String> props = new HashMap<>(options.properties());
        props.keySet().removeAll(PROPERTIES);
        if (!props.isEmpty()) {
            throw new IllegalArgumentException("unknown onnx extractor properties " + props.keySet() + "; known: "
                    + new java.util.TreeSet<>(PROPERTIES));
        }
        boolean verify = booleanProperty(options, "verifyChecksums", true);
        int intraOp = intProperty(options, "intraOpThreads", 0, 0);
        int workspaces = intProperty(options, "workspaces", 2, 1);
        String disabled = options.property("disabledOptimizers", DEFAULT_DISABLED_OPTIMIZERS).trim();
        Device device = Device.parse(options.device());
        ModelBundle bundle = ModelBundle.load(options.model() != null ? options.model() : EmbeddedModel.folder());
        if (verify) {
            long t0 = System.nanoTime();
            bundle.verifyChecksums();
            LOG.debug("verified {} files of {} in {} ms", bundle.files().size(), bundle.name(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
        TextEncoderSpec te = bundle.textEncoder();
        PooledTextSpec pt = bundle.pooledText();
        HfPromptTokenizer tok = null;
        HfPromptTokenizer clipTok = null;
        Graph[] graphs = null;
        try {
            tok = HfPromptTokenizer.load(te.tokenizer(), te.maxLength(), te.padTokenId(), te.padded());
            if (pt.file() != null) {
                clipTok = HfPromptTokenizer.load(pt.tokenizer(), pt.maxLength(), pt.padTokenId());
            }
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            Opened opened = device.open(bundle.name(), LOG,
                    on -> new Opened(openGraphs(env, bundle, on, intraOp, disabled), on.providerName()));
            graphs = opened.graphs();
            String provider = opened.provider();
            OnnxAttentionExtractor x = new OnnxAttentionExtractor(bundle, provider, tok, clipTok, graphs, workspaces,
                    env);
            LOG.debug("opened {} on {}", bundle, provider);
            return x;
        } catch (RuntimeException e) {
            if (graphs != null) {
                closeAll(graphs);
            }
            if (tok != null) {
                tok.close();
            }
            if (clipTok != null) {
                clipTok.close();
            }
            throw e;
        }
    }

    /** Opens the bundle at {@code bundle} on {@code device} ({@code auto}, {@code cpu} or {@code cuda:N}). */
    public static OnnxAttentionExtractor open(Path bundle, String device) {
        return open(ExtractorOptions.builder().model(bundle).device(device).build());
    }

    /** The graphs and the execution provider they were opened on ({@code CPU} or {@code CUDA:N}). */
    private record Opened(Graph[] graphs, String provider) {
    }

    /** Transformer, text encoder, pooled-text encoder (or null) and image encoder, in that order. */
    private static Graph[] openGraphs(OrtEnvironment env, ModelBundle b, Device device, int intraOp,
                                      String disabled) throws CudaFailure {
        int cudaId = device.cudaId();
        TransformerSpec tr = b.transformer();
        TextEncoderSpec te = b.textEncoder();
        PooledTextSpec pt = b.pooledText();
        ImageEncoderSpec ie = b.imageEncoder();
        Graph[] out = new Graph[4];
        try (OrtSession.SessionOptions opts = sessionOptions(intraOp, disabled)) {
            device.configure(opts);
            out[0] = graph(env, "transformer", tr.file(), opts, cudaId, disabled, tr.inputs().values(),
                    List.of(tr.outputs().values().stream().filter(s -> !s.role().equals("pred")).toArray(
                            ModelBundle.TensorSpec[]::new)));
            out[1] = graph(env, "textEncoder", te.file(), opts, cudaId, disabled, List.of(te.inputIds()),
                    List.of(te.hidden()));
            if (pt.file() != null) {
                out[2] = graph(env, "pooledText", pt.file(), opts, cudaId, disabled, List.of(pt.inputIds()),
                        List.of(pt.pooled()));
            }
            out[3] = graph(env, "imageEncoder", ie.file(), opts, cudaId, disabled, List.of(ie.pixels()),
                    List.of(ie.tokens()));
            return out;
        } catch (OrtException e) {
            closeAll(out);
            throw new ModelException("cannot set up ONNX Runtime session options: " + e.getMessage(), e);
        } catch (CudaFailure | RuntimeException e) {
            closeAll(out);
            throw e;
        }
    }

    private static OrtSession.SessionOptions sessionOptions(int intraOp, String disabled) throws OrtException {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        try {
            // Every ONNX Runtime error reaches the caller as an exception with the same text; no second copy on stderr.
            opts.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            if (!disabled.isEmpty()) {
                opts.addConfigEntry(DISABLE_OPTIMIZERS_KEY, disabled);
            }
            if (intraOp > 0) {
                opts.setIntraOpNumThreads(intraOp);
            }
            return opts;
        } catch (OrtException e) {
            opts.close();
            throw e;
        }
    }

    /**
     * Opens one graph. When it fails with CUDA enabled, the same file is tried on the CPU: success there means
     * the device is the problem ({@link CudaFailure}), failure means the file is ({@link ModelException}).
     */
    private static Graph graph(OrtEnvironment env, String section, Path file, OrtSession.SessionOptions opts,
                               int cudaId, String disabled, java.util.Collection<ModelBundle.TensorSpec> inputs,
                               java.util.Collection<ModelBundle.TensorSpec> outputs) throws CudaFailure {
        try {
            return Graph.open(env, section, file, opts, inputs, outputs);
        } catch (OrtException e) {
            if (cudaId >= 0) {
                boolean loadsOnCpu;
                try (OrtSession.SessionOptions cpu = sessionOptions(0, disabled)) {
                    env.createSession(file.toString(), cpu).close();
                    loadsOnCpu = true;
                } catch (OrtException onCpu) {
                    loadsOnCpu = false;
                }
                if (loadsOnCpu) {
                    throw new CudaFailure("the " + section + " graph loads on the CPU but not with CUDA: "
                            + e.getMessage(), e);
                }
            }
            throw new ModelException("cannot load the " + section + " graph " + file + ": " + e.getMessage(), e);
        }
    }

    private static void closeAll(Graph[] graphs) {
        for (Graph g : graphs) {
            if (g != null) {
                g.close();
            }
        }
    }

    private static boolean booleanProperty(ExtractorOptions o, String key, boolean fallback) {
        String v = o.property(key, null);
        if (v == null) {
            return fallback;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException("property " + key + " must be true or false, got '" + v + "'");
    }

    private static int intProperty(ExtractorOptions o, String key, int fallback, int min) {
        String v = o.property(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i >= min) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("property " + key + " must be an integer of at least " + min + ", got '"
                + v + "'");
    }

    // ------------------------------------------------------------------------------------------------ queries

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the onnx extractor for " + bundle.name() + " is closed");
        }
    }

    @Override
    public ModelInfo info() {
        ensureOpen();
        return info;
    }

    /** The model's tokenizer (the bundle's {@code tokenizer.json}); closed with the extractor. */
    @Override
    public PromptTokenizer tokenizer() {
        ensureOpen();
        return tokenizer;
    }

    /** The execution provider the sessions run on: {@code "CPU"} or {@code "CUDA:N"}. */
    public String executionProvider() {
        ensureOpen();
        return provider;
    }

    /** The bundle this extractor runs. */
    public ModelBundle bundle() {
        ensureOpen();
        return bundle;
    }

    // ------------------------------------------------------------------------------------------------ extraction

    /**
     * Runs the model; see the class comment for the steps. Timings: {@code preprocess}, {@code imageEncoder},
     * {@code textEncoder}, {@code transformer} (all passes), {@code readout}.
     *
     * @throws InvalidImageException if the request has more than one frame (this backend has no video support)
     * @throws org.refam.api.PromptTooLongException if the prompt is longer than the model's text length
     * @throws RefAmException if a requested block is not exported (the message lists the reportable ones), or
     *     per-head or text-to-text attention is requested from a bundle that does not export it
     * @throws org.refam.api.CancelledException if the listener cancels (checked between stages and passes)
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public AttentionMaps extract(ExtractionRequest request) {
        Objects.requireNonNull(request, "request");
        return extract(request, null, null, SEEDED);
    }

    /**
     * The extraction with optional injected inputs, for tests against PyTorch: {@code plan} and {@code pixels}
     * (both null to preprocess the request's frame) and the noise.
     */
    AttentionMaps extract(ExtractionRequest request, ImagePreprocessor.Plan plan, float[] pixels, NoiseSource noise) {
        lock.readLock().lock();
        try {
            ensureOpen();
            return run(request, plan, pixels, noise);
        } finally {
            lock.readLock().unlock();
        }
    }

    private AttentionMaps run(ExtractionRequest request, ImagePreprocessor.Plan givenPlan, float[] givenPixels,
                              NoiseSource noise) {
        TransformerSpec tr = bundle.transformer();
        if (request.frames().size() != 1) {
            throw new InvalidImageException("model " + info.name() + " takes one image, got " + request.frames().size()
                    + " frames (for a clip, pass its first frame: the paper reads the first frame's maps)");
        }
        List<Integer> blocks = request.blocks().isEmpty() ? tr.defaultBlocks() : request.blocks();
        int[] rows = rowsOf(blocks, tr.attentionBlocks());
        if (request.keepHeads() && !tr.perHead()) {
            throw new RefAmException("model " + info.name() + " exports the head mean only (attention.heads = mean); "
                    + "request the head mean or re-export the transformer with --per-head");
        }
        boolean wantT2t = request.textToText();
        ModelBundle.TensorSpec t2tSpec = tr.output("attnTxt2Txt");
        if (wantT2t && t2tSpec == null) {
            throw new RefAmException("model " + info.name() + " does not export text-to-text attention; re-export the "
                    + "transformer without --no-text-to-text or request textToText = false");
        }
        SamplingOptions sampling = request.sampling();
        for (double t : sampling.timesteps()) {
            if (t < tr.timestepMin() || t > tr.timestepMax()) {
                throw new RefAmException("timestep " + t + " is outside the model's range [" + tr.timestepMin() + ", "
                        + tr.timestepMax() + "]");
            }
        }
        TokenizedPrompt prompt = Prompts.pad(request.prompt(), tokenizer);
        if (bundle.textEncoder().padded() && prompt.size() != tr.textLength()) {
            throw new RefAmException("the padded prompt has " + prompt.size() + " tokens, the model expects "
                    + tr.textLength());
        }
        ProgressListener listener = request.listener();
        listener.checkCancelled("preprocess");
        Map<String, Duration> timings = new LinkedHashMap<>();
        Workspace w = pool.borrow();
        try {
            long t0 = System.nanoTime();
            ImagePreprocessor.Plan plan = givenPlan;
            float[] pixels = givenPixels;
            if (plan == null) {
                RgbImage image = request.frames().get(0);
                plan = preprocessor.plan(image.height(), image.width());
                w.pixelScratch = Workspace.atLeast(w.pixelScratch, plan.canvasValues());
                preprocessor.process(image, plan, w.pixelScratch);
                pixels = w.pixelScratch;
            }
            long t1 = lap(timings, "preprocess", t0);
            int n = plan.gridHeight() * plan.gridWidth();
            int c = bundle.imageEncoder().tokenChannels();
            encodeImage(w, plan, pixels, n, c);
            listener.checkCancelled("imageEncoder");
            long t2 = lap(timings, "imageEncoder", t1);
            OnnxTensor txt = encodeText(w, prompt);
            OnnxTensor y = pooled(w, prompt);
            listener.checkCancelled("textEncoder");
            lap(timings, "textEncoder", t2);
            List<AttentionSlice> slices = transform(w, plan, n, c, txt, y, rows, blocks, request, wantT2t, noise,
                    timings);
            return new AttentionMaps(prompt, plan.geometry(), slices, provider, timings);
        } finally {
            pool.giveBack(w);
        }
    }

    private static long lap(Map<String, Duration> timings, String stage, long since) {
        long now = System.nanoTime();
        timings.merge(stage, Duration.ofNanos(now - since), Duration::plus);
        return now;
    }

    private int[] rowsOf(List<Integer> blocks, List<Integer> exported) {
        int[] rows = new int[blocks.size()];
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < rows.length; i++) {
            Integer b = blocks.get(i);
            int row = b == null ? -1 : exported.indexOf(b);
            if (row < 0) {
                throw new RefAmException("block " + b + " is not reportable by model " + info.name()
                        + "; reportable blocks: " + exported);
            }
            if (!seen.add(b)) {
                throw new RefAmException("block " + b + " is requested twice in " + blocks);
            }
            rows[i] = row;
        }
        return rows;
    }

    /** Pixels -> clean tokens {@code x0 [N, C]} in {@code w.x0}. */
    private void encodeImage(Workspace w, ImagePreprocessor.Plan plan, float[] pixels, int n, int c) {
        ImageEncoderSpec ie = bundle.imageEncoder();
        OnnxTensor px = w.pixels.tensor(1, 3, plan.canvasHeight(), plan.canvasWidth());
        w.pixels.floats().put(0, pixels, 0, plan.canvasValues());
        OnnxTensor tokens = w.tokens.tensor(1, n, c);
        imageEncoder.run(Map.of(ie.pixels().name(), px), Map.of(ie.tokens().name(), tokens));
        w.x0 = Workspace.atLeast(w.x0, n * c);
        w.tokens.floats().get(0, w.x0, 0, n * c);
        if (!ie.scaleShiftInGraph()) {
            float scale = ie.latentScale();
            float shift = ie.latentShift();
            float[] x0 = w.x0;
            for (int i = 0; i < n * c; i++) {
                x0[i] = scale * (x0[i] - shift);
            }
        }
    }

    /** Prompt ids -> text states {@code [1, T, hidden]}, left in the workspace's tensor for the transformer. */
    private OnnxTensor encodeText(Workspace w, TokenizedPrompt prompt) {
        TextEncoderSpec te = bundle.textEncoder();
        int t = prompt.size();
        OnnxTensor ids = w.inputIds.tensor(1, t);
        LongBuffer lb = w.inputIds.longs();
        for (int i = 0; i < t; i++) {
            lb.put(i, prompt.token(i).id());
        }
        OnnxTensor hidden = w.hidden.tensor(1, t, te.hiddenSize());
        textEncoder.run(Map.of(te.inputIds().name(), ids), Map.of(te.hidden().name(), hidden));
        return hidden;
    }

    /**
     * The pooled vector y: the bundle's constant (zeros or values), or the CLIP encoder's pooled output for the
     * referring expression alone, without magnets (docs/model-bundle.md section 6: y is a global summary),
     * truncated to CLIP's length with its end token kept and padded with its padding id.
     */
    private OnnxTensor pooled(Workspace w, TokenizedPrompt prompt) {
        if (sharedYTensor != null) {
            return sharedYTensor;
        }
        PooledTextSpec pt = bundle.pooledText();
        long[] ids = fitLength(clipTokenizer.ids(prompt.expression()), pt.maxLength(), pt.padTokenId());
        OnnxTensor in = w.clipIds.tensor(1, ids.length);
        w.clipIds.longs().put(0, ids);
        OnnxTensor out = w.pooled.tensor(1, pt.dim());
        pooledEncoder.run(Map.of(pt.inputIds().name(), in), Map.of(pt.pooled().name(), out));
        return out;
    }

    /**
     * {@code ids} cut to {@code length} keeping the last (end) token, or padded with {@code pad} up to it.
     */
    static long[] fitLength(long[] ids, int length, long pad) {
        long[] out = new long[length];
        if (ids.length > length) {
            System.arraycopy(ids, 0, out, 0, length - 1);
            out[length - 1] = ids[ids.length - 1];
        } else {
            System.arraycopy(ids, 0, out, 0, ids.length);
            java.util.Arrays.fill(out, ids.length, length, pad);
        }
        return out;
    }

    private List<AttentionSlice> transform(Workspace w, ImagePreprocessor.Plan plan, int n, int c, OnnxTensor txt,
                                           OnnxTensor y, int[] rows, List<Integer> blocks, ExtractionRequest request,
                                           boolean wantT2t, NoiseSource noise, Map<String, Duration> timings) {
        TransformerSpec tr = bundle.transformer();
        int t = (int) txt.getInfo().getShape()[1];
        int heads = tr.heads();
        int layers = tr.attentionBlocks().size();
        int gh = plan.gridHeight();
        int gw = plan.gridWidth();
        OnnxTensor ids = w.imgIds.tensor(1, n, 3);
        if (w.idsGridHeight != gh || w.idsGridWidth != gw) {
            FloatBuffer f = w.imgIds.floats();
            for (int r = 0; r < gh; r++) {
                for (int col = 0; col < gw; col++) {
                    int at = 3 * (r * gw + col);
                    f.put(at, 0f);
                    f.put(at + 1, r);
                    f.put(at + 2, col);
                }
            }
            w.idsGridHeight = gh;
            w.idsGridWidth = gw;
        }
        OnnxTensor img = w.img.tensor(1, n, c);
        OnnxTensor ts = w.timestep.tensor(1);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put(tr.input("img").name(), img);
        inputs.put(tr.input("imgIds").name(), ids);
        inputs.put(tr.input("txt").name(), txt);
        inputs.put(tr.input("txtIds").name(), t == tr.textLength() ? txtIdsTensor : w.txtIds.tensor(1, t, 3));
        inputs.put(tr.input("timesteps").name(), ts);
        inputs.put(tr.input("y").name(), y);
        if (guidanceTensor != null) {
            inputs.put(tr.input("guidance").name(), guidanceTensor);
        }
        Map<String, OnnxTensor> outputs = new HashMap<>();
        int i2tRow = (tr.perHead() ? heads : 1) * n * t;
        OnnxTensor i2t = tr.perHead() ? w.img2txt.tensor(layers, heads, n, t) : w.img2txt.tensor(layers, n, t);
        outputs.put(tr.output("attnImg2Txt").name(), i2t);
        ModelBundle.TensorSpec t2tSpec = tr.output("attnTxt2Txt");
        if (wantT2t) {
            outputs.put(t2tSpec.name(), w.txt2txt.tensor(layers, t, t));
        }

        SamplingOptions sampling = request.sampling();
        List<Double> timesteps = sampling.timesteps();
        int passes = sampling.passes();
        int count = n * c;
        w.eps = Workspace.atLeast(w.eps, count);
        w.mix = Workspace.atLeast(w.mix, count);
        boolean mean = tr.perHead() && !request.keepHeads();
        if (mean) {
            w.row = Workspace.atLeast(w.row, n * t);
        }
        ProgressListener listener = request.listener();
        List<AttentionSlice> slices = new ArrayList<>(passes * rows.length);
        FloatBuffer imgBuf = w.img.floats();
        FloatBuffer tsBuf = w.timestep.floats();
        FloatBuffer i2tBuf = w.img2txt.floats();
        FloatBuffer t2tBuf = wantT2t ? w.txt2txt.floats() : null;
        float[] x0 = w.x0;
        float[] eps = w.eps;
        float[] mix = w.mix;
        long clock = System.nanoTime();
        int pass = 0;
        for (int k = 0; k < sampling.noiseSamples(); k++) {
            noise.fill(k, sampling.seed(), eps, count);
            for (double time : timesteps) {
                float a = (float) (1.0 - time);
                float b = (float) time;
                for (int i = 0; i < count; i++) {
                    mix[i] = a * x0[i] + b * eps[i];
                }
                imgBuf.put(0, mix, 0, count);
                tsBuf.put(0, (float) time);
                transformer.run(inputs, outputs);
                clock = lap(timings, "transformer", clock);
                for (int j = 0; j < rows.length; j++) {
                    int r = rows[j];
                    FloatTensor a2t;
                    if (!tr.perHead() || request.keepHeads()) {
                        int h = tr.perHead() ? heads : 1;
                        float[] dst = new float[h * n * t];
                        i2tBuf.get(r * i2tRow, dst);
                        a2t = FloatTensor.of(dst, h, n, t);
                    } else {
                        float[] dst = new float[n * t];
                        float[] row = w.row;
                        for (int h = 0; h < heads; h++) {
                            i2tBuf.get(r * i2tRow + h * n * t, row, 0, n * t);
                            for (int i = 0; i < n * t; i++) {
                                dst[i] += row[i];
                            }
                        }
                        float inv = 1f / heads;
                        for (int i = 0; i < n * t; i++) {
                            dst[i] *= inv;
                        }
                        a2t = FloatTensor.of(dst, 1, n, t);
                    }
                    FloatTensor t2t = null;
                    if (wantT2t) {
                        float[] dst = new float[t * t];
                        t2tBuf.get(r * t * t, dst);
                        t2t = FloatTensor.of(dst, 1, t, t);
                    }
                    slices.add(new AttentionSlice(pass, time, blocks.get(j), a2t, t2t));
                }
                clock = lap(timings, "readout", clock);
                pass++;
                listener.progress("transformer", pass, passes);
                if (pass < passes) {
                    listener.checkCancelled("transformer");
                }
            }
        }
        return slices;
    }

    /**
     * Waits for extractions in flight, then frees the sessions, buffers and tokenizers; idempotent.
     */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            pool.close();
            txtIds.close();
            if (sharedY != null) {
                sharedY.close();
            }
            if (guidance != null) {
                guidance.close();
            }
            closeAll(new Graph[] {transformer, textEncoder, pooledEncoder, imageEncoder});
            tokenizer.close();
            if (clipTokenizer != null) {
                clipTokenizer.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "OnnxAttentionExtractor{" + bundle.name() + ", " + provider + (closed ? ", closed" : "") + "}";
    }
}
