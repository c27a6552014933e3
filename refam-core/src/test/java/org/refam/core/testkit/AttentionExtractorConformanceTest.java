package org.refam.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.refam.api.AttentionExtractor;
import org.refam.api.AttentionMaps;
import org.refam.api.AttentionSlice;
import org.refam.api.ExtractionRequest;
import org.refam.api.FloatTensor;
import org.refam.api.ImageGeometry;
import org.refam.api.ModelInfo;
import org.refam.api.ProgressListener;
import org.refam.api.PromptTokenizer;
import org.refam.api.PromptTooLongException;
import org.refam.api.RefAmException;
import org.refam.api.RgbImage;
import org.refam.api.SamplingOptions;
import org.refam.api.Token;
import org.refam.api.TokenRole;
import org.refam.api.TokenizedPrompt;
import org.refam.core.text.Prompts;

/**
 * The backend conformance kit: extend it with {@link #createExtractor()} to prove an {@link AttentionExtractor}
 * honours the contract in its Javadoc (shapes, N and T consistency, finite non-negative values, row sums at most 1,
 * unknown blocks and too-long prompts refused, idempotent close, concurrent use). Shipped in refam-core's test jar.
 *
 * <p>Override {@link #image()}, {@link #expression()} or {@link #rowSumTolerance()} when a backend needs other
 * inputs; keep the image small, the kit runs several extractions.
 */
public abstract class AttentionExtractorConformanceTest {
    private AttentionExtractor extractor;

    /** A fresh extractor; the kit closes it after each test. */
    protected abstract AttentionExtractor createExtractor();

    /** The test image: non-square, so swapped width and height show. Default 40 wide, 24 high, a colour ramp. */
    protected RgbImage image() {
        int w = 40;
        int h = 24;
        byte[] rgb = new byte[3 * w * h];
        for (int i = 0; i < w * h; i++) {
            rgb[3 * i] = (byte) (i % w * 6);
            rgb[3 * i + 1] = (byte) (i / w * 10);
            rgb[3 * i + 2] = (byte) 128;
        }
        return new RgbImage(w, h, rgb);
    }

    /** The test expression. */
    protected String expression() {
        return "the red ball on the left";
    }

    /** Rounding allowed above 1 for a row sum. */
    protected double rowSumTolerance() {
        return 1e-4;
    }

    /** Number of threads for the concurrency check. */
    protected int threads() {
        return 4;
    }

    @BeforeEach
    void open() {
        extractor = createExtractor();
    }

    @AfterEach
    void release() {
        extractor.close();
    }

    /** The extractor under test (open). */
    protected AttentionExtractor extractor() {
        return extractor;
    }

    private TokenizedPrompt prompt() {
        return Prompts.expression(expression(), extractor.tokenizer(), false);
    }

    private ExtractionRequest request(List<Integer> blocks, boolean keepHeads, boolean textToText,
                                      SamplingOptions sampling) {
        return new ExtractionRequest(List.of(image()), prompt(), blocks, keepHeads, textToText, sampling,
                ProgressListener.NONE);
    }

    @Test
    void infoIsConsistent() {
        ModelInfo info = extractor.info();
        assertThat(info.name()).isNotBlank();
        assertThat(info.heads()).isPositive();
        assertThat(info.reportableBlocks()).isNotEmpty().isSorted().doesNotHaveDuplicates();
        assertThat(info.reportableBlocks()).allMatch(b -> b >= 0 && b < info.blocks());
        assertThat(info.defaultBlocks()).isNotEmpty();
        assertThat(info.maxTextLength()).isEqualTo(extractor.tokenizer().maxLength());
    }

    @Test
    void tokenizerEncodesWithEndTokenAndRoles() {
        PromptTokenizer tok = extractor.tokenizer();
        List<Token> tokens = tok.encode(expression(), 0, TokenRole.EXPRESSION);
        assertThat(tokens).isNotEmpty();
        assertThat(tokens).allMatch(t -> t.segment() == 0);
        assertThat(tokens).allMatch(t -> t.role() == TokenRole.EXPRESSION || t.role() == TokenRole.SPECIAL);
        assertThat(tokens).anyMatch(t -> t.role() == TokenRole.EXPRESSION);
    }

    @Test
    void defaultRequestHasOneSlicePerBlockWithMatchingShapes() {
        ExtractionRequest r = ExtractionRequest.of(image(), prompt());
        AttentionMaps maps = extractor.extract(r);
        ModelInfo info = extractor.info();
        ImageGeometry g = maps.geometry();
        assertThat(g.imageWidth()).as("geometry image width").isEqualTo(image().width());
        assertThat(g.imageHeight()).as("geometry image height").isEqualTo(image().height());
        assertThat(g.frames()).isEqualTo(1);
        assertThat(maps.prompt().expression()).isEqualTo(expression());
        assertThat(maps.prompt().size()).isGreaterThanOrEqualTo(r.prompt().size())
                .isLessThanOrEqualTo(info.maxTextLength());
        assertThat(maps.prompt().tokens().subList(0, r.prompt().size())).isEqualTo(r.prompt().tokens());
        assertThat(maps.slices()).hasSize(info.defaultBlocks().size());
        List<Integer> blocks = maps.slices().stream().map(AttentionSlice::block).toList();
        assertThat(blocks).containsExactlyElementsOf(info.defaultBlocks());
        for (AttentionSlice s : maps.slices()) {
            assertThat(s.imageTokens()).isEqualTo(g.imageTokens());
            assertThat(s.textTokens()).isEqualTo(maps.prompt().size());
            assertThat(s.heads()).as("head mean by default").isEqualTo(1);
            assertThat(s.textToText()).as("text-to-text was requested").isNotNull();
            assertThat(s.sample()).isZero();
        }
        assertThat(maps.provider()).isNotBlank();
    }

    @Test
    void requestedBlocksHeadsAndPassesComeInPassMajorOrder() {
        List<Integer> reportable = extractor.info().reportableBlocks();
        List<Integer> wanted = List.of(reportable.get(reportable.size() - 1), reportable.get(0));
        SamplingOptions sampling = new SamplingOptions(List.of(0.3, 0.6), 1, 7L);
        AttentionMaps maps = extractor.extract(request(wanted.get(0).equals(wanted.get(1)) ? List.of(wanted.get(0))
                : wanted, true, false, sampling));
        int perPass = wanted.get(0).equals(wanted.get(1)) ? 1 : 2;
        assertThat(maps.slices()).hasSize(2 * perPass);
        for (int k = 0; k < maps.slices().size(); k++) {
            AttentionSlice s = maps.slices().get(k);
            assertThat(s.sample()).as("pass-major order").isEqualTo(k / perPass);
            assertThat(s.block()).isEqualTo(wanted.get(k % perPass));
            assertThat(s.heads()).as("keepHeads").isEqualTo(extractor.info().heads());
            assertThat(s.timestep()).isEqualTo(sampling.timesteps().get(k / perPass));
        }
    }

    @Test
    void valuesAreFiniteNonNegativeAndRowsSumToAtMostOne() {
        AttentionMaps maps = extractor.extract(request(List.of(), true, true, SamplingOptions.DEFAULT));
        for (AttentionSlice s : maps.slices()) {
            checkRows(s.imageToText(), "image-to-text of block " + s.block());
            checkRows(s.textToText(), "text-to-text of block " + s.block());
        }
    }

    private void checkRows(FloatTensor t, String what) {
        for (int h = 0; h < t.dim(0); h++) {
            for (int r = 0; r < t.dim(1); r++) {
                double sum = 0;
                for (int c = 0; c < t.dim(2); c++) {
                    float v = t.get(h, r, c);
                    if (!Float.isFinite(v) || v < 0) {
                        throw new AssertionError(what + " has " + v + " at [" + h + ", " + r + ", " + c + "]");
                    }
                    sum += v;
                }
                assertThat(sum).as("%s row [%d, %d] sum", what, h, r).isLessThanOrEqualTo(1 + rowSumTolerance());
            }
        }
    }

    @Test
    void unknownBlocksAreRefused() {
        List<Integer> reportable = extractor.info().reportableBlocks();
        int beyond = reportable.get(reportable.size() - 1) + 1;
        assertThatThrownBy(() -> extractor.extract(request(List.of(beyond), false, false, SamplingOptions.DEFAULT)))
                .isInstanceOf(RefAmException.class).hasMessageContaining(String.valueOf(beyond));
        assertThatThrownBy(() -> extractor.extract(request(List.of(-1), false, false, SamplingOptions.DEFAULT)))
                .isInstanceOf(RefAmException.class).hasMessageContaining("-1");
    }

    @Test
    void tooLongPromptsAreRefused() {
        PromptTokenizer tok = extractor.tokenizer();
        StringBuilder text = new StringBuilder("the");
        List<Token> tokens = tok.encode(text.toString(), 0, TokenRole.EXPRESSION);
        while (tokens.size() <= tok.maxLength()) {
            text.append(" red ball");
            tokens = tok.encode(text.toString(), 0, TokenRole.EXPRESSION);
        }
        TokenizedPrompt tooLong = TokenizedPrompt.ofExpression(text.toString(), tokens);
        assertThatThrownBy(() -> extractor.extract(ExtractionRequest.of(image(), tooLong)))
                .isInstanceOf(PromptTooLongException.class)
                .hasMessageContaining(String.valueOf(tok.maxLength()));
    }

    @Test
    void extractionIsDeterministic() {
        ExtractionRequest r = request(List.of(), false, true, SamplingOptions.DEFAULT);
        assertSameAttention(extractor.extract(r), extractor.extract(r));
    }

    @Test
    void extractAllMatchesExtract() {
        ExtractionRequest r = request(List.of(), false, false, SamplingOptions.DEFAULT);
        List<AttentionMaps> all = extractor.extractAll(List.of(r, r));
        assertThat(all).hasSize(2);
        AttentionMaps one = extractor.extract(r);
        assertSameAttention(all.get(0), one);
        assertSameAttention(all.get(1), one);
    }

    @Test
    void concurrentExtractionsGiveIdenticalResults() throws Exception {
        ExtractionRequest r = request(List.of(), false, true, SamplingOptions.DEFAULT);
        AttentionMaps reference = extractor.extract(r);
        ExecutorService pool = Executors.newFixedThreadPool(threads());
        try {
            List<Callable<AttentionMaps>> jobs = new ArrayList<>();
            for (int i = 0; i < 2 * threads(); i++) {
                jobs.add(() -> extractor.extract(r));
            }
            for (Future<AttentionMaps> f : pool.invokeAll(jobs)) {
                assertSameAttention(f.get(), reference);
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsFail() {
        AttentionExtractor ex = createExtractor();
        TokenizedPrompt p = Prompts.expression(expression(), ex.tokenizer(), false);
        ex.close();
        ex.close();
        assertThatThrownBy(() -> ex.extract(ExtractionRequest.of(image(), p))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(ex::info).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(ex::tokenizer).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ex.extractAll(List.of(ExtractionRequest.of(image(), p))))
                .isInstanceOf(IllegalStateException.class);
    }

    /** Asserts that two extractions carry bit-identical attention. */
    protected static void assertSameAttention(AttentionMaps a, AttentionMaps b) {
        assertThat(a.prompt()).isEqualTo(b.prompt());
        assertThat(a.geometry()).isEqualTo(b.geometry());
        assertThat(a.slices()).hasSameSizeAs(b.slices());
        for (int k = 0; k < a.slices().size(); k++) {
            AttentionSlice x = a.slices().get(k);
            AttentionSlice y = b.slices().get(k);
            assertThat(x.block()).isEqualTo(y.block());
            assertThat(x.sample()).isEqualTo(y.sample());
            assertThat(dense(x.imageToText())).as("image-to-text of slice %d", k).isEqualTo(dense(y.imageToText()));
            assertThat(x.textToText() == null).as("text-to-text presence of slice %d", k)
                    .isEqualTo(y.textToText() == null);
            if (x.textToText() != null) {
                assertThat(dense(x.textToText())).as("text-to-text of slice %d", k).isEqualTo(dense(y.textToText()));
            }
        }
    }

    private static float[] dense(FloatTensor t) {
        int[] s = t.shape();
        float[] out = new float[Math.toIntExact(t.size())];
        int i = 0;
        for (int a = 0; a < s[0]; a++) {
            for (int b = 0; b < s[1]; b++) {
                for (int c = 0; c < s[2]; c++) {
                    out[i++] = t.get(a, b, c);
                }
            }
        }
        return out;
    }
}
