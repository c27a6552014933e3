package org.refam.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.refam.core.Fixtures.EXPRESSION;
import static org.refam.core.Fixtures.IMAGE;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.refam.api.AttentionExtractor;
import org.refam.api.AttentionMaps;
import org.refam.api.CancelledException;
import org.refam.api.ExtractionRequest;
import org.refam.api.GroundingResult;
import org.refam.api.HeatMap;
import org.refam.api.Mask;
import org.refam.api.ModelInfo;
import org.refam.api.PointPrompt;
import org.refam.api.ProgressListener;
import org.refam.api.PromptTokenizer;
import org.refam.api.PromptableSegmenter;
import org.refam.api.RefAmException;
import org.refam.api.RgbImage;
import org.refam.api.TokenMap;
import org.refam.core.fixture.PlantedAttentionExtractor;
import org.refam.core.kernel.AttentionKernels;
import org.refam.core.sink.GlobalSinkHandler;
import org.refam.core.sink.SinkMode;

/** Entry-point behaviour: batching, video, requests, results, timings, segmenter, smoothing, threads. */
class RefAMTest {
    private final PlantedAttentionExtractor fixture = PlantedAttentionExtractor.create();

    @Test
    void groundAllBatchesIntoOneCallAndMatchesSingleGrounding() {
        TransformingExtractor ex = TransformingExtractor.recording(fixture);
        List<String> expressions = List.of("the red ball", "the dog on the right", "a cup at the bottom");
        List<GroundingResult> all = RefAM.of(ex).groundAll(IMAGE, expressions);
        assertThat(ex.extractAllCalls.get()).isEqualTo(1);
        assertThat(ex.extractCalls.get()).isZero();
        assertThat(all).extracting(GroundingResult::expression).containsExactlyElementsOf(expressions);
        for (int i = 0; i < expressions.size(); i++) {
            GroundingResult one = RefAM.of(fixture).ground(IMAGE, expressions.get(i));
            assertThat(all.get(i).gridHeatMap().values()).containsExactly(one.gridHeatMap().values());
            assertThat(all.get(i).peak()).isEqualTo(one.peak());
            double[] t = fixture.targetCentre(expressions.get(i));
            assertThat(Fixtures.sigmas(one.peak(), t)).as(expressions.get(i)).isLessThan(1.5);
        }
        assertThat(RefAM.of(ex).groundAll(IMAGE, List.of())).isEmpty();
    }

    @Test
    void videoUsesTheFirstFramesMaps() {
        RgbImage[] frames = {IMAGE, new RgbImage(96, 64, filled(96 * 64 * 3, (byte) 7)), IMAGE};
        TransformingExtractor ex = TransformingExtractor.recording(fixture);
        GroundingResult clip = RefAM.of(ex).ground(List.of(frames), EXPRESSION);
        assertThat(ex.requests.get(0).frames()).hasSize(3);
        GroundingResult still = RefAM.of(fixture).ground(IMAGE, EXPRESSION);
        // the fixture repeats its grid per frame, so frame 0 of the clip looks like the still image; the sink
        // statistics see three times the rows, which changes nothing here
        assertThat(clip.gridHeatMap().height()).isEqualTo(32);
        assertThat(clip.peak()).isEqualTo(still.peak());
        assertThat(clip.imageHeatMap().values().length).isEqualTo(96 * 64);
        assertThat(clip.mask().width()).isEqualTo(96);
        for (int i = 0; i < still.gridHeatMap().values().length; i++) {
            assertThat((double) clip.gridHeatMap().values()[i]).isCloseTo(still.gridHeatMap().values()[i],
                    within(1e-5 * still.gridHeatMap().max()));
        }
    }

    private static byte[] filled(int n, byte v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, v);
        return b;
    }

    @Test
    void theRequestCarriesTheConfiguration() {
        TransformingExtractor ex = TransformingExtractor.recording(fixture);
        RefAMConfig c = RefAMConfig.defaults().toBuilder().blocks(List.of(6, 2)).keepHeads(true)
                .sampling(new org.refam.api.SamplingOptions(List.of(0.4, 0.6), 2, 5)).build();
        GroundingResult r = new RefAM(ex, c).ground(IMAGE, EXPRESSION);
        ExtractionRequest q = ex.requests.get(0);
        assertThat(q.blocks()).containsExactly(6, 2);
        assertThat(q.keepHeads()).isTrue();
        assertThat(q.textToText()).isTrue();
        assertThat(q.sampling().passes()).isEqualTo(4);
        assertThat(q.prompt().size()).isEqualTo(64);
        assertThat(r.sinks()).hasSize(8);
        assertThat(r.sinks()).extracting(b -> b.block()).containsExactly(6, 2, 6, 2, 6, 2, 6, 2);
        // text-to-text only when the sink handler reads it
        new RefAM(ex, RefAMConfig.raw()).ground(IMAGE, EXPRESSION);
        assertThat(ex.requests.get(1).textToText()).isFalse();
        new RefAM(ex, c.toBuilder().sinkHandler(GlobalSinkHandler.of(SinkMode.OFF)).build()).ground(IMAGE, EXPRESSION);
        assertThat(ex.requests.get(2).textToText()).isFalse();
        assertThat(ex.requests.get(2).prompt().magnets()).hasSize(5);
    }

    @Test
    void resultCarriesSelectionTimingsAndOptionalTokenMaps() {
        GroundingResult r = RefAM.of(fixture).ground(IMAGE, EXPRESSION);
        assertThat(r.tokenMaps()).isEmpty();
        assertThat(r.provider()).isEqualTo("fixture");
        assertThat(r.timings().keySet()).containsExactly("extract:synthesize", "tokenize", "aggregate", "sinks",
                "filter", "heatmap", "upsample", "mask");
        assertThat(r.timings().values()).allMatch(d -> !d.isNegative());
        assertThat(r.totalTime()).isPositive();
        assertThat(r.selection().decisions()).hasSize(r.prompt().size());

        GroundingResult withMaps = new RefAM(fixture, RefAMConfig.defaults().toBuilder().keepTokenMaps(true).build())
                .ground(IMAGE, EXPRESSION);
        assertThat(withMaps.tokenMaps()).hasSize(64);
        float[] sum = new float[32 * 32];
        for (TokenMap m : withMaps.tokenMaps()) {
            assertThat(m.decision()).isEqualTo(withMaps.selection().decisions().get(m.position()));
            assertThat(m.token()).isEqualTo(withMaps.prompt().token(m.position()));
            if (m.decision().kept()) {
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += m.map().values()[i];
                }
            }
        }
        for (int i = 0; i < sum.length; i++) {
            assertThat((double) withMaps.gridHeatMap().values()[i]).isCloseTo(sum[i], within(1e-6));
        }
    }

    @Test
    void afterAverageRenormalisationOverAllKeysBoundsTheHeatMapByOne() {
        RefAMConfig all = RefAMConfig.defaults().toBuilder().keepTokenMaps(true).build();
        GroundingResult r = new RefAM(fixture, all).ground(IMAGE, EXPRESSION);
        float[] rowSum = new float[32 * 32];
        for (TokenMap m : r.tokenMaps()) {
            for (int i = 0; i < rowSum.length; i++) {
                rowSum[i] += m.map().values()[i];
            }
        }
        for (float v : rowSum) {
            assertThat((double) v).isCloseTo(1.0, within(1e-4));
        }
        assertThat(r.gridHeatMap().max()).isLessThanOrEqualTo(1f);
        // over the kept keys only, the kept maps share one unit everywhere: the documented flat degenerate case
        GroundingResult kept = new RefAM(fixture, all.toBuilder().renormalizationKeys(RenormalizationKeys.KEPT).build())
                .ground(IMAGE, EXPRESSION);
        for (float v : kept.gridHeatMap().values()) {
            assertThat((double) v).isCloseTo(1.0, within(1e-4));
        }
        // excluding padding changes the values but not where the blob is
        GroundingResult nonPad = new RefAM(fixture, all.toBuilder()
                .renormalizationKeys(RenormalizationKeys.NON_PADDING).build()).ground(IMAGE, EXPRESSION);
        assertThat(nonPad.gridHeatMap().max()).isGreaterThan(r.gridHeatMap().max());
        assertThat(Fixtures.sigmas(nonPad.peak(), fixture.targetCentre(EXPRESSION))).isLessThan(1.5);
    }

    @Test
    void smoothingIsTheGaussianOfTheUnsmoothedMap() {
        GroundingResult sharp = RefAM.of(fixture).ground(IMAGE, EXPRESSION);
        GroundingResult smooth = new RefAM(fixture, RefAMConfig.defaults().toBuilder().smoothingSigma(1.5).build())
                .ground(IMAGE, EXPRESSION);
        float[] expected = new float[32 * 32];
        AttentionKernels.gaussianSmooth(sharp.gridHeatMap().values(), 32, 32, 1.5, expected);
        assertThat(smooth.gridHeatMap().values()).containsExactly(expected);
        assertThat(smooth.gridHeatMap().max()).isLessThan(sharp.gridHeatMap().max());
    }

    @Test
    void aSegmenterReceivesThePeakAndReplacesTheBuiltInMask() {
        List<PointPrompt> seen = new CopyOnWriteArrayList<>();
        Mask given = new Mask(64, 96, new boolean[96 * 64]);
        given.data()[5] = true;
        PromptableSegmenter segmenter = new PromptableSegmenter() {
            @Override
            public Mask segment(RgbImage image, List<PointPrompt> points) {
                seen.addAll(points);
                return given;
            }

            @Override
            public void close() {
            }
        };
        GroundingResult r = new RefAM(fixture, RefAMConfig.defaults().toBuilder().segmenter(segmenter).build())
                .ground(IMAGE, EXPRESSION);
        assertThat(seen).containsExactly(new PointPrompt(r.peak().x(), r.peak().y(), true));
        assertThat(r.mask()).isSameAs(given);
        PromptableSegmenter wrongSize = new PromptableSegmenter() {
            @Override
            public Mask segment(RgbImage image, List<PointPrompt> points) {
                return Mask.empty(96, 64);
            }

            @Override
            public void close() {
            }
        };
        assertThatThrownBy(() -> new RefAM(fixture, RefAMConfig.defaults().toBuilder().segmenter(wrongSize).build())
                .ground(IMAGE, EXPRESSION)).isInstanceOf(RefAmException.class).hasMessageContaining("64x96 mask");
    }

    @Test
    void progressIsReportedAndCancellationStops() {
        List<String> stages = new CopyOnWriteArrayList<>();
        GroundingResult r = new RefAM(fixture, RefAMConfig.defaults().toBuilder()
                .listener((stage, done, total) -> stages.add(stage + " " + done + "/" + total)).build())
                .ground(IMAGE, EXPRESSION);
        assertThat(r).isNotNull();
        assertThat(stages).contains("extract 8/8", "aggregate 1/8", "aggregate 8/8");
        ProgressListener cancelInAggregation = new ProgressListener() {
            private volatile boolean aggregating;

            @Override
            public void progress(String stage, long done, long total) {
                aggregating |= stage.equals("aggregate");
            }

            @Override
            public boolean isCancelled() {
                return aggregating;
            }
        };
        assertThatThrownBy(() -> new RefAM(fixture, RefAMConfig.defaults().toBuilder().listener(cancelInAggregation)
                .build()).ground(IMAGE, EXPRESSION)).isInstanceOf(CancelledException.class)
                .hasMessageContaining("aggregate");
    }

    @Test
    void perSliceAndPerHeadRenormalisationAlsoFindTheBlob() {
        for (RefAMConfig c : List.of(
                RefAMConfig.defaults().toBuilder().renormalization(Renormalization.PER_SLICE).build(),
                RefAMConfig.defaults().toBuilder().renormalization(Renormalization.PER_SLICE).keepHeads(true).build(),
                RefAMConfig.defaults().toBuilder().keepHeads(true).build())) {
            GroundingResult r = new RefAM(fixture, c).ground(IMAGE, "the cup on the left");
            assertThat(Fixtures.sigmas(r.peak(), fixture.targetCentre("the cup on the left"))).as(c.toString())
                    .isLessThan(1.5);
        }
        // head mean taken by the pipeline equals the extractor's head mean
        GroundingResult heads = new RefAM(fixture, RefAMConfig.defaults().toBuilder().keepHeads(true).build())
                .ground(IMAGE, EXPRESSION);
        GroundingResult mean = RefAM.of(fixture).ground(IMAGE, EXPRESSION);
        for (int i = 0; i < 32 * 32; i++) {
            assertThat((double) heads.gridHeatMap().values()[i]).isCloseTo(mean.gridHeatMap().values()[i],
                    within(1e-5 * mean.gridHeatMap().max()));
        }
    }

    @Test
    void concurrentGroundingGivesIdenticalResults() throws Exception {
        RefAM refam = RefAM.of(fixture);
        HeatMap reference = refam.ground(IMAGE, EXPRESSION).gridHeatMap();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<GroundingResult>> jobs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                jobs.add(() -> refam.ground(IMAGE, EXPRESSION));
            }
            for (Future<GroundingResult> f : pool.invokeAll(jobs)) {
                assertThat(f.get().gridHeatMap().values()).containsExactly(reference.values());
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void refamDoesNotOwnTheExtractor() {
        PlantedAttentionExtractor ex = PlantedAttentionExtractor.create();
        RefAM refam = RefAM.of(ex);
        refam.ground(IMAGE, EXPRESSION);
        assertThat(refam).isNotInstanceOf(AutoCloseable.class);
        assertThat(refam.extractor()).isSameAs(ex);
        ex.close();
        assertThatThrownBy(() -> refam.ground(IMAGE, EXPRESSION)).isInstanceOf(IllegalStateException.class);
        assertThat(refam.toString()).contains("PlantedAttentionExtractor");
    }

    @Test
    void pooledBuffersGiveTheResultsOfAFreshPipelineWhenTheShapeChanges() {
        PlantedAttentionExtractor small = PlantedAttentionExtractor.builder().grid(12, 20).build();
        PlantedAttentionExtractor[] current = {fixture};
        AttentionExtractor switching = new AttentionExtractor() {
            @Override
            public ModelInfo info() {
                return current[0].info();
            }

            @Override
            public PromptTokenizer tokenizer() {
                return current[0].tokenizer();
            }

            @Override
            public AttentionMaps extract(ExtractionRequest request) {
                return current[0].extract(request);
            }

            @Override
            public void close() {
            }
        };
        for (RefAMConfig c : List.of(RefAMConfig.defaults(), RefAMConfig.defaults().toBuilder()
                .renormalization(Renormalization.PER_SLICE).keepHeads(true).keepTokenMaps(true).build())) {
            RefAM reused = new RefAM(switching, c);
            // large, small (buffers longer than needed), large again, then after releasing the buffers
            for (PlantedAttentionExtractor e : List.of(fixture, small, fixture, small, fixture)) {
                current[0] = e;
                GroundingResult r = reused.ground(IMAGE, EXPRESSION);
                GroundingResult fresh = new RefAM(e, c).ground(IMAGE, EXPRESSION);
                assertThat(r.gridHeatMap().values()).as(c.toString()).containsExactly(fresh.gridHeatMap().values());
                assertThat(r.imageHeatMap().values()).containsExactly(fresh.imageHeatMap().values());
                assertThat(r.peak()).isEqualTo(fresh.peak());
                for (int j = 0; j < r.tokenMaps().size(); j++) {
                    assertThat(r.tokenMaps().get(j).map().values())
                            .containsExactly(fresh.tokenMaps().get(j).map().values());
                }
                if (e == small) {
                    reused.releaseBuffers();
                }
            }
        }
    }
}
