package org.refam.onnx.sam;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.refam.api.DeviceUnavailableException;
import org.refam.api.Mask;
import org.refam.api.ModelException;
import org.refam.api.PointPrompt;
import org.refam.api.RgbImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Segment Anything (SAM v1) through ONNX Runtime: turns point prompts into a mask (method.md section 2 step 8 and
 * section 5) with two graphs, the image encoder and the official prompt-encoder/mask-decoder export of
 * {@code segment-anything/scripts/export_onnx_model.py}.
 *
 * <p>What one {@link #segment} call does:
 * <ol>
 *   <li>encoder input ({@link SamTransforms}): resize so the longest side is 1024
 *       ({@code scale = 1024.0 / max(h, w)}, {@code newSide = (int) (side * scale + 0.5)}, Pillow-exact bilinear),
 *       normalise with mean (123.675, 116.28, 103.53) and std (58.395, 57.12, 57.375), zero-pad bottom/right to
 *       1024 x 1024; the resulting {@code image_embeddings [1,256,64,64]} is cached per image content (bounded LRU,
 *       {@link #DEFAULT_CACHE_SIZE} images by default, 4 MiB each), so several expressions on one image run the
 *       encoder once;</li>
 *   <li>decoder inputs: {@code point_coords [1,N+1,2]} = the points mapped with {@code (x * newW / w, y * newH / h)}
 *       plus the padding point (0, 0); {@code point_labels [1,N+1]} = 1 (foreground) / 0 (background) and -1 for the
 *       padding point (the export expects it when there is no box); {@code mask_input} zeros
 *       {@code [1,1,256,256]}, {@code has_mask_input [0]}, {@code orig_im_size [H, W]} in (height, width)
 *       order;</li>
 *   <li>the decoder returns {@code masks} as logits at the original size; the chosen mask is {@code logit > 0}.
 *       A {@code --return-single-mask} export returns one mask. An export without it returns four; the choice then
 *       follows {@code SamOnnxModel.select_masks}: with three or more points (padding included) the first
 *       (single-object) mask, otherwise the one of the other three with the highest {@code iou_predictions}. Exports
 *       with another number of masks get the highest {@code iou_predictions}.</li>
 * </ol>
 *
 * <p>The encoder graph must take one float input (any name: the official repository exports only the decoder;
 * {@code samexporter} names it {@code input_image}) and return {@code image_embeddings [1,256,64,64]} (or a single
 * output of that shape). The input is either {@code [1,3,1024,1024]}, fed as above, or {@code [h,w,3]} with
 * dynamic {@code h, w} ({@code samexporter --use-preprocess}, the layout of its pre-built models), fed with the
 * resized 0..255 RGB image before normalisation and padding, which the graph does itself. The decoder must have exactly
 * the six inputs above, with a dynamic point axis, and return {@code masks} and {@code iou_predictions}. Both are
 * checked when the segmenter opens.
 *
 * <p>Thread-safety: thread-safe; concurrent {@link #segment} calls share the sessions and the cache, and
 * {@link #close()} waits for running calls.
 */
public final class SamSegmenter extends OrtSegmenter<FloatBuffer> {
    private static final Logger LOG = LoggerFactory.getLogger(SamSegmenter.class);

    /** Default number of cached image embeddings (4 MiB each). */
    public static final int DEFAULT_CACHE_SIZE = SegmenterBuilder.DEFAULT_CACHE_SIZE;

    static final String EXPORT = "the segment-anything ONNX export (scripts/export_onnx_model.py, see "
            + "docs/segmenters.md)";
    private static final List<OrtModels.Spec> DECODER_INPUTS = List.of(
            new OrtModels.Spec("image_embeddings", 1, 256, 64, 64),
            new OrtModels.Spec("point_coords", 1, OrtModels.DYNAMIC, 2),
            new OrtModels.Spec("point_labels", 1, OrtModels.DYNAMIC),
            new OrtModels.Spec("mask_input", 1, 1, SamTransforms.LOW_RES, SamTransforms.LOW_RES),
            new OrtModels.Spec("has_mask_input", 1),
            new OrtModels.Spec("orig_im_size", 2));
    private static final List<OrtModels.Spec> DECODER_OUTPUTS = List.of(
            new OrtModels.Spec("masks", 1, OrtModels.ANY, OrtModels.ANY, OrtModels.ANY),
            new OrtModels.Spec("iou_predictions", 1, OrtModels.ANY));
    private static final long[] EMBEDDING_SHAPE = {1, 256, 64, 64};
    private static final long[] IMAGE_SHAPE = {1, 3, SamTransforms.FRAME, SamTransforms.FRAME};

    private final ModelFiles files;
    private final String encoderInput;
    private final String encoderOutput;
    private final boolean encoderPreprocesses;
    private final float[] zeroMask = new float[SamTransforms.LOW_RES * SamTransforms.LOW_RES];

    private SamSegmenter(SegmenterCore<FloatBuffer> core, ModelFiles files, EncoderLayout encoder) {
        super(core);
        this.files = files;
        this.encoderInput = encoder.input();
        this.encoderOutput = encoder.output();
        this.encoderPreprocesses = encoder.preprocesses();
    }

    /**
     * How the encoder graph is fed: {@code preprocesses} is true for an {@code [h, w, 3]} input that normalises
     * and pads inside the graph.
     */
    private record EncoderLayout(String input, String output, boolean preprocesses) {
    }

    /**
     * Opens the encoder and decoder in {@code folder} ({@code encoder.onnx} and {@code decoder.onnx}, or the single
     * {@code *encoder*.onnx} and {@code *decoder*.onnx}) on device {@code auto}.
     *
     * @throws ModelException if a file is missing or does not match the expected interface (naming the file and
     *     the mismatch)
     */
    public static SamSegmenter open(Path folder) {
        return builder().folder(folder).open();
    }

    /**
     * Opens the graphs in {@code folder} on {@code device}: {@code auto} (CUDA device 0 when it starts, else the
     * CPU with one log line), {@code cpu} or {@code cuda[:N]}.
     *
     * @throws DeviceUnavailableException if {@code cuda[:N]} was requested and cannot start (with a hint)
     * @throws ModelException if a file is missing or does not match the expected interface
     */
    public static SamSegmenter open(Path folder, String device) {
        return builder().folder(folder).device(device).open();
    }

    /** A builder with device {@code auto} and {@link #DEFAULT_CACHE_SIZE}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Segments the object at {@code points}.
     *
     * @param image any size; encoded once per distinct content while it stays in the cache
     * @param points at least one; {@code (x, y)} = (column, row) in original pixels, each within
     *     {@code [0, width] x [0, height]}; foreground points label 1, background points label 0
     * @return a mask of the image's size: the chosen mask's logits {@code > 0}
     * @throws IllegalArgumentException if {@code points} is empty or a point is NaN or outside the image
     * @throws IllegalStateException if the segmenter is closed
     * @throws ModelException if the graphs fail at run time or return unexpected shapes
     */
    @Override
    public Mask segment(RgbImage image, List<PointPrompt> points) {
        double[] xy = SegmenterCore.checkPoints(image, points);
        return core.withEmbedding(image, () -> encode(image), embedding -> decode(embedding, image, points, xy));
    }

    @Override
    public String toString() {
        return "SamSegmenter{encoder=" + files.encoder() + ", decoder=" + files.decoder() + ", device=" + core.device
                + ", cacheSize=" + core.cacheSize() + (core.isClosed() ? ", closed" : "") + "}";
    }

    /** Number of encoder runs so far (cache misses). */
    long encoderRuns() {
        return core.encoderRuns();
    }

    /** The image embedding {@code [1,256,64,64]} as the decoder receives it (cached). */
    float[] embedding(RgbImage image) {
        return core.withEmbedding(image, () -> encode(image), SegmenterCore::toArray);
    }

    private FloatBuffer encode(RgbImage image) {
        float[] input;
        long[] shape;
        if (encoderPreprocesses) {
            SamTransforms.Size s = SamTransforms.resizedSize(image.height(), image.width());
            input = SamTransforms.samResizedHwc(image);
            shape = new long[] {s.height(), s.width(), 3};
        } else {
            input = SamTransforms.samEncoderInput(image);
            shape = IMAGE_SHAPE;
        }
        try (OnnxTensor x = core.tensor(input, shape);
             OrtSession.Result r = core.encoder.run(Map.of(encoderInput, x), Set.of(encoderOutput))) {
            long[] got = SegmenterCore.shape(r, encoderOutput, "SAM encoder");
            if (!Arrays.equals(got, EMBEDDING_SHAPE)) {
                throw new ModelException("the SAM encoder " + files.encoder() + " returned " + encoderOutput + " "
                        + Arrays.toString(got) + ", expected " + Arrays.toString(EMBEDDING_SHAPE));
            }
            return SegmenterCore.directCopy(r, encoderOutput, "SAM encoder");
        } catch (OrtException e) {
            throw SegmenterCore.runFailure("SAM encoder " + files.encoder(), e);
        }
    }

    private Mask decode(FloatBuffer embedding, RgbImage image, List<PointPrompt> points, double[] xy) {
        int h = image.height();
        int w = image.width();
        int n = points.size() + 1;
        float[] coords = new float[2 * n];
        System.arraycopy(SamTransforms.toSamFrame(xy, h, w), 0, coords, 0, xy.length);
        float[] labels = new float[n];
        for (int i = 0; i < points.size(); i++) {
            labels[i] = points.get(i).foreground() ? 1f : 0f;
        }
        labels[n - 1] = -1f; // padding point (0, 0): no box prompt
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        String role = "SAM decoder " + files.decoder();
        try {
            in.put("image_embeddings", core.tensor(embedding, EMBEDDING_SHAPE));
            in.put("point_coords", core.tensor(coords, 1, n, 2));
            in.put("point_labels", core.tensor(labels, 1, n));
            in.put("mask_input", core.tensor(zeroMask, 1, 1, SamTransforms.LOW_RES, SamTransforms.LOW_RES));
            in.put("has_mask_input", core.tensor(new float[] {0f}, 1));
            in.put("orig_im_size", core.tensor(new float[] {h, w}, 2));
            try (OrtSession.Result r = core.decoder.run(in, Set.of("masks", "iou_predictions"))) {
                long[] shape = SegmenterCore.shape(r, "masks", role);
                if (shape.length != 4 || shape[0] != 1 || shape[1] < 1 || shape[2] != h || shape[3] != w) {
                    throw new ModelException("the " + role + " returned masks " + Arrays.toString(shape)
                            + " for a " + w + "x" + h + " (width x height) image, expected [1, K, " + h + ", " + w
                            + "]");
                }
                int k = (int) shape[1];
                FloatBuffer iou = SegmenterCore.floats(r, "iou_predictions", role);
                if (iou.remaining() < k) {
                    throw new ModelException("the " + role + " returned " + iou.remaining() + " iou_predictions for "
                            + k + " masks");
                }
                float[] scores = new float[k];
                iou.get(scores);
                int chosen = selectMask(scores, n);
                FloatBuffer masks = SegmenterCore.floats(r, "masks", role);
                boolean[] data = new boolean[h * w];
                int offset = chosen * h * w;
                for (int i = 0; i < data.length; i++) {
                    data[i] = masks.get(offset + i) > 0f;
                }
                return new Mask(h, w, data);
            }
        } catch (OrtException e) {
            throw SegmenterCore.runFailure(role, e);
        } finally {
            SegmenterCore.closeAll(in);
        }
    }

    /**
     * Which of {@code iou.length} masks to use: one mask is used as is; four masks (an export without
     * {@code --return-single-mask}) follow {@code SamOnnxModel.select_masks}: mask 0 when {@code pointsWithPadding}
     * is 3 or more, else the best of masks 1..3 by IoU prediction; any other count takes the highest IoU
     * prediction. Ties go to the lower index, NaN scores never win over a number.
     */
    static int selectMask(float[] iou, int pointsWithPadding) {
        if (iou.length == 1) {
            return 0;
        }
        if (iou.length == 4) {
            return pointsWithPadding >= 3 ? 0 : argmax(iou, 1);
        }
        return argmax(iou, 0);
    }

    static int argmax(float[] v, int from) {
        int best = from;
        for (int i = from + 1; i < v.length; i++) {
            if (v[i] > v[best] || (Float.isNaN(v[best]) && !Float.isNaN(v[i]))) {
                best = i;
            }
        }
        return best;
    }

    /** Opens the graphs and checks their interfaces; closes them again if a check fails. */
    private static SamSegmenter open(Builder b) {
        ModelFiles files = ModelFiles.resolve("SAM", b.folder, b.encoder, b.decoder);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtModels.Pair pair = OrtModels.open(env, "SAM", files.encoder(), files.decoder(), b.device,
                b.intraOpThreads);
        try {
            EncoderLayout enc = checkEncoder(pair.encoder(), files.encoder());
            OrtModels.requireInputs(OrtModels.inputs(pair.decoder(), "SAM decoder", files.decoder()), DECODER_INPUTS,
                    "SAM decoder", files.decoder(), EXPORT);
            OrtModels.requireOutputs(OrtModels.outputs(pair.decoder(), "SAM decoder", files.decoder()),
                    DECODER_OUTPUTS, "SAM decoder", files.decoder(), EXPORT);
            SamSegmenter s = new SamSegmenter(new SegmenterCore<>("SamSegmenter", env, pair, b.cacheSize), files,
                    enc);
            LOG.debug("opened {}", s);
            return s;
        } catch (RuntimeException e) {
            pair.close();
            throw e;
        }
    }

    /** Validates the encoder; returns how to feed it. */
    private static EncoderLayout checkEncoder(OrtSession encoder, Path file) {
        String role = "SAM encoder";
        Map<String, TensorInfo> inputs = OrtModels.inputs(encoder, role, file);
        Map<String, TensorInfo> outputs = OrtModels.outputs(encoder, role, file);
        String export = "a SAM image encoder export (one float input [1, 3, 1024, 1024], or [h, w, 3] with the "
                + "pre-processing inside, and output image_embeddings [1, 256, 64, 64])";
        if (inputs.size() != 1) {
            throw new ModelException("the " + role + " " + file + " has " + inputs.size() + " inputs " + inputs.keySet()
                    + ", expected one image input [1, 3, 1024, 1024] (is it a decoder?)");
        }
        Map.Entry<String, TensorInfo> input = inputs.entrySet().iterator().next();
        boolean preprocesses = input.getValue().getShape().length == 3;
        OrtModels.Spec spec = preprocesses
                ? new OrtModels.Spec(input.getKey(), OrtModels.DYNAMIC, OrtModels.DYNAMIC, 3)
                : new OrtModels.Spec(input.getKey(), IMAGE_SHAPE);
        OrtModels.requireInputs(inputs, List.of(spec), role, file, export);
        String output = outputs.containsKey("image_embeddings") ? "image_embeddings"
                : outputs.size() == 1 ? outputs.keySet().iterator().next() : null;
        if (output == null) {
            throw new ModelException("the " + role + " " + file + " has outputs " + outputs.keySet()
                    + " but no image_embeddings (is it a SAM2 encoder? use Sam2Segmenter)");
        }
        OrtModels.requireOutputs(outputs, List.of(new OrtModels.Spec(output, EMBEDDING_SHAPE)), role, file, export);
        return new EncoderLayout(input.getKey(), output, preprocesses);
    }

    /**
     * Settings for {@link SamSegmenter}: where the graphs are, the device, the cache size (see
     * {@link SegmenterBuilder}).
     *
     * <p>Thread-safety: mutable, not thread-safe.
     */
    public static final class Builder extends SegmenterBuilder<SamSegmenter, Builder> {
        private Builder() {
        }

        @Override
        public SamSegmenter open() {
            return SamSegmenter.open(this);
        }
    }
}
