package org.refam.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.refam.api.AttentionMaps;
import org.refam.api.AttentionSlice;
import org.refam.api.ExtractionRequest;
import org.refam.api.ExtractorOptions;
import org.refam.api.PixelPoint;
import org.refam.api.ProgressListener;
import org.refam.api.RgbImage;
import org.refam.api.SamplingOptions;
import org.refam.api.TokenizedPrompt;
import org.refam.core.RefAM;
import org.refam.core.RefAMConfig;
import org.refam.core.image.Images;
import org.refam.core.text.DefaultTokenFilter;
import org.refam.core.text.MagnetRedistributor;
import org.refam.core.text.Prompts;

/**
 * The embedded refam-tiny bundle, run the way the CLI runs it on a committed 48 px RefShapes val image (PNG decoding,
 * {@code fit} preprocessing, DJL tokenization with magnets, seeded noise, all attention blocks, the pipeline's
 * upsampling and peak), reproduces the PyTorch reference of the training checkpoint it was exported from
 * ({@code tools/train/make_java_reference.py}), stage by stage: pixels, noise, token ids, attention of every block,
 * peak point. Regenerate the reference after every export of the bundle.
 */
class EmbeddedModelReferenceTest {
    private static final String REGENERATE = "regenerate the reference with /usr/bin/python3 "
            + "tools/train/make_java_reference.py after exporting a bundle (export_latest.sh does)";
    private static Fixture fx;
    private static OnnxAttentionExtractor extractor;
    private static RgbImage image;

    @BeforeAll
    static void open() {
        fx = Fixture.load("refam-tiny-val48");
        extractor = OnnxAttentionExtractor.open(ExtractorOptions.builder().device("cpu").build());
        image = Images.read(fx.root.resolve(fx.json.get("image").asText()));
    }

    @AfterAll
    static void close() {
        extractor.close();
    }

    @Test
    void theReferenceWasMadeForTheEmbeddedBundle() {
        ModelBundle b = extractor.bundle();
        String what = b.description().contains(":") ? b.description().substring(0, b.description().indexOf(':'))
                : b.name();
        assertThat(b.manifestSha256())
                .as("SHA-256 of the embedded manifest (%s) vs the reference's (step %s); %s", what,
                        fx.json.get("step"), REGENERATE)
                .isEqualTo(fx.json.get("bundleManifestSha256").asText());
        assertThat(extractor.info().version()).isEqualTo("sha256:" + b.manifestSha256().substring(0, 16));
        assertThat(fx.json.get("blocks").toString()).isEqualTo(extractor.info().reportableBlocks().toString()
                .replace(" ", ""));
    }

    @Test
    void pixelsAndNoiseEqualPyTorchs() {
        ModelBundle.ImageSpec im = extractor.bundle().image();
        ImagePreprocessor pre = new ImagePreprocessor(ImagePreprocessor.Mode.valueOf(im.resize().toUpperCase(
                Locale.ROOT)), im.size(), im.sizeMultiple(), im.pixelLow(), im.pixelHigh(), im.padValue());
        ImagePreprocessor.Plan plan = pre.plan(image.height(), image.width());
        float[] pixels = new float[plan.canvasValues()];
        pre.process(image, plan, pixels);
        float[] ref = fx.tensor("pixels").floats();
        assertThat(pixels.length).isEqualTo(ref.length);
        assertThat(maxDiff(pixels, ref)).as("pixels in [-1, 1], planar RGB").isLessThan(1e-6);

        float[] noise = fx.tensor("noise").floats();
        float[] eps = new float[noise.length];
        GaussianNoise.fill(fx.json.get("seed").asLong(), eps, eps.length);
        assertThat(maxDiff(eps, noise)).as("GaussianNoise vs its Python reimplementation").isLessThan(1e-6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "magnets"})
    void tokenIdsAttentionAndPeakEqualPyTorchs(String name) {
        JsonNode c = fx.testCase(name);
        String text = c.get("text").asText();
        List<String> magnets = new ArrayList<>();
        c.get("magnets").forEach(m -> magnets.add(m.asText()));
        TokenizedPrompt prompt = Prompts.expression(text, extractor.tokenizer(), false);
        if (!magnets.isEmpty()) {
            prompt = new MagnetRedistributor(magnets).redistribute(prompt, extractor.tokenizer());
        }
        long[] ids = Prompts.pad(prompt, extractor.tokenizer()).tokens().stream().mapToLong(t -> t.id()).toArray();
        assertThat(ids).as("token ids of '%s' + %s (DJL vs the training tokenizer)", text, magnets)
                .containsExactly(fx.tensor(c.get("inputIds").asText()).longs());

        List<Integer> blocks = extractor.info().reportableBlocks();
        SamplingOptions sampling = new SamplingOptions(List.of(fx.json.get("timestep").asDouble()), 1,
                fx.json.get("seed").asLong());
        AttentionMaps maps = extractor.extract(new ExtractionRequest(List.of(image), prompt, blocks, false, false,
                sampling, ProgressListener.NONE));
        Fixture.Tensor ref = fx.tensor(c.get("attention").asText());
        int n = (int) ref.shape()[1];
        int t = (int) ref.shape()[2];
        assertThat(maps.slices()).hasSize(blocks.size());
        for (int l = 0; l < blocks.size(); l++) {
            AttentionSlice s = maps.slices().get(l);
            assertThat(s.block()).isEqualTo(blocks.get(l));
            s.imageToText().requireShape("image-to-text", 1, n, t);
            double worst = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < t; j++) {
                    worst = Math.max(worst, Math.abs(s.imageToText().get(0, i, j) - ref.floats()[(l * n + i) * t + j]));
                }
            }
            assertThat(worst).as("block %d image->text attention vs PyTorch", s.block())
                    .isLessThanOrEqualTo(fx.tolerance());
        }

        RefAMConfig config = RefAMConfig.raw().toBuilder().tokenFilter(DefaultTokenFilter.standard())
                .magnetWords(magnets).blocks(List.of(c.get("pointBlock").asInt())).sampling(sampling).build();
        PixelPoint peak = new RefAM(extractor, config).ground(image, text).peak();
        assertThat(new int[] {peak.x(), peak.y()}).as("peak of the content-word map, block %s",
                c.get("pointBlock")).containsExactly(c.get("point").get(0).asInt(), c.get("point").get(1).asInt());
    }

    private static double maxDiff(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}
