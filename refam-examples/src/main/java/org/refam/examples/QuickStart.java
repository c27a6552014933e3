package org.refam.examples;

import java.nio.file.Path;
import org.refam.api.AttentionExtractor;
import org.refam.api.ExtractorOptions;
import org.refam.api.GroundingResult;
import org.refam.api.RgbImage;
import org.refam.api.TokenDecision;
import org.refam.core.Backends;
import org.refam.core.RefAM;
import org.refam.core.RefAMConfig;
import org.refam.core.image.Images;

/**
 * The README's library example as a program: grounds an expression in an image with the default backend (ONNX
 * Runtime on the embedded refam-tiny model when refam-onnx is on the class path) and prints the peak, the mask
 * area and why each token was kept or dropped.
 *
 * <p>Run: {@code java -cp refam-examples/target/refam-cli.jar org.refam.examples.QuickStart samples/shapes.png
 * "the large yellow circle"}.
 *
 * <p>Thread-safety: not applicable (a {@code main} entry point).
 */
public final class QuickStart {
    private QuickStart() {
    }

    /** {@code args}: image path, expression. */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: QuickStart IMAGE \"EXPRESSION\"");
            System.exit(2);
        }
        GroundingResult r = ground(Path.of(args[0]), args[1]);
        System.out.printf("peak (%d, %d), score %.4g, mask %d px, provider %s%n", r.peak().x(), r.peak().y(),
                r.peakScore(), r.mask().area(), r.provider());
        for (TokenDecision d : r.selection().decisions()) {
            System.out.printf("  %-10s %s%n", r.prompt().token(d.position()).text(), d.reason());
        }
    }

    /** Grounds {@code expression} in the image at {@code image} with the default backend and configuration. */
    public static GroundingResult ground(Path image, String expression) {
        try (AttentionExtractor extractor = Backends.openExtractor("auto", ExtractorOptions.defaults())) {
            RefAM refam = new RefAM(extractor, RefAMConfig.defaults());
            RgbImage rgb = Images.read(image);
            return refam.ground(rgb, expression);
        }
    }
}
