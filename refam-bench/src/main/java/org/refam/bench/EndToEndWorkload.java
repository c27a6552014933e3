package org.refam.bench;

import java.util.List;
import org.refam.api.AttentionExtractor;
import org.refam.api.ExtractionRequest;
import org.refam.api.ExtractorOptions;
import org.refam.api.ProgressListener;
import org.refam.api.PromptTokenizer;
import org.refam.api.RgbImage;
import org.refam.api.TokenizedPrompt;
import org.refam.core.RefAMConfig;
import org.refam.core.text.Prompts;
import org.refam.onnx.OnnxAttentionExtractor;

/**
 * The fixed input of the end-to-end benchmark ({@link EndToEndBench}) and of its PyTorch counterpart
 * ({@code tools/bench/e2e_pytorch.py}, which draws the same image with the same integer rules): a 48 x 48
 * RefShapes-like scene (smooth background, a red triangle, a blue circle, a green square; the bundled refam-tiny
 * model's image size, so no resizing happens) and the expression {@value #EXPRESSION}.
 *
 * <p>Thread-safety: stateless; every method returns new objects.
 */
final class EndToEndWorkload {
    /** The referring expression; every word is in the refam-tiny vocabulary. */
    static final String EXPRESSION = "the red triangle";
    /** Side of the image in pixels: refam-tiny's {@code image.size} (models/refam-tiny/manifest.json). */
    static final int SIDE = 48;

    private EndToEndWorkload() {
    }

    /**
     * The scene, drawn with integer arithmetic only so that the Python side reproduces it byte for byte:
     * background {@code (180 + 20x/47, 180 + 20y/47, 200)}; red triangle (220, 30, 30) with apex (12, 6) and base
     * y = 20 ({@code |x - 12| * 2 <= y - 6}); blue circle (30, 60, 220) of radius 7 around (34, 14); green square
     * (40, 180, 60) over x, y in [18, 29] x [30, 41]. Later shapes paint over earlier ones (they do not overlap).
     */
    static RgbImage image() {
        byte[] rgb = new byte[SIDE * SIDE * 3];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int r = 180 + 20 * x / 47;
                int g = 180 + 20 * y / 47;
                int b = 200;
                if (y >= 6 && y <= 20 && Math.abs(x - 12) * 2 <= y - 6) {
                    r = 220;
                    g = 30;
                    b = 30;
                }
                if ((x - 34) * (x - 34) + (y - 14) * (y - 14) <= 49) {
                    r = 30;
                    g = 60;
                    b = 220;
                }
                if (x >= 18 && x <= 29 && y >= 30 && y <= 41) {
                    r = 40;
                    g = 180;
                    b = 60;
                }
                int at = 3 * (y * SIDE + x);
                rgb[at] = (byte) r;
                rgb[at + 1] = (byte) g;
                rgb[at + 2] = (byte) b;
            }
        }
        return new RgbImage(SIDE, SIDE, rgb);
    }

    /**
     * The embedded refam-tiny model on the CPU.
     *
     * @param intraOpThreads ONNX Runtime threads per run; 0 = ONNX Runtime's choice (one per core)
     */
    static OnnxAttentionExtractor open(int intraOpThreads) {
        return OnnxAttentionExtractor.open(ExtractorOptions.builder().device("cpu")
                .property("intraOpThreads", Integer.toString(intraOpThreads)).build());
    }

    /**
     * The request {@link org.refam.core.RefAM#ground} sends for {@link #EXPRESSION} under {@code config} (as its
     * private {@code prepare} and {@code request} build it): the expression's tokens, the configured magnets,
     * padding to the model's text length, the given blocks (empty = the model's default), text-to-text attention
     * when the sink handler reads it or per-token maps are kept, and the configured sampling.
     */
    static ExtractionRequest request(AttentionExtractor extractor, RefAMConfig config, RgbImage image,
                                     List<Integer> blocks) {
        PromptTokenizer tokenizer = extractor.tokenizer();
        TokenizedPrompt prompt = Prompts.expression(EXPRESSION, tokenizer, config.truncate());
        if (config.redistributor() != null) {
            prompt = config.redistributor().redistribute(prompt, tokenizer);
        }
        prompt = Prompts.pad(prompt, tokenizer);
        boolean textToText = (config.sinkHandler() != null && config.sinkHandler().usesTextToText())
                || config.keepTokenMaps();
        return new ExtractionRequest(List.of(image), prompt, blocks, config.keepHeads(), textToText,
                config.sampling(), ProgressListener.NONE);
    }
}
