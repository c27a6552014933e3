package org.refam.bench;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.refam.api.AttentionExtractor;
import org.refam.api.AttentionMaps;
import org.refam.api.AttentionSlice;
import org.refam.api.BlockSinks;
import org.refam.api.ExtractionRequest;
import org.refam.api.GroundingResult;
import org.refam.api.ImageGeometry;
import org.refam.api.Mask;
import org.refam.api.ModelInfo;
import org.refam.api.PointPrompt;
import org.refam.api.PromptTokenizer;
import org.refam.api.PromptableSegmenter;
import org.refam.api.RgbImage;
import org.refam.api.Sink;
import org.refam.api.TokenizedPrompt;
import org.refam.core.RefAM;
import org.refam.core.RefAMConfig;
import org.refam.core.text.SimpleTokenizer;

/**
 * The host-side post-processing of one expression (method.md section 2, steps 4 to 8): {@link RefAM#ground} with
 * its default configuration on an extractor that hands over precomputed slices instead of running a model. Per
 * slice the NaN check, the head mean of image-to-text and text-to-text attention, sink detection and redirection
 * ({@code GlobalSinkHandler.standard()}) and the weighted add into the average; then renormalisation of the average
 * over all text keys, token filtering, the masked sum of the kept tokens, bilinear upsampling to the image and the
 * argmax. The mask comes from a segmenter that returns one prepared mask, so the threshold mask is not timed.
 * Tokenizing the expression (a few microseconds with {@link SimpleTokenizer}) is included; the model is not.
 *
 * <p>{@code tools/bench/postprocess_numpy.py} does the same maths in NumPy.
 *
 * <p>Thread-safety: as {@link RefAM}: thread-safe.
 */
final class PostProcessing {
    private final RgbImage image;
    private final RefAM refam;

    PostProcessing(TokenizedPrompt prompt, ImageGeometry geometry, List<AttentionSlice> slices) {
        int w = geometry.imageWidth();
        int h = geometry.imageHeight();
        this.image = new RgbImage(w, h, new byte[3 * w * h]);
        Mask mask = new Mask(h, w, new boolean[w * h]);
        PromptableSegmenter segmenter = new PromptableSegmenter() {
            @Override
            public Mask segment(RgbImage frame, List<PointPrompt> points) {
                return mask;
            }

            @Override
            public void close() {
            }
        };
        this.refam = new RefAM(new Replay(prompt, geometry, slices),
                RefAMConfig.defaults().toBuilder().segmenter(segmenter).build());
    }

    /** What one run produced. */
    record Result(float[] heatMap, float[] pixels, int peak, int[] kept, Set<Integer> sinks) {
    }

    Result run() {
        GroundingResult r = refam.ground(image, Workloads.EXPRESSION);
        Set<Integer> sinks = new LinkedHashSet<>();
        for (BlockSinks b : r.sinks()) {
            for (Sink s : b.sinks()) {
                sinks.add(s.position());
            }
        }
        return new Result(r.gridHeatMap().values(), r.imageHeatMap().values(),
                r.peak().y() * image.width() + r.peak().x(), r.selection().keptPositions(), sinks);
    }

    /** Returns the same slices for every request: an extractor without a model. */
    private static final class Replay implements AttentionExtractor {
        private final AttentionMaps maps;
        private final PromptTokenizer tokenizer;
        private final ModelInfo info;

        Replay(TokenizedPrompt prompt, ImageGeometry geometry, List<AttentionSlice> slices) {
            this.maps = new AttentionMaps(prompt, geometry, slices, "replay", Map.of());
            this.tokenizer = new SimpleTokenizer(prompt.size());
            int blocks = slices.stream().mapToInt(AttentionSlice::block).max().orElse(0) + 1;
            List<Integer> reported = slices.stream().map(AttentionSlice::block).distinct().toList();
            this.info = new ModelInfo("replay", blocks, slices.get(0).heads(), reported, List.of(), prompt.size(),
                    false, false);
        }

        @Override
        public ModelInfo info() {
            return info;
        }

        @Override
        public PromptTokenizer tokenizer() {
            return tokenizer;
        }

        @Override
        public AttentionMaps extract(ExtractionRequest request) {
            return maps;
        }

        @Override
        public void close() {
        }
    }
}
