package org.refam.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.refam.core.Fixtures.EXPRESSION;
import static org.refam.core.Fixtures.IMAGE;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.refam.api.AttentionMaps;
import org.refam.api.AttentionSlice;
import org.refam.api.FloatTensor;
import org.refam.api.GroundingResult;
import org.refam.api.ImageGeometry;
import org.refam.api.InvalidAttentionException;
import org.refam.api.InvalidExpressionException;
import org.refam.api.InvalidImageException;
import org.refam.api.ModelInfo;
import org.refam.api.PromptTooLongException;
import org.refam.api.RgbImage;
import org.refam.api.SinkWorkspace;
import org.refam.api.TokenizedPrompt;
import org.refam.core.fixture.PlantedAttentionExtractor;
import org.refam.core.text.Prompts;

/** Bad attention, bad shapes and bad expressions fail with typed exceptions that name the offending values. */
class RefAMBadInputTest {
    private final PlantedAttentionExtractor fixture = PlantedAttentionExtractor.create();

    private static RefAM refam(TransformingExtractor ex) {
        return new RefAM(ex, RefAMConfig.defaults());
    }

    @Test
    void nanInImageToTextAttentionNamesBlockSampleAndIndex() {
        TransformingExtractor ex = new TransformingExtractor(fixture,
                m -> TransformingExtractor.planted(m, 6, false, 0, 5, 3, Float.NaN));
        assertThatThrownBy(() -> refam(ex).ground(IMAGE, EXPRESSION)).isInstanceOf(InvalidAttentionException.class)
                .hasMessageContaining("image-to-text").hasMessageContaining("block 6")
                .hasMessageContaining("sample 0").hasMessageContaining("[0, 5, 3]").hasMessageContaining("NaN");
    }

    @Test
    void aNonFiniteValueInOneOfSeveralHeadsIsFoundThroughTheHeadMean() {
        // the pipeline checks the head mean and scans the input only when the mean is not finite
        RefAMConfig perHead = RefAMConfig.defaults().toBuilder().keepHeads(true).build();
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            TransformingExtractor ex = new TransformingExtractor(fixture,
                    m -> TransformingExtractor.planted(m, 3, false, 2, 7, 1, bad));
            assertThatThrownBy(() -> new RefAM(ex, perHead).ground(IMAGE, EXPRESSION))
                    .isInstanceOf(InvalidAttentionException.class).hasMessageContaining("image-to-text")
                    .hasMessageContaining("block 3").hasMessageContaining("[2, 7, 1]")
                    .hasMessageContaining(String.valueOf(bad));
        }
    }

    @Test
    void infinityInTextToTextAttentionIsRefused() {
        TransformingExtractor ex = new TransformingExtractor(fixture,
                m -> TransformingExtractor.planted(m, 2, true, 0, 4, 1, Float.NEGATIVE_INFINITY));
        assertThatThrownBy(() -> refam(ex).ground(IMAGE, EXPRESSION)).isInstanceOf(InvalidAttentionException.class)
                .hasMessageContaining("text-to-text").hasMessageContaining("block 2")
                .hasMessageContaining("[0, 4, 1]").hasMessageContaining("-Infinity");
    }

    @Test
    void extractorResultsWithWrongImageTokenCountAreRefused() {
        TransformingExtractor ex = new TransformingExtractor(fixture, m -> new AttentionMaps(m.prompt(),
                ImageGeometry.stretched(64, 96, 31, 32), m.slices(), m.provider(), m.timings()));
        assertThatThrownBy(() -> refam(ex).ground(IMAGE, EXPRESSION)).isInstanceOf(InvalidAttentionException.class)
                .hasMessageContaining("expected 992 image tokens").hasMessageContaining("1024");
    }

    @Test
    void extractorResultsWithWrongTextTokenCountAreRefused() {
        TransformingExtractor ex = new TransformingExtractor(fixture, m -> {
            List<AttentionSlice> cut = new ArrayList<>();
            for (AttentionSlice s : m.slices()) {
                FloatTensor a = s.imageToText();
                cut.add(new AttentionSlice(s.sample(), s.timestep(), s.block(), FloatTensor.strided(a.data(),
                        a.offset(), new int[] {a.dim(0), a.dim(1), a.dim(2) - 1}, a.strides()), null));
            }
            return new AttentionMaps(m.prompt(), m.geometry(), cut, m.provider(), m.timings());
        });
        assertThatThrownBy(() -> refam(ex).ground(IMAGE, EXPRESSION)).isInstanceOf(InvalidAttentionException.class)
                .hasMessageContaining("expected 64 text keys").hasMessageContaining("got 63");
    }

    @Test
    void aGeometryForAnotherImageSizeIsRefused() {
        TransformingExtractor ex = new TransformingExtractor(fixture, m -> new AttentionMaps(m.prompt(),
                ImageGeometry.stretched(65, 96, 32, 32), m.slices(), m.provider(), m.timings()));
        assertThatThrownBy(() -> refam(ex).ground(IMAGE, EXPRESSION)).isInstanceOf(InvalidAttentionException.class)
                .hasMessageContaining("96x65").hasMessageContaining("96x64");
    }

    @Test
    void blocksThatWereNotRequestedAreRefused() {
        RefAM r = new RefAM(new TransformingExtractor(fixture, m -> m), RefAMConfig.defaults().toBuilder()
                .blocks(List.of(1, 2)).build());
        assertThat(r.ground(IMAGE, EXPRESSION).sinks()).hasSize(2);
        TransformingExtractor wrong = new TransformingExtractor(fixture, m -> {
            List<AttentionSlice> s = new ArrayList<>(m.slices());
            AttentionSlice first = s.get(0);
            s.set(0, new AttentionSlice(0, first.timestep(), 5, first.imageToText(), first.textToText()));
            return new AttentionMaps(m.prompt(), m.geometry(), s, m.provider(), m.timings());
        });
        assertThatThrownBy(() -> new RefAM(wrong, RefAMConfig.defaults().toBuilder().blocks(List.of(1, 2)).build())
                .ground(IMAGE, EXPRESSION)).isInstanceOf(InvalidAttentionException.class)
                .hasMessageContaining("block 5").hasMessageContaining("[1, 2]");
    }

    @Test
    void emptyExpressionsAreRefused() {
        RefAM r = RefAM.of(fixture);
        for (String e : new String[] {"", "   ", null}) {
            assertThatThrownBy(() -> r.ground(IMAGE, e)).isInstanceOf(InvalidExpressionException.class)
                    .hasMessageContaining("empty");
        }
    }

    @Test
    void anAllStopWordExpressionIsRefusedWithReasonsBeforeTheModelRuns() {
        TransformingExtractor ex = TransformingExtractor.recording(fixture);
        assertThatThrownBy(() -> refam(ex).ground(IMAGE, "the a of"))
                .isInstanceOf(InvalidExpressionException.class)
                .hasMessageContaining("all tokens of 'the a of' were filtered")
                .hasMessageContaining("the=STOP_WORD, a=STOP_WORD, of=STOP_WORD, </s>=SPECIAL")
                .hasMessageContaining("10 magnet tokens");
        assertThatThrownBy(() -> refam(ex).ground(IMAGE, ". , !")).isInstanceOf(InvalidExpressionException.class)
                .hasMessageContaining(".=PUNCTUATION");
        assertThat(ex.extractCalls.get()).isZero();
        // groundAll checks every expression before extracting any
        assertThatThrownBy(() -> refam(ex).groundAll(IMAGE, List.of("the red ball", "of the")))
                .isInstanceOf(InvalidExpressionException.class).hasMessageContaining("'of the'");
        assertThat(ex.extractAllCalls.get()).isZero();
    }

    @Test
    void anExpressionLeftWithOnlySinksIsRefusedAfterExtraction() {
        // "ball" is the only content word and the planted sink sits on it
        PlantedAttentionExtractor sinkOnBall = PlantedAttentionExtractor.builder().sinkPosition(1).build();
        assertThatThrownBy(() -> RefAM.of(sinkOnBall).ground(IMAGE, "the ball"))
                .isInstanceOf(InvalidExpressionException.class).hasMessageContaining("ball=SINK");
    }

    @Test
    void tooLongPromptsAreRefusedUnlessTruncationIsOn() {
        PlantedAttentionExtractor small = PlantedAttentionExtractor.builder().maxTextLength(16).build();
        String longText = "red ".repeat(20).trim();
        assertThatThrownBy(() -> RefAM.of(small).ground(IMAGE, longText)).isInstanceOf(PromptTooLongException.class)
                .hasMessageContaining("21 tokens").hasMessageContaining("16");
        GroundingResult r = new RefAM(small, RefAMConfig.defaults().toBuilder().truncate(true).build())
                .ground(IMAGE, longText);
        assertThat(r.prompt().truncatedTokens()).isEqualTo(5);
        assertThat(r.prompt().size()).isEqualTo(16);
        assertThat(r.prompt().magnets()).as("no room left for magnets").isEmpty();
    }

    @Test
    void badImagesAndClipsAreRefused() {
        RefAM r = RefAM.of(fixture);
        assertThatThrownBy(() -> r.ground((RgbImage) null, EXPRESSION)).isInstanceOf(InvalidImageException.class);
        assertThatThrownBy(() -> r.ground(List.of(), EXPRESSION)).isInstanceOf(InvalidImageException.class);
        RgbImage other = new RgbImage(10, 10, new byte[300]);
        assertThatThrownBy(() -> r.ground(List.of(IMAGE, other), EXPRESSION))
                .isInstanceOf(InvalidImageException.class).hasMessageContaining("frame 1 is 10x10");
        ModelInfo still = new ModelInfo("still", 8, 4, fixture.info().reportableBlocks(),
                fixture.info().defaultBlocks(), 64, false, false);
        TransformingExtractor imageOnly = TransformingExtractor.recording(fixture).withInfo(still);
        assertThatThrownBy(() -> new RefAM(imageOnly, RefAMConfig.defaults()).ground(List.of(IMAGE, IMAGE), EXPRESSION))
                .isInstanceOf(InvalidImageException.class).hasMessageContaining("still")
                .hasMessageContaining("2 frames");
    }

    // ------------------------------------------------------------------------- API value types refuse bad shapes

    @Test
    void floatTensorsRefuseShapesThatDoNotFitTheirStorage() {
        assertThatThrownBy(() -> FloatTensor.of(new float[11], 2, 2, 3)).isInstanceOf(InvalidAttentionException.class)
                .hasMessageContaining("12").hasMessageContaining("11");
        assertThatThrownBy(() -> FloatTensor.strided(new float[12], 1, new int[] {2, 2, 3}, new int[] {6, 3, 1}))
                .isInstanceOf(InvalidAttentionException.class).hasMessageContaining("offset 1");
        assertThatThrownBy(() -> FloatTensor.strided(new float[12], 0, new int[] {2, 6}, new int[] {6, -1}))
                .isInstanceOf(InvalidAttentionException.class).hasMessageContaining("negative stride");
        assertThatThrownBy(() -> FloatTensor.strided(new float[12], 0, new int[] {2, 6}, new int[] {6}))
                .isInstanceOf(InvalidAttentionException.class).hasMessageContaining("rank");
        assertThatThrownBy(() -> FloatTensor.of(new float[12], 3, 4).requireShape("x", 4, 3))
                .isInstanceOf(InvalidAttentionException.class).hasMessageContaining("[4, 3]");
    }

    @Test
    void slicesAndMapsRefuseInconsistentShapes() {
        FloatTensor img = FloatTensor.of(new float[2 * 6 * 4], 2, 6, 4);
        assertThatThrownBy(() -> new AttentionSlice(0, 0.5, 3, FloatTensor.of(new float[24], 6, 4), null))
                .isInstanceOf(InvalidAttentionException.class).hasMessageContaining("block 3");
        assertThatThrownBy(() -> new AttentionSlice(0, 0.5, 3, img, FloatTensor.of(new float[2 * 4 * 5], 2, 4, 5)))
                .isInstanceOf(InvalidAttentionException.class).hasMessageContaining("text-to-text");
        assertThatThrownBy(() -> new AttentionSlice(0, 0.5, 3, null, null)).isInstanceOf(InvalidAttentionException.class);
        TokenizedPrompt p4 = Prompts.expression("a b c", fixture.tokenizer(), false);
        assertThat(p4.size()).isEqualTo(4);
        AttentionSlice ok = new AttentionSlice(0, 0.5, 3, img, null);
        assertThatThrownBy(() -> new AttentionMaps(p4, ImageGeometry.stretched(6, 6, 2, 2), List.of(ok), "x", null))
                .isInstanceOf(InvalidAttentionException.class).hasMessageContaining("expected 4 image tokens");
        TokenizedPrompt p5 = Prompts.expression("a b c d", fixture.tokenizer(), false);
        assertThatThrownBy(() -> new AttentionMaps(p5, ImageGeometry.stretched(6, 6, 2, 3), List.of(ok), "x", null))
                .isInstanceOf(InvalidAttentionException.class).hasMessageContaining("expected 5 text keys");
        assertThatThrownBy(() -> new AttentionMaps(p4, ImageGeometry.stretched(6, 6, 2, 3), List.of(), "x", null))
                .isInstanceOf(InvalidAttentionException.class);
        assertThat(new AttentionMaps(p4, ImageGeometry.stretched(6, 6, 2, 3), List.of(ok), "x", null).slices())
                .hasSize(1);
        assertThatThrownBy(() -> new SinkWorkspace(0, 1, p4, 6, new float[23], null))
                .isInstanceOf(InvalidAttentionException.class).hasMessageContaining("24");
        assertThatThrownBy(() -> new SinkWorkspace(0, 1, p4, 6, new float[24], new float[15]))
                .isInstanceOf(InvalidAttentionException.class).hasMessageContaining("16");
    }
}
