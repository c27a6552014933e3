package org.refam.onnx.sam;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.function.IntFunction;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.refam.api.CancelledException;
import org.refam.api.DeviceUnavailableException;
import org.refam.api.InvalidImageException;
import org.refam.api.Mask;
import org.refam.api.ModelException;
import org.refam.api.PointPrompt;
import org.refam.api.ProgressListener;
import org.refam.api.RgbImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SAM2 video propagation through ONNX Runtime (method.md section 2 step 9: the first frame's point, tracked through
 * the clip by SAM2): the prompted first frame is segmented from the point, every later frame from the memory of the
 * first frame and of the most recent frames.
 *
 * <p><b>Graphs.</b> The four "legacy" graphs of {@code pagarcia/sam2-onnx-cpp} ({@code export/onnx_export.py},
 * modules in {@code export/src/modules.py}, names and shapes in {@code export/src/utils.py}), in one folder (see
 * docs/segmenters.md):
 * <ul>
 *   <li>{@code image_encoder.onnx}: {@code input [1,3,1024,1024]} to {@code image_embeddings [1,256,64,64]} (the
 *       backbone features), {@code high_res_features1 [1,32,256,256]}, {@code high_res_features2 [1,64,128,128]},
 *       {@code current_vision_feat [1,256,64,64]} (backbone features + {@code no_mem_embed}) and
 *       {@code vision_pos_embed [4096,1,256]};</li>
 *   <li>{@code image_decoder.onnx}: {@code point_coords [L,N,2]}, {@code point_labels [L,N]} (N dynamic, 0 allowed:
 *       the graph appends the padding point), {@code image_embed}, {@code high_res_feats_0},
 *       {@code high_res_feats_1} to {@code pred_mask [1,1,256,256]} (logits of the best of the multimask outputs),
 *       {@code mask_for_mem [1,1,1024,1024]} and {@code obj_ptr [1,256]};</li>
 *   <li>{@code memory_attention.onnx}: {@code current_vision_feat}, {@code current_vision_pos_embed},
 *       {@code memory_0 [P,256]} (object pointers), {@code memory_1 [F,64,64,64]} (memory frames),
 *       {@code memory_pos_embed [F*4096 + 4P,1,64]} to {@code fused_feat [1,256,64,64]};</li>
 *   <li>{@code memory_encoder.onnx}: {@code mask_for_mem [1,1,1024,1024]}, {@code pix_feat [1,256,64,64]} to
 *       {@code maskmem_features [1,64,64,64]}, {@code maskmem_pos_enc [4096,1,64]} and {@code temporal_code
 *       [7,1,1,64]} ({@code maskmem_tpos_enc}).</li>
 * </ul>
 * All four are checked (names, float32, shapes, dynamic axes) when the segmenter opens.
 *
 * <p><b>Propagation</b> ({@link #propagate}), following {@code SAM2Base.track_step} of facebookresearch/sam2
 * ({@code sam2/modeling/sam2_base.py}) as far as the graphs allow:
 * <ol>
 *   <li>every frame is encoded as by {@link Sam2Segmenter} (squashed to 1024 x 1024, ImageNet normalisation);</li>
 *   <li>frame 0: the decoder gets the points, mapped with {@code (x / w * 1024, y / h * 1024)} (the video
 *       predictor's {@code normalize_coords}), and {@code current_vision_feat} ({@code directly_add_no_mem_embed}
 *       on the initial conditioning frame);</li>
 *   <li>frame {@code k > 0}: memory attention gets {@code current_vision_feat} (the graph subtracts
 *       {@code no_mem_embed} again), {@code vision_pos_embed} and the memory bank of {@link MemoryBank}: the
 *       conditioning frame 0 with temporal position 0 and the tracked frames {@code k-1 .. k-6} with positions
 *       1..6, at most {@code num_maskmem} = 7 frames, each with {@code maskmem_pos_enc + temporal_code[7 - t_pos -
 *       1]}; the decoder then runs on {@code fused_feat} without points;</li>
 *   <li>the mask of a frame is {@code pred_mask} upsampled bilinearly to the frame size (half-pixel centres, as the
 *       video predictor's {@code _get_orig_video_res_output}) and thresholded at {@code logit > 0};</li>
 *   <li>the memory of a frame is the memory encoder's output on the decoder's {@code mask_for_mem} and the
 *       frame's own backbone features {@code image_embeddings} ({@code _encode_new_memory} reads
 *       {@code current_vision_feats}, not the memory-conditioned ones); the last frame's memory is not computed,
 *       since nothing reads it.</li>
 * </ol>
 * Where this differs from the original, the graphs decide: object pointers are not used ({@code memory_0} is
 * empty, as the export's own demo {@code python/onnx_test_video.py} runs these graphs, because pointer positions
 * need {@code obj_ptr_tpos_proj}, which is not exported); the decoder always takes the best of three masks
 * (the original uses the single-mask output on frames without clicks); the memory encoder binarises every mask
 * (the original only on clicked frames) and takes an object score of 0. Two choices differ from that demo and
 * follow the original instead: frame 0 is decoded from {@code current_vision_feat}, and memories are encoded from
 * {@code image_embeddings} rather than from {@code fused_feat}. Frames are resized with the antialiased bilinear
 * filter of the image predictor, while the video predictor's loader uses Pillow's default (bicubic) resize; and the
 * video predictor's hole filling of small background regions ({@code fill_hole_area = 8}, done with a CUDA
 * connected-components kernel that it skips when unavailable) is not done.
 *
 * <p>{@link #segment} segments one image with the same encoder and decoder (the decoder's best mask), so one
 * folder serves both the first-frame grounding and the propagation.
 *
 * <p>Thread-safety: thread-safe; concurrent calls share the sessions and the feature cache, each propagation has
 * its own memory bank, and {@link #close()} waits for running calls.
 */
public final class Sam2VideoSegmenter extends OrtSegmenter<FloatBuffer[]> {
    private static final Logger LOG = LoggerFactory.getLogger(Sam2VideoSegmenter.class);

    /** The stage name {@link #propagate} reports to its {@link ProgressListener}; units are frames. */
    public static final String STAGE = "SAM2 propagation";

    static final String EXPORT = "the SAM2 video export of pagarcia/sam2-onnx-cpp (export/onnx_export.py, see "
            + "docs/segmenters.md)";
    private static final int GRID = 64 * 64;
    private static final String[] FEATURES = {"image_embeddings", "high_res_features1", "high_res_features2",
        "current_vision_feat", "vision_pos_embed"};
    private static final long[] EMBED_SHAPE = {1, 256, 64, 64};
    private static final long[] HR0_SHAPE = {1, 32, SamTransforms.LOW_RES, SamTransforms.LOW_RES};
    private static final long[] HR1_SHAPE = {1, 64, 128, 128};
    private static final long[] VISION_POS_SHAPE = {GRID, 1, 256};
    private static final long[][] FEATURE_SHAPES = {EMBED_SHAPE, HR0_SHAPE, HR1_SHAPE, EMBED_SHAPE, VISION_POS_SHAPE};
    private static final int EMBED = 0;
    private static final int HR0 = 1;
    private static final int HR1 = 2;
    private static final int CURRENT = 3;
    private static final int VISION_POS = 4;
    private static final long[] IMAGE_SHAPE = {1, 3, SamTransforms.FRAME, SamTransforms.FRAME};
    private static final long[] MEM_MASK_SHAPE = {1, 1, SamTransforms.FRAME, SamTransforms.FRAME};
    private static final long[] MEMORY_SHAPE = {1, 64, 64, 64};
    private static final long[] MEMORY_POS_SHAPE = {GRID, 1, 64};
    private static final List<OrtModels.Spec> DECODER_INPUTS = List.of(
            new OrtModels.Spec("point_coords", OrtModels.ANY, OrtModels.DYNAMIC, 2),
            new OrtModels.Spec("point_labels", OrtModels.ANY, OrtModels.DYNAMIC),
            new OrtModels.Spec("image_embed", EMBED_SHAPE),
            new OrtModels.Spec("high_res_feats_0", HR0_SHAPE),
            new OrtModels.Spec("high_res_feats_1", HR1_SHAPE));
    private static final List<OrtModels.Spec> DECODER_OUTPUTS = List.of(
            new OrtModels.Spec("mask_for_mem", OrtModels.ANY, OrtModels.ANY, SamTransforms.FRAME, SamTransforms.FRAME),
            new OrtModels.Spec("pred_mask", OrtModels.ANY, OrtModels.ANY, SamTransforms.LOW_RES, SamTransforms.LOW_RES));
    private static final List<OrtModels.Spec> ATTENTION_INPUTS = List.of(
            new OrtModels.Spec("current_vision_feat", EMBED_SHAPE),
            new OrtModels.Spec("current_vision_pos_embed", VISION_POS_SHAPE),
            new OrtModels.Spec("memory_0", OrtModels.DYNAMIC, 256),
            new OrtModels.Spec("memory_1", OrtModels.DYNAMIC, 64, 64, 64),
            new OrtModels.Spec("memory_pos_embed", OrtModels.DYNAMIC, 1, 64));
    private static final List<OrtModels.Spec> ATTENTION_OUTPUTS = List.of(new OrtModels.Spec("fused_feat", EMBED_SHAPE));
    private static final List<OrtModels.Spec> MEMORY_INPUTS = List.of(
            new OrtModels.Spec("mask_for_mem", MEM_MASK_SHAPE), new OrtModels.Spec("pix_feat", EMBED_SHAPE));
    private static final List<OrtModels.Spec> MEMORY_OUTPUTS = List.of(
            new OrtModels.Spec("maskmem_features", MEMORY_SHAPE),
            new OrtModels.Spec("maskmem_pos_enc", MEMORY_POS_SHAPE),
            new OrtModels.Spec("temporal_code", OrtModels.ANY, 1, 1, 64));

    /** Sees what memory attention returned for each tracked frame (tests). */
    @FunctionalInterface
    interface FusedObserver {
        void fused(int frame, List<MemoryBank.Slot> slots, float[] fusedFeat);
    }

    private final VideoModelFiles files;
    private final String encoderInput;
    private final OrtSession attention;
    private final OrtSession memoryEncoder;

    private Sam2VideoSegmenter(SegmenterCore<FloatBuffer[]> core, VideoModelFiles files, String encoderInput) {
        super(core);
        this.files = files;
        this.encoderInput = encoderInput;
        this.attention = core.sessions.get(2);
        this.memoryEncoder = core.sessions.get(3);
    }

    /**
     * True when {@code folder} holds the four video graphs ({@code image_encoder*.onnx}, {@code image_decoder*.onnx},
     * {@code memory_attention*.onnx}, {@code memory_encoder*.onnx}); whether they are valid is checked by
     * {@link #open}.
     */
    public static boolean isVideoExport(Path folder) {
        return VideoModelFiles.present(folder);
    }

    /**
     * Opens the four graphs in {@code folder} on {@code device}: {@code auto} (CUDA device 0 when it starts, else
     * the CPU with one log line), {@code cpu} or {@code cuda[:N]}.
     *
     * @throws DeviceUnavailableException if {@code cuda[:N]} was requested and cannot start (with a hint)
     * @throws ModelException if a file is missing or ambiguous, or does not match the expected interface (the
     *     message names the file and every missing or mismatched input and output)
     */
    public static Sam2VideoSegmenter open(Path folder, String device) {
        return builder().folder(folder).device(device).open();
    }

    /** A builder with device {@code auto} and a feature cache of {@link SegmenterBuilder#DEFAULT_CACHE_SIZE}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Tracks the object at {@code points} on frame 0 through the clip.
     *
     * @param frameCount number of frames, at least 1
     * @param frames frame {@code i} for {@code i} in {@code [0, frameCount)}, read once each, in order; every frame
     *     must have frame 0's size
     * @param points prompts on frame 0, at least one; {@code (x, y)} = (column, row) in original pixels within
     *     {@code [0, width] x [0, height]}; label 1 for foreground, 0 for background
     * @param listener told {@code (STAGE, done, frameCount)} after each frame and asked before each frame whether
     *     to stop; {@link ProgressListener#NONE} for none
     * @return {@code frameCount} masks of the frames' size, mask {@code i} for frame {@code i}
     * @throws IllegalArgumentException if {@code frameCount < 1}, {@code points} is empty or a point is NaN or
     *     outside frame 0
     * @throws InvalidImageException if a frame is null or its size differs from frame 0's, naming both sizes
     * @throws CancelledException if the listener cancels; nothing is kept
     * @throws IllegalStateException if the segmenter is closed
     * @throws ModelException if a graph fails at run time or returns unexpected shapes
     */
    public List<Mask> propagate(int frameCount, IntFunction<RgbImage> frames, List<PointPrompt> points,
                                ProgressListener listener) {
        return propagate(frameCount, frames, points, listener, null);
    }

    /** As {@link #propagate(int, IntFunction, List, ProgressListener)}; {@code observer} (nullable) sees each step. */
    List<Mask> propagate(int frameCount, IntFunction<RgbImage> frames, List<PointPrompt> points,
                         ProgressListener listener, FusedObserver observer) {
        if (frameCount < 1) {
            throw new IllegalArgumentException("a clip needs at least one frame, got " + frameCount);
        }
        Objects.requireNonNull(frames, "frames");
        ProgressListener progress = listener == null ? ProgressListener.NONE : listener;
        progress.checkCancelled(STAGE);
        RgbImage first = frame(frames, 0, null);
        double[] xy = SegmenterCore.checkPoints(first, points);
        float[] coords = SamTransforms.toSam2Frame(xy, first.height(), first.width());
        float[] labels = labels(points);
        Lock lock = core.acquire();
        try {
            List<Mask> masks = new ArrayList<>(frameCount);
            MemoryBank bank = null;
            for (int t = 0; t < frameCount; t++) {
                if (t > 0) {
                    progress.checkCancelled(STAGE);
                }
                RgbImage image = t == 0 ? first : frame(frames, t, first);
                FloatBuffer[] f = core.embedding(image, () -> encode(image));
                boolean remember = t < frameCount - 1; // the last frame's memory would never be read
                Decoded d;
                if (t == 0) {
                    d = decode(f, f[CURRENT], coords, labels, image, remember);
                } else {
                    List<MemoryBank.Slot> slots = bank.slots(t);
                    float[] fused = attend(f, bank, slots);
                    if (observer != null) {
                        observer.fused(t, slots, fused);
                    }
                    d = decode(f, FloatBuffer.wrap(fused), new float[0], new float[0], image, remember);
                }
                masks.add(d.mask());
                if (remember) {
                    Memory m = encodeMemory(d.maskForMem(), f, t);
                    if (t == 0) {
                        bank = new MemoryBank(m.temporalCode(), m.rows());
                        bank.condition(m.entry());
                    } else {
                        bank.add(m.entry());
                    }
                }
                progress.progress(STAGE, t + 1, frameCount);
            }
            return masks;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Segments the object at {@code points} in one image: the decoder's best mask for the points on
     * {@code current_vision_feat}, as frame 0 of {@link #propagate}.
     *
     * @param image any size; encoded once per distinct content while it stays in the cache
     * @param points at least one; {@code (x, y)} = (column, row) in original pixels within {@code [0, width] x
     *     [0, height]}; foreground points label 1, background points label 0
     * @return a mask of the image's size
     * @throws IllegalArgumentException if {@code points} is empty or a point is NaN or outside the image
     * @throws IllegalStateException if the segmenter is closed
     * @throws ModelException if the graphs fail at run time or return unexpected shapes
     */
    @Override
    public Mask segment(RgbImage image, List<PointPrompt> points) {
        double[] xy = SegmenterCore.checkPoints(image, points);
        float[] coords = SamTransforms.toSam2Frame(xy, image.height(), image.width());
        return core.withEmbedding(image, () -> encode(image),
                f -> decode(f, f[CURRENT], coords, labels(points), image, false).mask());
    }

    @Override
    public String toString() {
        return "Sam2VideoSegmenter{folder=" + files.imageEncoder().getParent() + ", device=" + core.device
                + (core.isClosed() ? ", closed" : "") + "}";
    }

    private static RgbImage frame(IntFunction<RgbImage> frames, int index, RgbImage first) {
        RgbImage image = frames.apply(index);
        if (image == null) {
            throw new InvalidImageException("frame " + index + " of the clip is null");
        }
        if (first != null && (image.width() != first.width() || image.height() != first.height())) {
            throw new InvalidImageException("frame " + index + " is " + image.width() + "x" + image.height()
                    + " (width x height) but frame 0 is " + first.width() + "x" + first.height()
                    + "; every frame of a clip must have the same size");
        }
        return image;
    }

    private static float[] labels(List<PointPrompt> points) {
        float[] labels = new float[points.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = points.get(i).foreground() ? 1f : 0f;
        }
        return labels;
    }

    private FloatBuffer[] encode(RgbImage image) {
        float[] input = SamTransforms.sam2EncoderInput(image);
        String role = "SAM2 image encoder " + files.imageEncoder();
        return SegmenterCore.run(core.encoder, role, Set.of(FEATURES), in -> in.put(encoderInput,
                core.tensor(input, IMAGE_SHAPE)), r -> {
            FloatBuffer[] out = new FloatBuffer[FEATURES.length];
            for (int i = 0; i < FEATURES.length; i++) {
                requireShape(r, FEATURES[i], FEATURE_SHAPES[i], role);
                out[i] = SegmenterCore.directCopy(r, FEATURES[i], role);
            }
            return out;
        });
    }

    /** A decoded frame: its mask, and the decoder's {@code mask_for_mem} (null when not asked for). */
    private record Decoded(Mask mask, float[] maskForMem) {
    }

    /** A frame's memory and the export's {@code temporal_code} ({@code rows x 64}). */
    private record Memory(MemoryBank.Entry entry, float[] temporalCode, int rows) {
    }

    /**
     * Runs the decoder on {@code embed} with the given points (none for a tracked frame): the frame's mask and,
     * when {@code forMemory}, channel 0 of {@code mask_for_mem}.
     */
    private Decoded decode(FloatBuffer[] f, FloatBuffer embed, float[] coords, float[] labels, RgbImage image,
                           boolean forMemory) {
        int n = labels.length;
        String role = "SAM2 image decoder " + files.imageDecoder();
        Set<String> wanted = forMemory ? Set.of("pred_mask", "mask_for_mem") : Set.of("pred_mask");
        return SegmenterCore.run(core.decoder, role, wanted, in -> {
            in.put("point_coords", core.tensor(coords, 1, n, 2));
            in.put("point_labels", core.tensor(labels, 1, n));
            in.put("image_embed", core.tensor(embed, EMBED_SHAPE));
            in.put("high_res_feats_0", core.tensor(f[HR0], HR0_SHAPE));
            in.put("high_res_feats_1", core.tensor(f[HR1], HR1_SHAPE));
        }, r -> {
            float[] low = firstChannel(r, "pred_mask", SamTransforms.LOW_RES, role); // the export's best mask
            Mask mask = Sam2Segmenter.toMask(low, SamTransforms.LOW_RES, SamTransforms.LOW_RES, image.width(),
                    image.height());
            return new Decoded(mask, forMemory ? firstChannel(r, "mask_for_mem", SamTransforms.FRAME, role) : null);
        });
    }

    /** Channel 0 of a {@code [1, C, side, side]} output. */
    private static float[] firstChannel(OrtSession.Result r, String name, int side, String role) {
        long[] shape = SegmenterCore.shape(r, name, role);
        if (shape.length != 4 || shape[0] != 1 || shape[1] < 1 || shape[2] != side || shape[3] != side) {
            throw new ModelException("the " + role + " returned " + name + " " + Arrays.toString(shape)
                    + ", expected [1, 1, " + side + ", " + side + "]");
        }
        float[] out = new float[side * side];
        SegmenterCore.floats(r, name, role).get(out);
        return out;
    }

    /** The memory of frame {@code frame}: {@code maskForMem} encoded with the frame's {@code image_embeddings}. */
    private Memory encodeMemory(float[] maskForMem, FloatBuffer[] f, int frame) {
        String role = "SAM2 memory encoder " + files.memoryEncoder();
        return SegmenterCore.run(memoryEncoder, role, null, in -> {
            in.put("mask_for_mem", core.tensor(maskForMem, MEM_MASK_SHAPE));
            in.put("pix_feat", core.tensor(f[EMBED], EMBED_SHAPE));
        }, r -> {
            long[] codeShape = SegmenterCore.shape(r, "temporal_code", role);
            if (codeShape.length != 4 || codeShape[0] < 1 || codeShape[1] != 1 || codeShape[2] != 1
                    || codeShape[3] != 64) {
                throw new ModelException("the " + role + " returned temporal_code " + Arrays.toString(codeShape)
                        + ", expected [7, 1, 1, 64]");
            }
            MemoryBank.Entry e = new MemoryBank.Entry(frame, copy(r, "maskmem_features", MEMORY_SHAPE, role),
                    copy(r, "maskmem_pos_enc", MEMORY_POS_SHAPE, role));
            return new Memory(e, copy(r, "temporal_code", null, role), (int) codeShape[0]);
        });
    }

    /** Memory attention of the current frame over {@code slots}; returns {@code fused_feat}. */
    private float[] attend(FloatBuffer[] f, MemoryBank bank, List<MemoryBank.Slot> slots) {
        String role = "SAM2 memory attention " + files.memoryAttention();
        return SegmenterCore.run(attention, role, null, in -> {
            in.put("current_vision_feat", core.tensor(f[CURRENT], EMBED_SHAPE));
            in.put("current_vision_pos_embed", core.tensor(f[VISION_POS], VISION_POS_SHAPE));
            in.put("memory_0", core.tensor(new float[0], 0, 256));
            in.put("memory_1", core.tensor(MemoryBank.features(slots), slots.size(), 64, 64, 64));
            in.put("memory_pos_embed", core.tensor(bank.positions(slots), (long) slots.size() * GRID, 1, 64));
        }, r -> copy(r, "fused_feat", EMBED_SHAPE, role));
    }

    private static void requireShape(OrtSession.Result r, String name, long[] expected, String role) {
        long[] shape = SegmenterCore.shape(r, name, role);
        if (!Arrays.equals(shape, expected)) {
            throw new ModelException("the " + role + " returned " + name + " " + Arrays.toString(shape)
                    + ", expected " + Arrays.toString(expected));
        }
    }

    /** An output's values, after checking its shape against {@code expected} (null: not checked). */
    private static float[] copy(OrtSession.Result r, String name, long[] expected, String role) {
        if (expected != null) {
            requireShape(r, name, expected, role);
        }
        return SegmenterCore.toArray(SegmenterCore.floats(r, name, role));
    }

    private static Sam2VideoSegmenter open(Builder b) {
        if (b.encoder != null || b.decoder != null) {
            throw new IllegalArgumentException("Sam2VideoSegmenter takes its four graphs from folder(...); "
                    + "encoder(...) and decoder(...) are for the image segmenters");
        }
        VideoModelFiles files = VideoModelFiles.resolve(b.folder);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtModels.Sessions s = OrtModels.openAll(env, "SAM2", VideoModelFiles.ROLES, files.all(), b.device,
                b.intraOpThreads);
        try {
            String input = Sam2Segmenter.checkEncoder(s.get(0), files.imageEncoder(), "SAM2 image encoder",
                    IMAGE_SHAPE, List.of(FEATURES), FEATURE_SHAPES, EXPORT);
            check(s.get(1), "SAM2 image decoder", files.imageDecoder(), DECODER_INPUTS, DECODER_OUTPUTS);
            check(s.get(2), "SAM2 memory attention", files.memoryAttention(), ATTENTION_INPUTS, ATTENTION_OUTPUTS);
            check(s.get(3), "SAM2 memory encoder", files.memoryEncoder(), MEMORY_INPUTS, MEMORY_OUTPUTS);
            Sam2VideoSegmenter v = new Sam2VideoSegmenter(new SegmenterCore<>("Sam2VideoSegmenter", env, s,
                    b.cacheSize), files, input);
            LOG.debug("opened {}", v);
            return v;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static void check(OrtSession session, String role, Path file, List<OrtModels.Spec> inputs,
                              List<OrtModels.Spec> outputs) {
        OrtModels.requireInputs(OrtModels.inputs(session, role, file), inputs, role, file, EXPORT);
        OrtModels.requireOutputs(OrtModels.outputs(session, role, file), outputs, role, file, EXPORT);
    }

    /**
     * Settings for {@link Sam2VideoSegmenter}: the folder with the four graphs, the device, the feature cache and
     * the ONNX Runtime threads ({@link SegmenterBuilder}; its {@code encoder}/{@code decoder} file overrides are
     * rejected by {@link #open()} with an {@link IllegalArgumentException}: the four files come from the folder).
     *
     * <p>Thread-safety: mutable, not thread-safe.
     */
    public static final class Builder extends SegmenterBuilder<Sam2VideoSegmenter, Builder> {
        private Builder() {
        }

        @Override
        public Sam2VideoSegmenter open() {
            return Sam2VideoSegmenter.open(this);
        }
    }
}
