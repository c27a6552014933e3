package org.refam.bench;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.refam.api.AttentionSlice;
import org.refam.api.BlockSinks;
import org.refam.api.ImageGeometry;
import org.refam.api.Sink;
import org.refam.api.SinkHandler;
import org.refam.api.SinkWorkspace;
import org.refam.api.TokenFilter;
import org.refam.api.TokenizedPrompt;
import org.refam.core.kernel.AttentionKernels;
import org.refam.core.sink.GlobalSinkHandler;
import org.refam.core.text.DefaultTokenFilter;

/**
 * The host-side post-processing of one expression (method.md section 2, steps 4 to 8), composed of the calls the
 * pipeline makes with its default configuration, from the extractor's slices to the peak pixel: per slice the NaN
 * check, the head mean of image-to-text and text-to-text attention, sink detection and redirection
 * ({@link GlobalSinkHandler#standard()}) and the weighted add into the average; then renormalisation of the average
 * over all text keys, token filtering ({@link DefaultTokenFilter#standard()}), the masked sum of the kept tokens,
 * bilinear upsampling to the image and the argmax. Buffers are allocated per call, as the pipeline does. Not
 * included: tokenization, the model, the mask (threshold or segmenter).
 *
 * <p>{@code tools/bench/postprocess_numpy.py} does the same maths in NumPy.
 *
 * <p>Thread-safety: immutable; {@link #run()} works on its own buffers.
 */
final class PostProcessing {
    private final TokenizedPrompt prompt;
    private final ImageGeometry geometry;
    private final List<AttentionSlice> slices;
    private final SinkHandler sinks = GlobalSinkHandler.standard();
    private final TokenFilter filter = DefaultTokenFilter.standard();

    PostProcessing(TokenizedPrompt prompt, ImageGeometry geometry, List<AttentionSlice> slices) {
        this.prompt = prompt;
        this.geometry = geometry;
        this.slices = List.copyOf(slices);
    }

    /** What one run produced. */
    record Result(float[] heatMap, float[] pixels, int peak, int[] kept, Set<Integer> sinks) {
    }

    Result run() {
        int n = geometry.imageTokens();
        int t = prompt.size();
        int count = slices.size();
        float[] work = new float[n * t];
        float[] acc = count == 1 ? work : new float[n * t];
        float[] text = new float[t * t];
        Set<Integer> sinkPositions = new LinkedHashSet<>();
        for (AttentionSlice s : slices) {
            AttentionKernels.requireFinite(s.imageToText(), "image-to-text attention", s.sample(), s.block());
            AttentionKernels.requireFinite(s.textToText(), "text-to-text attention", s.sample(), s.block());
            Arrays.fill(work, 0f);
            AttentionKernels.accumulateHeadMean(s.imageToText(), 1f, work);
            Arrays.fill(text, 0f);
            AttentionKernels.accumulateHeadMean(s.textToText(), 1f, text);
            BlockSinks found = sinks.handle(new SinkWorkspace(s.sample(), s.block(), prompt, n, work, text));
            for (Sink k : found.sinks()) {
                sinkPositions.add(k.position());
            }
            if (acc != work) {
                AttentionKernels.accumulate(work, n, t, 1f / count, acc);
            }
        }
        AttentionKernels.renormalizeRows(acc, 0, n, t, null);
        int[] kept = filter.select(prompt, sinkPositions).keptPositions();
        float[] grid = new float[n];
        AttentionKernels.sumColumns(acc, 0, n, t, kept, grid);
        float[] pixels = new float[geometry.imageHeight() * geometry.imageWidth()];
        AttentionKernels.upsampleBilinear(grid, 0, geometry, pixels);
        int peak = AttentionKernels.argmax(pixels, 0, pixels.length);
        return new Result(grid, pixels, peak, kept, sinkPositions);
    }
}
