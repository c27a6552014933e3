package org.refam.core.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.refam.api.BlockSinks;
import org.refam.api.SinkAction;
import org.refam.api.SinkHandler;
import org.refam.api.SinkHandlerProvider;
import org.refam.api.SinkWorkspace;
import org.refam.api.TokenRole;
import org.refam.api.TokenizedPrompt;
import org.refam.core.text.MagnetRedistributor;
import org.refam.core.text.Prompts;
import org.refam.core.text.SimpleTokenizer;

/** Detection rule, actions and options of {@link GlobalSinkHandler} on hand-planted workspaces. */
class GlobalSinkHandlerTest {
    private static final int GRID = 8;
    private static final int N = GRID * GRID;
    private static final SimpleTokenizer TOKENIZER = new SimpleTokenizer(24);

    /** "the red ball" (+ magnets), padded to 24 tokens: 0 ▁the, 1 ▁red, 2 ▁ball, 3 </s>, ... */
    private static TokenizedPrompt prompt(boolean magnets) {
        TokenizedPrompt p = Prompts.expression("the red ball", TOKENIZER, false);
        if (magnets) {
            p = MagnetRedistributor.standard().redistribute(p, TOKENIZER);
        }
        return Prompts.pad(p, TOKENIZER);
    }

    /**
     * Image rows: every key gets a little random mass; "red" and "ball" a compact blob in the top-left corner;
     * key {@code sink} a flat, large value with 5% noise. Text rows: a diagonal plus the same sink column.
     */
    private static float[][] planted(TokenizedPrompt p, int sink, float sinkValue) {
        int t = p.size();
        SplittableRandom rnd = new SplittableRandom(42);
        float[] img = new float[N * t];
        for (int i = 0; i < N; i++) {
            int x = i % GRID;
            int y = i / GRID;
            double blob = Math.exp(-((x - 1.5) * (x - 1.5) + (y - 1.5) * (y - 1.5)) / 2.0);
            for (int j = 0; j < t; j++) {
                float v = (float) (0.002 + 0.002 * rnd.nextDouble());
                if (j == 1 || j == 2) {
                    v += (float) (0.05 * blob);
                }
                if (j == sink) {
                    v += sinkValue * (float) (1 + 0.05 * (rnd.nextDouble() - 0.5));
                }
                img[i * t + j] = v;
            }
        }
        float[] txt = new float[t * t];
        for (int q = 0; q < t; q++) {
            for (int j = 0; j < t; j++) {
                txt[q * t + j] = (q == j ? 0.3f : 0.01f) + (j == sink ? sinkValue : 0f);
            }
        }
        return new float[][] {img, txt};
    }

    private static double columnSum(float[] m, int rows, int cols, int j) {
        double s = 0;
        for (int r = 0; r < rows; r++) {
            s += m[r * cols + j];
        }
        return s;
    }

    @Test
    void findsAStrongFlatColumnAndNoContentWord() {
        TokenizedPrompt p = prompt(true);
        float[][] a = planted(p, 0, 0.2f);
        BlockSinks found = GlobalSinkHandler.of(SinkMode.DETECT_ONLY)
                .handle(new SinkWorkspace(3, 17, p, N, a[0], a[1]));
        assertThat(found.sample()).isEqualTo(3);
        assertThat(found.block()).isEqualTo(17);
        assertThat(found.positions()).containsExactly(0);
        assertThat(found.action()).isEqualTo(SinkAction.NONE);
        assertThat(found.sinks().get(0).strength()).isGreaterThan(GlobalSinkHandler.DEFAULT_STRENGTH);
        assertThat(found.sinks().get(0).variation()).isLessThan(0.1);
    }

    @Test
    void contentWordsAreStrongButNotFlat() {
        TokenizedPrompt p = prompt(false);
        float[][] a = planted(p, -1, 0f);
        // with k = 0.5 the blob words pass the strength test (shown with a useless flatness bound) ...
        GlobalSinkHandler anything = GlobalSinkHandler.builder().mode(SinkMode.DETECT_ONLY).strength(0.5)
                .maxVariation(100).build();
        assertThat(anything.handle(new SinkWorkspace(0, 0, p, N, a[0], a[1])).positions()).contains(1, 2);
        // ... and the default flatness bound rejects them
        GlobalSinkHandler loose = GlobalSinkHandler.builder().mode(SinkMode.DETECT_ONLY).strength(0.5).build();
        assertThat(loose.handle(new SinkWorkspace(0, 0, p, N, a[0], a[1])).positions()).doesNotContain(1, 2);
        // and with a loose flatness bound but the default strength the weak, flat background keys are rejected
        GlobalSinkHandler flat = GlobalSinkHandler.builder().mode(SinkMode.DETECT_ONLY).maxVariation(10).build();
        assertThat(flat.handle(new SinkWorkspace(0, 0, p, N, a[0], null)).sinks()).isEmpty();
    }

    @Test
    void suppressZeroesTheSinkInBothMatrices() {
        TokenizedPrompt p = prompt(true);
        float[][] a = planted(p, 1, 0.2f);
        float[] before = a[0].clone();
        BlockSinks r = GlobalSinkHandler.of(SinkMode.SUPPRESS).handle(new SinkWorkspace(0, 5, p, N, a[0], a[1]));
        assertThat(r.positions()).containsExactly(1);
        assertThat(r.action()).isEqualTo(SinkAction.SUPPRESSED);
        int t = p.size();
        assertThat(columnSum(a[0], N, t, 1)).isZero();
        assertThat(columnSum(a[1], t, t, 1)).isZero();
        for (int i = 0; i < N * t; i++) {
            if (i % t != 1) {
                assertThat(a[0][i]).isEqualTo(before[i]);
            }
        }
    }

    @Test
    void redirectMovesTheSinkMassOntoTheMagnetsEndTokens() {
        TokenizedPrompt p = prompt(true);
        int t = p.size();
        float[][] a = planted(p, 0, 0.2f);
        float[] before = a[0].clone();
        float[] txtBefore = a[1].clone();
        BlockSinks r = GlobalSinkHandler.of(SinkMode.REDIRECT).handle(new SinkWorkspace(0, 5, p, N, a[0], a[1]));
        assertThat(r.action()).isEqualTo(SinkAction.REDIRECTED);
        int[] ends = java.util.stream.IntStream.range(0, t)
                .filter(j -> p.token(j).segment() > 0 && p.token(j).role() == TokenRole.SPECIAL).toArray();
        assertThat(ends).hasSize(5);
        double sinkMass = columnSum(before, N, t, 0);
        double gained = 0;
        for (int j : ends) {
            double g = columnSum(a[0], N, t, j) - columnSum(before, N, t, j);
            assertThat(g).as("end token %d gains an equal part", j).isCloseTo(sinkMass / ends.length,
                    within(1e-3 * sinkMass));
            gained += g;
        }
        assertThat(gained).isCloseTo(sinkMass, within(1e-4 * sinkMass));
        assertThat(columnSum(a[0], N, t, 0)).isZero();
        assertThat(columnSum(a[1], t, t, 0)).isZero();
        // magnet pieces, content words and padding are untouched
        for (int j = 0; j < t; j++) {
            int jj = j;
            if (j != 0 && java.util.Arrays.stream(ends).noneMatch(e -> e == jj)) {
                assertThat(columnSum(a[0], N, t, j)).isEqualTo(columnSum(before, N, t, j));
            }
        }
        double txtGain = columnSum(a[1], t, t, ends[0]) - columnSum(txtBefore, t, t, ends[0]);
        assertThat(txtGain).isCloseTo(columnSum(txtBefore, t, t, 0) / 5, within(1e-4));
    }

    @Test
    void redirectWithoutMagnetsFallsBackToSuppression() {
        TokenizedPrompt p = prompt(false);
        float[][] a = planted(p, 0, 0.2f);
        BlockSinks r = GlobalSinkHandler.of(SinkMode.REDIRECT).handle(new SinkWorkspace(0, 5, p, N, a[0], a[1]));
        assertThat(r.positions()).containsExactly(0);
        assertThat(r.action()).isEqualTo(SinkAction.SUPPRESSED);
        assertThat(columnSum(a[0], N, p.size(), 0)).isZero();
    }

    @Test
    void redirectTargetsAreAllAuxiliaryTokensWhenMagnetsHaveNoEndToken() {
        TokenizedPrompt base = Prompts.expression("the red ball", TOKENIZER, false);
        TokenizedPrompt p = base.withSegment("pink",
                java.util.List.of(new org.refam.api.Token(9, "\u2581pink", 1, 0, 4, 0, TokenRole.MAGNET),
                        new org.refam.api.Token(10, "\u2581x", 1, 5, 6, 1, TokenRole.MAGNET)));
        int[] targets = GlobalSinkHandler.redirectTargets(p, java.util.List.of(new org.refam.api.Sink(5, 9, 0)));
        assertThat(targets).containsExactly(4);
        assertThat(GlobalSinkHandler.redirectTargets(p, java.util.List.of())).containsExactly(4, 5);
    }

    @Test
    void blocksOutsideTheRangeAreNotInspected() {
        TokenizedPrompt p = prompt(true);
        GlobalSinkHandler h = GlobalSinkHandler.builder().mode(SinkMode.SUPPRESS).blocks(10, 20).build();
        for (int block : new int[] {9, 10, 20, 21}) {
            float[][] a = planted(p, 0, 0.2f);
            BlockSinks r = h.handle(new SinkWorkspace(0, block, p, N, a[0], a[1]));
            boolean inside = block >= 10 && block <= 20;
            assertThat(r.positions()).as("block %d", block).hasSize(inside ? 1 : 0);
            assertThat(columnSum(a[0], N, p.size(), 0) == 0).isEqualTo(inside);
        }
    }

    @Test
    void paddingSinksCanBeExcluded() {
        TokenizedPrompt p = prompt(false);
        int pad = p.positionsOf(TokenRole.PADDING)[2];
        float[][] a = planted(p, pad, 0.2f);
        assertThat(GlobalSinkHandler.of(SinkMode.DETECT_ONLY).handle(new SinkWorkspace(0, 0, p, N, a[0], a[1]))
                .positions()).containsExactly(pad);
        GlobalSinkHandler noPad = GlobalSinkHandler.builder().mode(SinkMode.DETECT_ONLY).paddingSinks(false).build();
        assertThat(noPad.handle(new SinkWorkspace(0, 0, p, N, a[0], a[1])).sinks()).isEmpty();
    }

    @Test
    void offReadsNothingAndDetectOnlyChangesNothing() {
        TokenizedPrompt p = prompt(true);
        float[][] a = planted(p, 0, 0.2f);
        float[] img = a[0].clone();
        assertThat(GlobalSinkHandler.of(SinkMode.OFF).handle(new SinkWorkspace(0, 0, p, N, a[0], a[1])).sinks())
                .isEmpty();
        assertThat(GlobalSinkHandler.of(SinkMode.OFF).usesTextToText()).isFalse();
        assertThat(GlobalSinkHandler.standard().usesTextToText()).isTrue();
        GlobalSinkHandler.of(SinkMode.DETECT_ONLY).handle(new SinkWorkspace(0, 0, p, N, a[0], a[1]));
        assertThat(a[0]).containsExactly(img);
    }

    @Test
    void detectionIsScaleInvariant() {
        TokenizedPrompt p = prompt(true);
        float[][] a = planted(p, 0, 0.2f);
        float[][] b = planted(p, 0, 0.2f);
        for (float[] m : b) {
            for (int i = 0; i < m.length; i++) {
                m[i] *= 0.125f;
            }
        }
        BlockSinks ra = GlobalSinkHandler.of(SinkMode.DETECT_ONLY).handle(new SinkWorkspace(0, 0, p, N, a[0], a[1]));
        BlockSinks rb = GlobalSinkHandler.of(SinkMode.DETECT_ONLY).handle(new SinkWorkspace(0, 0, p, N, b[0], b[1]));
        assertThat(rb.positions()).containsExactly(ra.positions());
        assertThat(rb.sinks().get(0).strength()).isCloseTo(ra.sinks().get(0).strength(), within(1e-6));
        assertThat(rb.sinks().get(0).variation()).isCloseTo(ra.sinks().get(0).variation(), within(1e-6));
    }

    @Test
    void builderRejectsBadValuesAndRoundTrips() {
        assertThatThrownBy(() -> GlobalSinkHandler.builder().strength(0)).hasMessageContaining("0.0");
        assertThatThrownBy(() -> GlobalSinkHandler.builder().strength(Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> GlobalSinkHandler.builder().maxVariation(-1)).hasMessageContaining("-1");
        assertThatThrownBy(() -> GlobalSinkHandler.builder().blocks(5, 4)).hasMessageContaining("[5, 4]");
        GlobalSinkHandler h = GlobalSinkHandler.builder().mode(SinkMode.SUPPRESS).strength(3).maxVariation(0.25)
                .blocks(2, 9).paddingSinks(false).build();
        assertThat(h.toBuilder().build().toString()).isEqualTo(h.toString());
        assertThat(h.toString()).contains("SUPPRESS", "3.0", "0.25", "[2, 9]", "paddingSinks=false");
    }

    @Test
    void providerIsFoundByNameAndParsesOptionsStrictly() {
        SinkHandlerProvider provider = ServiceLoader.load(SinkHandlerProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(pr -> pr.name().equals("global")).findFirst().orElseThrow();
        Map<String, String> o = new HashMap<>();
        o.put("mode", "Detect_Only");
        o.put("strength", "2.5");
        o.put("maxVariation", "0.3");
        o.put("minBlock", "4");
        o.put("maxBlock", "7");
        o.put("paddingSinks", "false");
        SinkHandler h = provider.create(o);
        assertThat(h).isInstanceOf(GlobalSinkHandler.class);
        GlobalSinkHandler g = (GlobalSinkHandler) h;
        assertThat(g.mode()).isEqualTo(SinkMode.DETECT_ONLY);
        assertThat(g.strength()).isEqualTo(2.5);
        assertThat(g.maxVariation()).isEqualTo(0.3);
        assertThat(g.minBlock()).isEqualTo(4);
        assertThat(g.maxBlock()).isEqualTo(7);
        assertThat(g.paddingSinks()).isFalse();
        assertThat(((GlobalSinkHandler) provider.create(Map.of())).toString())
                .isEqualTo(GlobalSinkHandler.standard().toString());
        assertThatThrownBy(() -> provider.create(Map.of("strenght", "3"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strenght").hasMessageContaining("strength");
        assertThatThrownBy(() -> provider.create(Map.of("mode", "drop"))).hasMessageContaining("drop");
        assertThatThrownBy(() -> provider.create(Map.of("strength", "strong"))).hasMessageContaining("strong");
        assertThatThrownBy(() -> provider.create(Map.of("minBlock", "1.5"))).hasMessageContaining("1.5");
        assertThatThrownBy(() -> provider.create(Map.of("paddingSinks", "yes"))).hasMessageContaining("yes");
    }

    @Test
    void reusedStatisticsOfALongerPromptDoNotChangeTheNextBlock() throws Exception {
        GlobalSinkHandler h = GlobalSinkHandler.of(SinkMode.DETECT_ONLY);
        TokenizedPrompt p = prompt(true);
        float[][] a = planted(p, 5, 0.2f);
        // a fresh thread has fresh accumulators
        BlockSinks[] fresh = new BlockSinks[1];
        Thread t = new Thread(() -> fresh[0] = h.handle(new SinkWorkspace(0, 0, p, N, a[0], a[1])));
        t.start();
        t.join();
        // this thread first handles a 48-token prompt with its sink elsewhere, leaving its sums in the accumulators
        SimpleTokenizer longer = new SimpleTokenizer(48);
        TokenizedPrompt q = Prompts.pad(MagnetRedistributor.standard().redistribute(
                Prompts.expression("the red ball", longer, false), longer), longer);
        float[] img = new float[N * q.size()];
        float[] txt = new float[q.size() * q.size()];
        java.util.Arrays.fill(img, 0.01f);
        java.util.Arrays.fill(txt, 0.01f);
        for (int i = 0; i < N; i++) {
            img[i * q.size() + 1] = 0.5f;
        }
        assertThat(h.handle(new SinkWorkspace(0, 0, q, N, img, txt)).positions()).containsExactly(1);
        BlockSinks reused = h.handle(new SinkWorkspace(0, 0, p, N, a[0], a[1]));
        assertThat(fresh[0].positions()).containsExactly(5);
        assertThat(reused).isEqualTo(fresh[0]);
    }

    @Test
    void workspaceArraysLongerThanTheBlockAreReadOnlyUpToItsSize() {
        TokenizedPrompt p = prompt(true);
        float[][] a = planted(p, 5, 0.2f);
        float[] img = java.util.Arrays.copyOf(a[0], a[0].length + 100);
        float[] txt = java.util.Arrays.copyOf(a[1], a[1].length + 100);
        java.util.Arrays.fill(img, a[0].length, img.length, 7f);
        java.util.Arrays.fill(txt, a[1].length, txt.length, 7f);
        GlobalSinkHandler h = GlobalSinkHandler.standard();
        BlockSinks exact = h.handle(new SinkWorkspace(0, 0, p, N, a[0], a[1]));
        BlockSinks longer = h.handle(new SinkWorkspace(0, 0, p, N, img, txt));
        assertThat(longer).isEqualTo(exact);
        assertThat(java.util.Arrays.copyOf(img, a[0].length)).containsExactly(a[0]);
        assertThat(img[a[0].length]).isEqualTo(7f);
    }
}
