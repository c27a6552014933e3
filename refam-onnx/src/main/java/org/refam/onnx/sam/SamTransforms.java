package org.refam.onnx.sam;

import org.refam.api.RgbImage;

/**
 * Coordinate maths and encoder pre-processing of SAM v1 and SAM2 (method.md section 5). Sizes are always passed
 * in (height, width) order, points in (x, y) = (column, row) order, both in original image pixels.
 *
 * <p>SAM v1 ({@code segment_anything/utils/transforms.py}, {@code ResizeLongestSide(1024)}): the image is resized
 * so that its longest side is 1024 with {@code scale = 1024.0 / max(h, w)} and
 * {@code newSide = (int) (side * scale + 0.5)}, then zero-padded at the bottom and right to 1024 x 1024; a point
 * maps to {@code (x * newW / w, y * newH / h)} ({@code apply_coords}). SAM2 ({@code sam2/utils/transforms.py},
 * {@code SAM2Transforms}): the image is resized to 1024 x 1024 without keeping its aspect ratio and a point maps to
 * {@code (x * 1024 / w, y * 1024 / h)}; there is no padding.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class SamTransforms {
    /** Side of the square encoder input of SAM v1 and SAM2 ({@code image_encoder.img_size}, {@code image_size}). */
    static final int FRAME = 1024;
    /** Side of the low-resolution mask logits ({@code 4 x} the 64 x 64 embedding; the exports' mask_input). */
    static final int LOW_RES = 256;
    /**
     * Per-channel mean of 0..255 RGB: SAM's {@code pixel_mean}; SAM2's {@code [0.485, 0.456, 0.406] * 255} is the
     * same numbers.
     */
    static final float[] PIXEL_MEAN = {123.675f, 116.28f, 103.53f};
    /** Per-channel standard deviation of 0..255 RGB: SAM's {@code pixel_std} ({@code [0.229, 0.224, 0.225] * 255}). */
    static final float[] PIXEL_STD = {58.395f, 57.12f, 57.375f};

    private SamTransforms() {
    }

    /** A size in (height, width) order. */
    record Size(int height, int width) {
    }

    /** {@code 1024.0 / max(height, width)}, in double precision (never an integer division). */
    static double scale(int height, int width) {
        checkSize(height, width);
        return (double) FRAME / Math.max(height, width);
    }

    /**
     * The size SAM v1 resizes a {@code height x width} image to before padding:
     * {@code ResizeLongestSide.get_preprocess_shape(h, w, 1024)}. The longest side becomes 1024; the other is
     * rounded half up.
     */
    static Size resizedSize(int height, int width) {
        double s = scale(height, width);
        return new Size((int) (height * s + 0.5), (int) (width * s + 0.5));
    }

    /**
     * Maps points to the SAM v1 input frame ({@code apply_coords}).
     *
     * @param xy interleaved {@code x, y} pairs in original pixels
     * @return interleaved pairs in the resized, unpadded 1024 frame: {@code x * newW / w}, {@code y * newH / h}
     */
    static float[] toSamFrame(double[] xy, int height, int width) {
        Size s = resizedSize(height, width);
        double fx = (double) s.width() / width;
        double fy = (double) s.height() / height;
        float[] out = new float[xy.length];
        for (int i = 0; i + 1 < xy.length; i += 2) {
            out[i] = (float) (xy[i] * fx);
            out[i + 1] = (float) (xy[i + 1] * fy);
        }
        return out;
    }

    /**
     * Maps points to the SAM2 input frame ({@code SAM2Transforms.transform_coords(normalize=True)}).
     *
     * @param xy interleaved {@code x, y} pairs in original pixels
     * @return interleaved pairs: {@code x / w * 1024}, {@code y / h * 1024}
     */
    static float[] toSam2Frame(double[] xy, int height, int width) {
        checkSize(height, width);
        float[] out = new float[xy.length];
        for (int i = 0; i + 1 < xy.length; i += 2) {
            out[i] = (float) (xy[i] / width * FRAME);
            out[i + 1] = (float) (xy[i + 1] / height * FRAME);
        }
        return out;
    }

    /**
     * The SAM v1 encoder input: the image resized to {@link #resizedSize} with Pillow's bilinear filter (8-bit
     * result, as {@code ResizeLongestSide.apply_image}), normalised per channel with {@link #PIXEL_MEAN} and
     * {@link #PIXEL_STD}, zero-padded at the bottom and right ({@code Sam.preprocess}: pad after normalising, so
     * the padding is 0, not the mean colour).
     *
     * @return {@code 3 * 1024 * 1024} floats, {@code CHW}, the {@code [1, 3, 1024, 1024]} tensor's data
     */
    static float[] samEncoderInput(RgbImage image) {
        Size s = resizedSize(image.height(), image.width());
        byte[] resized = Resampling.resizeRgb8(image.rgb(), image.width(), image.height(), s.width(), s.height());
        int plane = FRAME * FRAME;
        float[] out = new float[3 * plane];
        for (int y = 0; y < s.height(); y++) {
            for (int x = 0; x < s.width(); x++) {
                int p = 3 * (y * s.width() + x);
                int o = y * FRAME + x;
                for (int c = 0; c < 3; c++) {
                    out[c * plane + o] = ((resized[p + c] & 0xFF) - PIXEL_MEAN[c]) / PIXEL_STD[c];
                }
            }
        }
        return out;
    }

    /**
     * The input of a SAM v1 encoder exported with the pre-processing inside ({@code samexporter
     * --use-preprocess}): the image resized to {@link #resizedSize} with Pillow's bilinear filter, as 0..255
     * floats, interleaved RGB ({@code HWC}); the graph normalises and pads it.
     *
     * @return {@code newH * newW * 3} floats, the {@code [newH, newW, 3]} tensor's data
     */
    static float[] samResizedHwc(RgbImage image) {
        Size s = resizedSize(image.height(), image.width());
        byte[] resized = Resampling.resizeRgb8(image.rgb(), image.width(), image.height(), s.width(), s.height());
        float[] out = new float[resized.length];
        for (int i = 0; i < resized.length; i++) {
            out[i] = resized[i] & 0xFF;
        }
        return out;
    }

    /**
     * The SAM2 encoder input ({@code SAM2Transforms}: {@code ToTensor}, {@code Resize((1024, 1024))},
     * {@code Normalize}): the image as floats in 0..1 resized to 1024 x 1024 with the antialiased bilinear filter
     * (torchvision's tensor {@code Resize}, antialias on since torchvision 0.17), then normalised; no padding.
     *
     * @return {@code 3 * 1024 * 1024} floats, {@code CHW}
     */
    static float[] sam2EncoderInput(RgbImage image) {
        int w = image.width();
        int h = image.height();
        int pixels = w * h;
        int frame = FRAME * FRAME;
        byte[] rgb = image.rgb();
        float[] out = new float[3 * frame];
        float[] plane = new float[pixels]; // one channel at a time keeps the peak memory at one input plane
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < pixels; i++) {
                plane[i] = (rgb[3 * i + c] & 0xFF) / 255f;
            }
            float[] resized = Resampling.resizePlanesAntialiased(plane, 1, w, h, FRAME, FRAME);
            float mean = PIXEL_MEAN[c] / 255f;
            float std = PIXEL_STD[c] / 255f;
            for (int i = 0; i < frame; i++) {
                out[c * frame + i] = (resized[i] - mean) / std;
            }
        }
        return out;
    }

    private static void checkSize(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be positive, got height " + height + ", width "
                    + width);
        }
    }
}
