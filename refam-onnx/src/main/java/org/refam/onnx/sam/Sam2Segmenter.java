package org.refam.onnx.sam;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Segment Anything 2 (SAM2, image mode) through ONNX Runtime with the common community export's two graphs
 * ({@code samexporter}'s {@code export_sam2.py}, the signature other SAM2 ONNX ports share): turns point prompts
 * into a mask (method.md section 2 step 8 and section 5).
 *
 * <p>What one {@link #segment} call does, following {@code sam2/utils/transforms.py} ({@code SAM2Transforms}) and
 * {@code SAM2ImagePredictor}:
 * <ol>
 *   <li>encoder input: the image resized to 1024 x 1024 <b>without</b> keeping its aspect ratio (SAM2 does not
 *       pad), antialiased bilinear on 0..1 floats, normalised with mean (0.485, 0.456, 0.406) and std
 *       (0.229, 0.224, 0.225); the encoder's {@code high_res_feats_0 [1,32,256,256]},
 *       {@code high_res_feats_1 [1,64,128,128]} and {@code image_embed [1,256,64,64]} are cached per image content
 *       (bounded LRU, {@link #DEFAULT_CACHE_SIZE} images by default, 16 MiB each);</li>
 *   <li>decoder inputs: {@code point_coords [1,N,2]} = the points mapped with {@code (x / w * 1024, y / h * 1024)},
 *       {@code point_labels [1,N]} = 1 / 0, {@code mask_input} zeros {@code [1,1,256,256]},
 *       {@code has_mask_input [0]}. No padding point is added: the export appends it inside the graph;</li>
 *   <li>the decoder returns {@code masks [1,K,256,256]} logits (K = 3 multimask outputs) and
 *       {@code iou_predictions [1,K]}; the mask with the highest IoU prediction is upsampled to the original
 *       (height, width) with bilinear interpolation, half-pixel centres ({@code F.interpolate(..., orig_hw,
 *       mode="bilinear", align_corners=False)}, as {@code SAM2Transforms.postprocess_masks}; no crop since there is
 *       no padding) and thresholded at {@code logit > 0}.</li>
 * </ol>
 *
 * <p>The encoder must take one float input {@code [1,3,1024,1024]} (any name; the export calls it {@code image})
 * and return the three named features; the decoder must have exactly the seven named inputs with a dynamic point
 * axis and return {@code masks} and {@code iou_predictions}. Both are checked when the segmenter opens.
 *
 * <p>Thread-safety: thread-safe; concurrent {@link #segment} calls share the sessions and the cache, and
 * {@link #close()} waits for running calls.
 */
public final class Sam2Segmenter extends OrtSegmenter<FloatBuffer[]> {
    private static final Logger LOG = LoggerFactory.getLogger(Sam2Segmenter.class);

    /** Default number of cached image feature sets (16 MiB each). */
    public static final int DEFAULT_CACHE_SIZE = SegmenterBuilder.DEFAULT_CACHE_SIZE;

    static final String EXPORT = "the community SAM2 ONNX export (samexporter export_sam2.py, see "
            + "docs/segmenters.md)";
    private static final String[] FEATURES = {"high_res_feats_0", "high_res_feats_1", "image_embed"};
    private static final long[][] FEATURE_SHAPES = {{1, 32, 256, 256}, {1, 64, 128, 128}, {1, 256, 64, 64}};
    private static final long[] IMAGE_SHAPE = {1, 3, SamTransforms.FRAME, SamTransforms.FRAME};
    private static final List<OrtModels.Spec> DECODER_INPUTS = List.of(
            new OrtModels.Spec("image_embed", FEATURE_SHAPES[2]),
            new OrtModels.Spec("high_res_feats_0", FEATURE_SHAPES[0]),
            new OrtModels.Spec("high_res_feats_1", FEATURE_SHAPES[1]),
            new OrtModels.Spec("point_coords", 1, OrtModels.DYNAMIC, 2),
            new OrtModels.Spec("point_labels", 1, OrtModels.DYNAMIC),
            new OrtModels.Spec("mask_input", 1, 1, SamTransforms.LOW_RES, SamTransforms.LOW_RES),
            new OrtModels.Spec("has_mask_input", 1));
    private static final List<OrtModels.Spec> DECODER_OUTPUTS = List.of(
            new OrtModels.Spec("masks", 1, OrtModels.ANY, OrtModels.ANY, OrtModels.ANY),
            new OrtModels.Spec("iou_predictions", 1, OrtModels.ANY));

    private final ModelFiles files;
    private final String encoderInput;
    private final float[] zeroMask = new float[SamTransforms.LOW_RES * SamTransforms.LOW_RES];

    private Sam2Segmenter(SegmenterCore<FloatBuffer[]> core, ModelFiles files, String encoderInput) {
        super(core);
        this.files = files;
        this.encoderInput = encoderInput;
    }

    /**
     * Opens the encoder and decoder in {@code folder} ({@code encoder.onnx} and {@code decoder.onnx}, or the single
     * {@code *encoder*.onnx} and {@code *decoder*.onnx}) on device {@code auto}.
     *
     * @throws ModelException if a file is missing or does not match the expected interface
     */
    public static Sam2Segmenter open(Path folder) {
        return builder().folder(folder).open();
    }

    /**
     * Opens the graphs in {@code folder} on {@code device}: {@code auto} (CUDA device 0 when it starts, else the
     * CPU with one log line), {@code cpu} or {@code cuda[:N]}.
     *
     * @throws DeviceUnavailableException if {@code cuda[:N]} was requested and cannot start (with a hint)
     * @throws ModelException if a file is missing or does not match the expected interface
     */
    public static Sam2Segmenter open(Path folder, String device) {
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
     * @return a mask of the image's size: the best mask's upsampled logits {@code > 0}
     * @throws IllegalArgumentException if {@code points} is empty or a point is NaN or outside the image
     * @throws IllegalStateException if the segmenter is closed
     * @throws ModelException if the graphs fail at run time or return unexpected shapes
     */
    @Override
    public Mask segment(RgbImage image, List<PointPrompt> points) {
        double[] xy = SegmenterCore.checkPoints(image, points);
        return core.withEmbedding(image, () -> encode(image), features -> decode(features, image, points, xy));
    }

    @Override
    public String toString() {
        return "Sam2Segmenter{encoder=" + files.encoder() + ", decoder=" + files.decoder() + ", device="
                + core.device + ", cacheSize=" + core.cacheSize() + (core.isClosed() ? ", closed" : "") + "}";
    }

    /** Number of encoder runs so far (cache misses). */
    long encoderRuns() {
        return core.encoderRuns();
    }

    /** The cached encoder feature {@code index} (0: high_res_feats_0, 1: high_res_feats_1, 2: image_embed). */
    float[] feature(RgbImage image, int index) {
        return core.withEmbedding(image, () -> encode(image), f -> SegmenterCore.toArray(f[index]));
    }

    private FloatBuffer[] encode(RgbImage image) {
        float[] input = SamTransforms.sam2EncoderInput(image);
        String role = "SAM2 encoder " + files.encoder();
        try (OnnxTensor x = core.tensor(input, IMAGE_SHAPE);
             OrtSession.Result r = core.encoder.run(Map.of(encoderInput, x), Set.of(FEATURES))) {
            FloatBuffer[] out = new FloatBuffer[FEATURES.length];
            for (int i = 0; i < FEATURES.length; i++) {
                long[] shape = SegmenterCore.shape(r, FEATURES[i], role);
                if (!Arrays.equals(shape, FEATURE_SHAPES[i])) {
                    throw new ModelException("the " + role + " returned " + FEATURES[i] + " " + Arrays.toString(shape)
                            + ", expected " + Arrays.toString(FEATURE_SHAPES[i]));
                }
                out[i] = SegmenterCore.directCopy(r, FEATURES[i], role);
            }
            return out;
        } catch (OrtException e) {
            throw SegmenterCore.runFailure(role, e);
        }
    }

    private Mask decode(FloatBuffer[] features, RgbImage image, List<PointPrompt> points, double[] xy) {
        int h = image.height();
        int w = image.width();
        int n = points.size();
        float[] coords = SamTransforms.toSam2Frame(xy, h, w);
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = points.get(i).foreground() ? 1f : 0f;
        }
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        String role = "SAM2 decoder " + files.decoder();
        try {
            in.put("image_embed", core.tensor(features[2], FEATURE_SHAPES[2]));
            in.put("high_res_feats_0", core.tensor(features[0], FEATURE_SHAPES[0]));
            in.put("high_res_feats_1", core.tensor(features[1], FEATURE_SHAPES[1]));
            in.put("point_coords", core.tensor(coords, 1, n, 2));
            in.put("point_labels", core.tensor(labels, 1, n));
            in.put("mask_input", core.tensor(zeroMask, 1, 1, SamTransforms.LOW_RES, SamTransforms.LOW_RES));
            in.put("has_mask_input", core.tensor(new float[] {0f}, 1));
            try (OrtSession.Result r = core.decoder.run(in, Set.of("masks", "iou_predictions"))) {
                long[] shape = SegmenterCore.shape(r, "masks", role);
                if (shape.length != 4 || shape[0] != 1 || shape[1] < 1 || shape[2] < 1 || shape[3] < 1) {
                    throw new ModelException("the " + role + " returned masks " + Arrays.toString(shape)
                            + ", expected [1, K, 256, 256]");
                }
                int k = (int) shape[1];
                int lh = (int) shape[2];
                int lw = (int) shape[3];
                FloatBuffer iou = SegmenterCore.floats(r, "iou_predictions", role);
                if (iou.remaining() < k) {
                    throw new ModelException("the " + role + " returned " + iou.remaining() + " iou_predictions for "
                            + k + " masks");
                }
                float[] scores = new float[k];
                iou.get(scores);
                int chosen = SamSegmenter.argmax(scores, 0);
                FloatBuffer masks = SegmenterCore.floats(r, "masks", role);
                float[] low = new float[lh * lw];
                masks.position(chosen * lh * lw);
                masks.get(low);
                return toMask(low, lw, lh, w, h);
            }
        } catch (OrtException e) {
            throw SegmenterCore.runFailure(role, e);
        } finally {
            SegmenterCore.closeAll(in);
        }
    }

    /**
     * A {@code lw x lh} logit grid upsampled to {@code w x h} ({@code F.interpolate(..., mode="bilinear",
     * align_corners=False)}, as SAM2's {@code postprocess_masks} and the video predictor's
     * {@code _get_orig_video_res_output}) and thresholded at {@code logit > 0}.
     */
    static Mask toMask(float[] low, int lw, int lh, int w, int h) {
        float[] up = Resampling.upsampleBilinear(low, 0, lw, lh, w, h);
        boolean[] data = new boolean[h * w];
        for (int i = 0; i < data.length; i++) {
            data[i] = up[i] > 0f;
        }
        return new Mask(h, w, data);
    }

    private static Sam2Segmenter open(Builder b) {
        ModelFiles files = ModelFiles.resolve("SAM2", b.folder, b.encoder, b.decoder);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtModels.Pair pair = OrtModels.open(env, "SAM2", files.encoder(), files.decoder(), b.device,
                b.intraOpThreads);
        try {
            String input = checkEncoder(pair.encoder(), files.encoder());
            OrtModels.requireInputs(OrtModels.inputs(pair.decoder(), "SAM2 decoder", files.decoder()), DECODER_INPUTS,
                    "SAM2 decoder", files.decoder(), EXPORT);
            OrtModels.requireOutputs(OrtModels.outputs(pair.decoder(), "SAM2 decoder", files.decoder()),
                    DECODER_OUTPUTS, "SAM2 decoder", files.decoder(), EXPORT);
            Sam2Segmenter s = new Sam2Segmenter(new SegmenterCore<>("Sam2Segmenter", env, pair, b.cacheSize), files,
                    input);
            LOG.debug("opened {}", s);
            return s;
        } catch (RuntimeException e) {
            pair.close();
            throw e;
        }
    }

    /** Validates the encoder; returns its input name. */
    private static String checkEncoder(OrtSession encoder, Path file) {
        return checkEncoder(encoder, file, "SAM2 encoder", IMAGE_SHAPE, List.of(FEATURES), FEATURE_SHAPES, EXPORT);
    }

    /**
     * Validates an encoder with one float image input {@code imageShape} (any name) and the named {@code outputs}
     * of the given shapes; returns the input's name.
     */
    static String checkEncoder(OrtSession encoder, Path file, String role, long[] imageShape, List<String> outputs,
                               long[][] shapes, String export) {
        Map<String, TensorInfo> inputs = OrtModels.inputs(encoder, role, file);
        if (inputs.size() != 1) {
            throw new ModelException("the " + role + " " + file + " has " + inputs.size() + " inputs " + inputs.keySet()
                    + ", expected one image input " + Arrays.toString(imageShape) + " (is it a decoder?)");
        }
        String input = inputs.keySet().iterator().next();
        OrtModels.requireInputs(inputs, List.of(new OrtModels.Spec(input, imageShape)), role, file, export);
        List<OrtModels.Spec> specs = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            specs.add(new OrtModels.Spec(outputs.get(i), shapes[i]));
        }
        OrtModels.requireOutputs(OrtModels.outputs(encoder, role, file), specs, role, file, export);
        return input;
    }

    /**
     * Settings for {@link Sam2Segmenter}: where the graphs are, the device, the cache size (see
     * {@link SegmenterBuilder}).
     *
     * <p>Thread-safety: mutable, not thread-safe.
     */
    public static final class Builder extends SegmenterBuilder<Sam2Segmenter, Builder> {
        private Builder() {
        }

        @Override
        public Sam2Segmenter open() {
            return Sam2Segmenter.open(this);
        }
    }
}
