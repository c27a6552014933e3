package org.refam.onnx.sam;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import org.refam.api.Mask;
import org.refam.api.RgbImage;

/**
 * The tiny graphs of tools/sam/make_tiny_sam.py (committed under src/test/resources/sam) and what they draw: the
 * constants below restate the script's RADII / IOUS so the tests can say which mask they expect.
 */
final class TinyModels {
    /** Disk radius of each of the four internal masks, 1024-frame pixels (make_tiny_sam.RADII). */
    static final double[] RADII = {40, 56, 72, 88};
    /** SAM v1: one click (+ padding) picks the best of masks 1..3 by IoU (0.60, 0.95, 0.70): mask 2. */
    static final double SAM_ONE_CLICK_RADIUS = RADII[2];
    /** SAM v1: three or more points with padding pick mask 0. */
    static final double SAM_MULTI_POINT_RADIUS = RADII[0];
    /** SAM2: masks 1..3 are returned with IoU (0.30, 0.90, 0.60): the best is internal mask 2. */
    static final double SAM2_RADIUS = RADII[2];

    private TinyModels() {
    }

    static Path resource(String name) {
        URL url = TinyModels.class.getResource("/sam/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test resource sam/" + name
                    + "; regenerate with tools/sam/make_tiny_sam.py");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path sam1() {
        return resource("sam1");
    }

    static Path sam2() {
        return resource("sam2");
    }

    /** The four SAM2 video graphs (make_tiny_sam.build_video). */
    static Path sam2Video() {
        return resource("sam2video");
    }

    static boolean cudaProviderPresent() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    /** A uniform image. */
    static RgbImage uniform(int width, int height, int r, int g, int b) {
        byte[] rgb = new byte[3 * width * height];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) r;
            rgb[i + 1] = (byte) g;
            rgb[i + 2] = (byte) b;
        }
        return new RgbImage(width, height, rgb);
    }

    /** A seeded pseudo-random image (content differs per seed). */
    static RgbImage noise(int width, int height, long seed) {
        byte[] rgb = new byte[3 * width * height];
        new Random(seed).nextBytes(rgb);
        return new RgbImage(width, height, rgb);
    }

    /** Mean (x, y) of the set pixels. */
    static double[] centroid(Mask m) {
        double sx = 0;
        double sy = 0;
        long n = 0;
        for (int y = 0; y < m.height(); y++) {
            for (int x = 0; x < m.width(); x++) {
                if (m.get(x, y)) {
                    sx += x;
                    sy += y;
                    n++;
                }
            }
        }
        return n == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {sx / n, sy / n};
    }

    /** Sizes (height, width) that make (W, H) swaps and integer scales visible: landscape, portrait, odd. */
    static List<int[]> awkwardSizes() {
        List<int[]> out = new ArrayList<>();
        out.add(new int[] {480, 640});
        out.add(new int[] {640, 480});
        out.add(new int[] {333, 517});
        out.add(new int[] {517, 333});
        out.add(new int[] {301, 1000});
        return out;
    }
}
