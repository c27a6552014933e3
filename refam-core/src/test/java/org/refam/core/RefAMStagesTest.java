package org.refam.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.refam.core.Fixtures.EXPRESSION;
import static org.refam.core.Fixtures.IMAGE;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.refam.api.BlockSinks;
import org.refam.api.FilterReason;
import org.refam.api.GroundingResult;
import org.refam.api.HeatMap;
import org.refam.api.SinkAction;
import org.refam.api.TokenMap;
import org.refam.api.TokenRole;
import org.refam.core.fixture.PlantedAttentionExtractor;
import org.refam.core.sink.GlobalSinkHandler;
import org.refam.core.sink.SinkMode;
import org.refam.core.text.DefaultTokenFilter;

/**
 * The paper's claims (method.md section 2) on planted attention: a target blob under the content words, background
 * carried by stop words, special tokens and padding (or by magnets, each in its own region), and a flat global
 * sink in the deep blocks.
 */
class RefAMStagesTest {
    private final PlantedAttentionExtractor fixture = PlantedAttentionExtractor.create();
    private final double[] target = fixture.targetCentre(EXPRESSION);
    private final double[] background = PlantedAttentionExtractor.backgroundCentre(target);

    private GroundingResult ground(PlantedAttentionExtractor ex, RefAMConfig config) {
        return new RefAM(ex, config).ground(IMAGE, EXPRESSION);
    }

    private static RefAMConfig rawFiltered() {
        return RefAMConfig.raw().toBuilder().tokenFilter(DefaultTokenFilter.standard()).build();
    }

    @Test
    void rawSummedAttentionPeaksOnTheBackground() {
        GroundingResult raw = ground(fixture, RefAMConfig.raw());
        assertThat(Fixtures.sigmas(raw.peak(), background)).as("near the background centre").isLessThan(1.5);
        assertThat(Fixtures.sigmas(raw.peak(), target)).as("far from the blob").isGreaterThan(4);
        assertThat(raw.selection().keptPositions()).hasSize(raw.prompt().size());
        assertThat(raw.sinks()).isEmpty();
    }

    @Test
    void filteringMovesThePeakIntoTheBlob() {
        GroundingResult raw = ground(fixture, RefAMConfig.raw());
        GroundingResult filtered = ground(fixture, rawFiltered());
        assertThat(Fixtures.sigmas(filtered.peak(), target)).isLessThan(Fixtures.sigmas(raw.peak(), target))
                .isLessThan(1.5);
        assertThat(Fixtures.targetToBackground(filtered, fixture)).isGreaterThan(1)
                .isGreaterThan(3 * Fixtures.targetToBackground(raw, fixture));
        assertThat(filtered.selection().keptPositions()).containsExactly(1, 2);
    }

    @Test
    void magnetsSharpenTheMap() {
        GroundingResult without = ground(fixture, RefAMConfig.defaults().toBuilder().magnets(false).build());
        GroundingResult with = ground(fixture, RefAMConfig.defaults());
        assertThat(with.prompt().magnets()).hasSize(5);
        assertThat(without.prompt().magnets()).isEmpty();
        double ratioWithout = Fixtures.targetToBackground(without, fixture);
        double ratioWith = Fixtures.targetToBackground(with, fixture);
        assertThat(ratioWith).as("target-to-background ratio rises with magnets").isGreaterThan(2 * ratioWithout);
        // the same holds without renormalisation and sink handling: the content words leak less
        GroundingResult rawWithout = ground(fixture, rawFiltered());
        GroundingResult rawWith = ground(fixture, rawFiltered().toBuilder().magnets(true).build());
        assertThat(Fixtures.targetToBackground(rawWith, fixture))
                .isGreaterThan(2 * Fixtures.targetToBackground(rawWithout, fixture));
    }

    @Test
    void sinkHandlingRemovesTheFlatSinkFromAContentWord() {
        // the sink sits on "red": a flat, bright floor under the heat map until it is handled
        PlantedAttentionExtractor sinkOnRed = PlantedAttentionExtractor.builder().sinkPosition(1).build();
        GroundingResult kept = ground(sinkOnRed, rawFiltered());
        GroundingResult handled = ground(sinkOnRed, rawFiltered().toBuilder()
                .sinkHandler(GlobalSinkHandler.of(SinkMode.SUPPRESS)).build());
        assertThat(Fixtures.floor(kept.gridHeatMap())).as("flat floor with the sink").isGreaterThan(0.2);
        assertThat(Fixtures.floor(handled.gridHeatMap())).as("floor once it is handled")
                .isLessThan(Fixtures.floor(kept.gridHeatMap()) / 5);
        assertThat(handled.selection().decisions().get(1).reason()).isEqualTo(FilterReason.SINK);
        assertThat(kept.selection().decisions().get(1).reason()).isEqualTo(FilterReason.KEPT);
        assertThat(Fixtures.sigmas(handled.peak(), target)).isLessThan(1.5);
        // the coarse mask no longer spreads over the flat floor
        assertThat(handled.mask().area()).isLessThan(kept.mask().area());
    }

    @Test
    void theFullPipelinePeaksInsideTheBlob() {
        GroundingResult r = ground(fixture, RefAMConfig.defaults());
        assertThat(Fixtures.sigmas(r.peak(), target)).isLessThan(1.5);
        assertThat(r.peakScore()).isEqualTo(r.imageHeatMap().max());
        int tx = (int) (target[0] * IMAGE.width());
        int ty = (int) (target[1] * IMAGE.height());
        assertThat(r.mask().get(r.peak().x(), r.peak().y())).isTrue();
        assertThat(r.mask().get(tx, ty)).as("mask covers the blob centre").isTrue();
        int bx = (int) (background[0] * IMAGE.width());
        int by = (int) (background[1] * IMAGE.height());
        assertThat(r.mask().get(bx, by)).as("mask leaves the background out").isFalse();
        assertThat(r.mask().area()).isLessThan(IMAGE.pixels() / 10);
        assertThat(r.selection().keptPositions()).containsExactly(1, 2);
    }

    @Test
    void theSinkIsFoundInDeepBlocksOnly() {
        GroundingResult r = ground(fixture, RefAMConfig.defaults());
        assertThat(r.sinks()).hasSize(8);
        for (BlockSinks b : r.sinks()) {
            if (b.block() >= fixture.sinkFromBlock()) {
                assertThat(b.positions()).as("block %d", b.block()).containsExactly(0);
                assertThat(b.action()).isEqualTo(SinkAction.REDIRECTED);
                assertThat(b.sinks().get(0).strength()).isGreaterThan(GlobalSinkHandler.DEFAULT_STRENGTH);
                assertThat(b.sinks().get(0).variation()).isLessThan(GlobalSinkHandler.DEFAULT_MAX_VARIATION);
            } else {
                assertThat(b.positions()).as("block %d", b.block()).isEmpty();
                assertThat(b.action()).isEqualTo(SinkAction.NONE);
            }
        }
        // on a content word too, and the other content word is never taken for one
        PlantedAttentionExtractor sinkOnRed = PlantedAttentionExtractor.builder().sinkPosition(1).build();
        for (BlockSinks b : ground(sinkOnRed, RefAMConfig.defaults()).sinks()) {
            assertThat(b.positions()).as("block %d", b.block())
                    .containsExactly(b.block() >= sinkOnRed.sinkFromBlock() ? new int[] {1} : new int[0]);
        }
    }

    @Test
    void noSinkIsFoundWhereNoneIsPlanted() {
        PlantedAttentionExtractor clean = PlantedAttentionExtractor.builder().withoutSink().build();
        for (RefAMConfig c : List.of(RefAMConfig.defaults(), RefAMConfig.defaults().toBuilder().magnets(false).build(),
                RefAMConfig.defaults().toBuilder().renormalization(Renormalization.PER_SLICE).keepHeads(true).build())) {
            GroundingResult r = ground(clean, c);
            assertThat(r.sinks()).hasSize(8);
            assertThat(r.sinks()).allSatisfy(b -> assertThat(b.sinks()).isEmpty());
            assertThat(Fixtures.sigmas(r.peak(), target)).isLessThan(1.5);
        }
    }

    @Test
    void redirectMovesTheSinkMassOntoTheMagnetsEndTokens() {
        RefAMConfig base = RefAMConfig.defaults().toBuilder().renormalization(Renormalization.NONE).keepTokenMaps(true)
                .build();
        GroundingResult detect = ground(fixture, base.toBuilder().sinkHandler(GlobalSinkHandler.of(SinkMode.DETECT_ONLY))
                .build());
        GroundingResult suppress = ground(fixture, base.toBuilder().sinkHandler(GlobalSinkHandler.of(SinkMode.SUPPRESS))
                .build());
        GroundingResult redirect = ground(fixture, base.toBuilder().sinkHandler(GlobalSinkHandler.of(SinkMode.REDIRECT))
                .build());
        double moved = mean(detect.tokenMaps().get(0).map()) - mean(redirect.tokenMaps().get(0).map());
        assertThat(moved).as("the sink token lost its deep-block mass").isPositive();
        assertThat(mean(suppress.tokenMaps().get(0).map())).isCloseTo(mean(redirect.tokenMaps().get(0).map()),
                within(1e-9));
        double gained = 0;
        int ends = 0;
        for (TokenMap m : redirect.tokenMaps()) {
            double gain = mean(m.map()) - mean(suppress.tokenMaps().get(m.position()).map());
            boolean end = m.token().segment() > 0 && m.token().role() == TokenRole.SPECIAL;
            if (end) {
                ends++;
                assertThat(gain).as("end token at %d gains a fifth", m.position()).isCloseTo(moved / 5,
                        within(1e-3 * moved));
                gained += gain;
            } else if (m.position() != 0) {
                assertThat(gain).as("token %d unchanged", m.position()).isCloseTo(0.0, within(1e-9));
            }
        }
        assertThat(ends).isEqualTo(5);
        assertThat(gained).isCloseTo(moved, within(1e-3 * moved));
        assertThat(redirect.sinks().get(7).action()).isEqualTo(SinkAction.REDIRECTED);
        assertThat(suppress.sinks().get(7).action()).isEqualTo(SinkAction.SUPPRESSED);
    }

    private static double mean(HeatMap m) {
        double s = 0;
        for (float v : m.values()) {
            s += v;
        }
        return s / m.values().length;
    }
}
