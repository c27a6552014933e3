package org.refam.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.refam.core.Fixtures.EXPRESSION;
import static org.refam.core.Fixtures.IMAGE;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.refam.api.BlockSinks;
import org.refam.api.GroundingResult;
import org.refam.api.HeatMap;
import org.refam.core.fixture.PlantedAttentionExtractor;
import org.refam.core.sink.GlobalSinkHandler;
import org.refam.core.sink.SinkMode;

/** What must not change the result: the order of the prompt's tokens, a constant scale where renormalised. */
class RefAMInvarianceTest {
    private final PlantedAttentionExtractor fixture = PlantedAttentionExtractor.create();

    private static void assertSameMap(HeatMap a, HeatMap b) {
        assertThat(a.height()).isEqualTo(b.height());
        assertThat(a.width()).isEqualTo(b.width());
        double tol = 1e-5 * Math.max(a.max(), b.max());
        for (int i = 0; i < a.values().length; i++) {
            assertThat((double) a.values()[i]).as("cell %d", i).isCloseTo(b.values()[i], within(tol));
        }
    }

    private static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static TreeSet<String> sinkTokens(GroundingResult r) {
        TreeSet<String> out = new TreeSet<>();
        for (BlockSinks b : r.sinks()) {
            for (int pos : b.positions()) {
                out.add(b.block() + ":" + r.prompt().token(pos));
            }
        }
        return out;
    }

    @Test
    void permutingTheTokensChangesNothing() {
        List<RefAMConfig> configs = List.of(
                RefAMConfig.defaults().toBuilder().keepTokenMaps(true).build(),
                RefAMConfig.defaults().toBuilder().keepTokenMaps(true).keepHeads(true)
                        .renormalization(Renormalization.PER_SLICE)
                        .renormalizationKeys(RenormalizationKeys.NON_PADDING).build(),
                RefAMConfig.defaults().toBuilder().keepTokenMaps(true)
                        .sinkHandler(GlobalSinkHandler.of(SinkMode.SUPPRESS)).smoothingSigma(1.0).build());
        for (RefAMConfig config : configs) {
            GroundingResult plain = new RefAM(fixture, config).ground(IMAGE, EXPRESSION);
            int t = plain.prompt().size();
            int[] perm = permutation(t, 11);
            assertThat(perm).isNotEqualTo(java.util.stream.IntStream.range(0, t).toArray());
            TransformingExtractor shuffled = new TransformingExtractor(fixture,
                    m -> TransformingExtractor.permuted(m, perm));
            GroundingResult moved = new RefAM(shuffled, config).ground(IMAGE, EXPRESSION);
            assertThat(moved.prompt().tokens()).isNotEqualTo(plain.prompt().tokens());
            assertSameMap(moved.gridHeatMap(), plain.gridHeatMap());
            assertSameMap(moved.imageHeatMap(), plain.imageHeatMap());
            assertThat(moved.peak()).isEqualTo(plain.peak());
            assertThat(moved.mask().data()).containsExactly(plain.mask().data());
            assertThat(sinkTokens(moved)).isEqualTo(sinkTokens(plain)).isNotEmpty();
            // new position i holds old token perm[i]: same token, same decision, same map
            for (int i = 0; i < t; i++) {
                assertThat(moved.prompt().token(i)).isEqualTo(plain.prompt().token(perm[i]));
                assertThat(moved.selection().decisions().get(i).reason())
                        .isEqualTo(plain.selection().decisions().get(perm[i]).reason());
                assertSameMap(moved.tokenMaps().get(i).map(), plain.tokenMaps().get(perm[i]).map());
            }
        }
    }

    @Test
    void scalingAllAttentionChangesNothingWhereRenormalised() {
        for (RefAMConfig config : List.of(RefAMConfig.defaults(),
                RefAMConfig.defaults().toBuilder().renormalization(Renormalization.PER_SLICE).build(),
                RefAMConfig.defaults().toBuilder().renormalization(Renormalization.PER_SLICE).keepHeads(true)
                        .renormalizationKeys(RenormalizationKeys.NON_PADDING).build())) {
            GroundingResult plain = new RefAM(fixture, config).ground(IMAGE, EXPRESSION);
            TransformingExtractor scaled = new TransformingExtractor(fixture,
                    m -> TransformingExtractor.scaled(m, 0.37));
            GroundingResult small = new RefAM(scaled, config).ground(IMAGE, EXPRESSION);
            assertSameMap(small.gridHeatMap(), plain.gridHeatMap());
            assertThat(small.peak()).isEqualTo(plain.peak());
            assertThat(small.mask().data()).containsExactly(plain.mask().data());
            assertThat(sinkTokens(small)).isEqualTo(sinkTokens(plain));
        }
        // without renormalisation the scale shows: the check above has teeth
        GroundingResult raw = new RefAM(fixture, RefAMConfig.raw()).ground(IMAGE, EXPRESSION);
        GroundingResult rawSmall = new RefAM(new TransformingExtractor(fixture,
                m -> TransformingExtractor.scaled(m, 0.37)), RefAMConfig.raw()).ground(IMAGE, EXPRESSION);
        assertThat((double) rawSmall.gridHeatMap().max()).isCloseTo(0.37 * raw.gridHeatMap().max(),
                within(1e-5 * raw.gridHeatMap().max()));
        assertThat(rawSmall.peak()).isEqualTo(raw.peak());
    }

    @Test
    void permutationHelperReallyMovesColumns() {
        // guards the permutation test: the helper must move values with their tokens
        GroundingResult plain = new RefAM(fixture, RefAMConfig.raw().toBuilder().keepTokenMaps(true).build())
                .ground(IMAGE, EXPRESSION);
        int[] perm = permutation(plain.prompt().size(), 3);
        GroundingResult moved = new RefAM(new TransformingExtractor(fixture,
                m -> TransformingExtractor.permuted(m, perm)), RefAMConfig.raw().toBuilder().keepTokenMaps(true).build())
                .ground(IMAGE, EXPRESSION);
        int i = Arrays.stream(perm).boxed().toList().indexOf(1); // where old token 1 ("▁red") went
        assertThat(i).isNotEqualTo(1);
        assertThat(moved.tokenMaps().get(i).map().values()).containsExactly(plain.tokenMaps().get(1).map().values());
    }
}
