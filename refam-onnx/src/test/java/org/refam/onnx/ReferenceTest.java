package org.refam.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.refam.api.AttentionMaps;
import org.refam.api.AttentionSlice;
import org.refam.api.ExtractionRequest;
import org.refam.api.FloatTensor;
import org.refam.api.ProgressListener;
import org.refam.api.RgbImage;
import org.refam.api.SamplingOptions;
import org.refam.api.TokenizedPrompt;
import org.refam.core.text.Prompts;

/**
 * The whole extractor chain (tokenizer, text encoder, image encoder, noising, position ids, transformer, read-out)
 * reproduces the PyTorch reference of {@code make_fixture.py} to its tolerance (1e-4), given PyTorch's pixels and
 * noise draw.
 */
class ReferenceTest {

    @ParameterizedTest(name = "{0}, keepHeads={1}")
    @CsvSource({"tiny, false", "tiny-perhead, false", "tiny-perhead, true"})
    void attentionEqualsPyTorchReference(String name, boolean keepHeads) {
        check(Fixture.load(name), keepHeads);
    }

    /** Runs the fixture's pipeline case through the extractor and compares with its PyTorch tensors. */
    static void check(Fixture fx, boolean keepHeads) {
        check(fx, fx.bundle(), fx.tensor("pipeline-transformer/attn_img2txt"),
                fx.tensor("pipeline-transformer/attn_txt2txt"), keepHeads);
    }

    /** The fixture's pipeline inputs through the bundle at {@code bundle}, compared with {@code i2t}/{@code t2t}. */
    static void check(Fixture fx, java.nio.file.Path bundle, Fixture.Tensor i2t, Fixture.Tensor t2t,
                      boolean keepHeads) {
        JsonNode p = fx.json.get("pipeline");
        Fixture.Tensor pixels = fx.tensor(p.get("pixels").asText());
        Fixture.Tensor eps = fx.tensor(p.get("noise").asText());
        Fixture.Tensor ids = fx.tensor(p.get("inputIds").asText());
        int gh = p.get("gridHeight").asInt();
        int gw = p.get("gridWidth").asInt();
        int h = p.get("imageHeight").asInt();
        int w = p.get("imageWidth").asInt();
        double t = p.get("timestep").asDouble();
        try (OnnxAttentionExtractor x = OnnxAttentionExtractor.open(bundle, "cpu")) {
            TokenizedPrompt prompt = Prompts.expression(p.get("prompt").asText(), x.tokenizer(), false);
            TokenizedPrompt padded = Prompts.pad(prompt, x.tokenizer());
            long[] ours = padded.tokens().stream().mapToLong(tok -> tok.id()).toArray();
            assertThat(ours).as("token ids of the fixture prompt").containsExactly(ids.longs());

            List<Integer> blocks = x.info().reportableBlocks();
            ExtractionRequest r = new ExtractionRequest(List.of(new RgbImage(w, h, new byte[3 * w * h])), prompt,
                    blocks, keepHeads, true, new SamplingOptions(List.of(t), 1, 0L), ProgressListener.NONE);
            ImagePreprocessor.Plan plan = new ImagePreprocessor.Plan(h, w, h, w, h, w, gh, gw, h / gh);
            AttentionMaps maps = x.extract(r, plan, pixels.floats(), (sample, seed, out, count) -> {
                assertThat(count).isEqualTo(eps.size());
                System.arraycopy(eps.floats(), 0, out, 0, count);
            });

            int layers = blocks.size();
            int n = gh * gw;
            int tl = x.info().maxTextLength();
            boolean perHead = i2t.shape().length == 4;
            int heads = perHead ? (int) i2t.shape()[1] : 1;
            assertThat(maps.slices()).hasSize(layers);
            assertThat(maps.provider()).isEqualTo("CPU");
            double worst = 0;
            for (int l = 0; l < layers; l++) {
                AttentionSlice s = maps.slices().get(l);
                assertThat(s.block()).isEqualTo(blocks.get(l));
                int outHeads = keepHeads ? heads : 1;
                s.imageToText().requireShape("image-to-text", outHeads, n, tl);
                for (int hh = 0; hh < outHeads; hh++) {
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < tl; j++) {
                            double ref;
                            if (!perHead) {
                                ref = i2t.floats()[(l * n + i) * tl + j];
                            } else if (keepHeads) {
                                ref = i2t.floats()[((l * heads + hh) * n + i) * tl + j];
                            } else {
                                double sum = 0;
                                for (int k = 0; k < heads; k++) {
                                    sum += i2t.floats()[((l * heads + k) * n + i) * tl + j];
                                }
                                ref = sum / heads;
                            }
                            worst = Math.max(worst, Math.abs(ref - s.imageToText().get(hh, i, j)));
                        }
                    }
                }
                FloatTensor tt = s.textToText();
                tt.requireShape("text-to-text", 1, tl, tl);
                for (int q = 0; q < tl; q++) {
                    for (int j = 0; j < tl; j++) {
                        worst = Math.max(worst, Math.abs(t2t.floats()[(l * tl + q) * tl + j] - tt.get(0, q, j)));
                    }
                }
            }
            assertThat(worst).as("largest difference to PyTorch").isLessThanOrEqualTo(fx.tolerance());
        }
    }
}
