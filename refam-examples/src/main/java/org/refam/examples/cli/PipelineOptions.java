package org.refam.examples.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.refam.api.ExtractorOptions;
import org.refam.api.SamplingOptions;
import org.refam.core.RefAMConfig;
import org.refam.core.Renormalization;
import org.refam.core.RenormalizationKeys;
import org.refam.core.sink.GlobalSinkHandler;
import org.refam.core.sink.SinkMode;
import org.refam.core.text.DefaultTokenFilter;
import picocli.CommandLine.Option;

/**
 * The options shared by every command that runs the pipeline: the backend, model and device, and a switch for
 * every stage (this is how ablations are run from the command line).
 *
 * <p>Thread-safety: not thread-safe; one instance per parse.
 */
final class PipelineOptions {
    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "Attention backend: auto (highest priority found), onnx, fixture (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--model", paramLabel = "DIR", description = "Model bundle folder (default: the backend's own).")
    Path model;

    @Option(names = "--device", paramLabel = "DEV", defaultValue = "auto",
            description = "auto, cpu or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--segmenter", paramLabel = "NAME[:DIR]", defaultValue = "none",
            description = "Promptable segmenter for the mask: sam:DIR, sam2:DIR, or none for the built-in threshold "
                    + "mask (default: ${DEFAULT-VALUE}).")
    String segmenter;

    @Option(names = "--segmenter-model", paramLabel = "DIR",
            description = "The segmenter's model folder (alternative to NAME:DIR).")
    Path segmenterModel;

    @Option(names = "--no-magnets", description = "Do not append attention magnets.")
    boolean noMagnets;

    @Option(names = "--magnets", paramLabel = "WORDS",
            description = "Magnet words separated by spaces (default: \". with a the pink\").")
    String magnetWords;

    @Option(names = "--no-filter", description = "Sum the maps of every token (no stop-word/special/padding filtering).")
    boolean noFilter;

    @Option(names = "--noun-phrase", description = "Keep only the tokens of the referring noun phrase.")
    boolean nounPhrase;

    @Option(names = "--keep-anchors", description = "Keep the words of a relation's anchor (by default \"the "
            + "green star\" in \"the triangle above the green star\" is dropped; location phrases such as \"on the "
            + "left\" are always kept).")
    boolean keepAnchors;

    @Option(names = "--sinks", paramLabel = "MODE", defaultValue = "redirect",
            description = "Global-sink handling: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    SinkMode sinks;

    @Option(names = "--sink-strength", paramLabel = "K", defaultValue = "4.0",
            description = "A sink receives at least K times the uniform share 1/T (default: ${DEFAULT-VALUE}).")
    double sinkStrength;

    @Option(names = "--sink-max-cv", paramLabel = "CV", defaultValue = "0.5",
            description = "A sink's image map has a coefficient of variation at most CV (default: ${DEFAULT-VALUE}).")
    double sinkMaxCv;

    @Option(names = "--renorm", paramLabel = "WHEN", defaultValue = "after_average",
            description = "Renormalise over text keys: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Renormalization renorm;

    @Option(names = "--renorm-keys", paramLabel = "KEYS", defaultValue = "all",
            description = "Keys renormalised over: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    RenormalizationKeys renormKeys;

    @Option(names = "--blocks", paramLabel = "LIST", split = ",",
            description = "Transformer blocks to read, e.g. 0,1,2 (default: the model's).")
    List<Integer> blocks;

    @Option(names = "--timesteps", paramLabel = "LIST", split = ",", defaultValue = "0.5",
            description = "Flow times in [0,1] (default: ${DEFAULT-VALUE}).")
    List<Double> timesteps;

    @Option(names = "--noise-samples", paramLabel = "N", defaultValue = "1",
            description = "Noise draws per timestep (default: ${DEFAULT-VALUE}).")
    int noiseSamples;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Noise seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--smoothing", paramLabel = "SIGMA", defaultValue = "0",
            description = "Gaussian smoothing of the grid heat map, in grid cells; 0 = off (default: ${DEFAULT-VALUE}).")
    double smoothing;

    @Option(names = "--mask-threshold", paramLabel = "F", defaultValue = "0.5",
            description = "Built-in mask: pixels >= F x peak connected to the peak (default: ${DEFAULT-VALUE}).")
    double maskThreshold;

    @Option(names = "--truncate", description = "Truncate over-long expressions instead of failing.")
    boolean truncate;

    /** The extractor options these switches describe. */
    ExtractorOptions extractorOptions() {
        return ExtractorOptions.builder().model(model).device(device).build();
    }

    /**
     * Opens the backend and the segmenter, grounds {@code expression} in {@code image} with the configuration these
     * switches describe, and closes both.
     */
    org.refam.api.GroundingResult ground(org.refam.api.RgbImage image, String expression, boolean keepTokenMaps) {
        try (org.refam.api.AttentionExtractor extractor =
                     org.refam.core.Backends.openExtractor(backend, extractorOptions());
             SegmenterHolder seg = openSegmenter()) {
            return new org.refam.core.RefAM(extractor,
                    config(keepTokenMaps).toBuilder().segmenter(seg.segmenter).build()).ground(image, expression);
        }
    }

    /** Opens the segmenter these switches name (none: a holder of null); closing the holder closes it. */
    SegmenterHolder openSegmenter() {
        return new SegmenterHolder(org.refam.eval.Segmenters.open(segmenter,
                ExtractorOptions.builder().model(segmenterModel).device(device).build()));
    }

    /** Closes the segmenter (if any) after the run. */
    static final class SegmenterHolder implements AutoCloseable {
        final org.refam.api.PromptableSegmenter segmenter;

        SegmenterHolder(org.refam.api.PromptableSegmenter segmenter) {
            this.segmenter = segmenter;
        }

        @Override
        public void close() {
            if (segmenter != null) {
                segmenter.close();
            }
        }
    }

    /** The pipeline configuration these switches describe, starting from the full pipeline. */
    RefAMConfig config(boolean keepTokenMaps) {
        RefAMConfig.Builder b = RefAMConfig.defaults().toBuilder();
        if (noMagnets) {
            b.magnets(false);
        } else if (magnetWords != null) {
            b.magnetWords(Arrays.stream(magnetWords.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList());
        }
        if (noFilter) {
            b.tokenFilter(DefaultTokenFilter.keepAll());
        } else if (nounPhrase || keepAnchors) {
            b.tokenFilter(DefaultTokenFilter.builder().nounPhraseOnly(nounPhrase).dropAnchors(!keepAnchors).build());
        }
        b.sinkHandler(sinks == SinkMode.OFF ? null : GlobalSinkHandler.builder().mode(sinks).strength(sinkStrength)
                .maxVariation(sinkMaxCv).build());
        b.renormalization(renorm).renormalizationKeys(renormKeys);
        if (blocks != null) {
            b.blocks(blocks);
        }
        b.sampling(new SamplingOptions(timesteps, noiseSamples, seed));
        b.smoothingSigma(smoothing).maskThreshold(maskThreshold).truncate(truncate).keepTokenMaps(keepTokenMaps);
        return b.build();
    }
}
