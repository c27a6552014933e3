package org.refam.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle whose pooled vector y comes from a CLIP graph ({@code pooledText.source = clip}): the tiny bundle with
 * the pieces of {@code fixtures/tiny-clip} (see make_clip_fixture.py) merged in reproduces PyTorch's attention for
 * y = CLIP(expression), with the CLIP ids cut to CLIP's length.
 */
class ClipPooledTextTest {
    @TempDir
    Path tmp;

    static Path clipDir() {
        try {
            return Path.of(ClipPooledTextTest.class.getResource("/fixtures/tiny-clip/pooled-text.json").toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void clipPooledBundleMatchesPyTorch() throws IOException {
        Fixture tiny = Fixture.load("tiny");
        Path bundle = tiny.copyBundle(tmp);
        Path clip = clipDir();
        JsonNode pieces = Fixture.JSON.readTree(clip.resolve("pooled-text.json").toFile());
        for (JsonNode f : pieces.get("files")) {
            String name = f.get("path").asText();
            Files.copy(clip.resolve(name), bundle.resolve(name));
        }
        ObjectNode m = Fixture.manifest(bundle);
        m.set("pooledText", pieces.get("pooledText"));
        ((ArrayNode) m.get("files")).addAll((ArrayNode) pieces.get("files"));
        Fixture.writeManifest(bundle, m);

        Map<String, Fixture.Tensor> ref = Fixture.readSafetensors(clip.resolve("fixture.safetensors"));
        long[] pythonIds = ref.get("clip/input_ids").longs();
        int length = pieces.get("pooledText").get("maxLength").asInt();
        try (HfPromptTokenizer tok = HfPromptTokenizer.load(bundle.resolve("tokenizer_clip.json"), length,
                pieces.get("pooledText").get("padTokenId").asInt())) {
            long[] raw = tok.ids(tiny.json.get("pipeline").get("prompt").asText());
            assertThat(raw.length).as("the prompt is longer than CLIP's length here").isGreaterThan(length);
            assertThat(OnnxAttentionExtractor.fitLength(raw, length, 0)).containsExactly(pythonIds);
        }
        ReferenceTest.check(tiny, bundle, ref.get("clip/attn_img2txt"), ref.get("clip/attn_txt2txt"), false);
    }

    @Test
    void fitLengthPadsShortAndCutsLongKeepingTheEndToken() {
        assertThat(OnnxAttentionExtractor.fitLength(new long[] {9, 1, 2, 8}, 6, 8)).containsExactly(9, 1, 2, 8, 8, 8);
        assertThat(OnnxAttentionExtractor.fitLength(new long[] {9, 1, 2, 3, 4, 5, 8}, 4, 8)).containsExactly(9, 1, 2,
                8);
        assertThat(OnnxAttentionExtractor.fitLength(new long[] {9, 1, 8}, 3, 0)).containsExactly(9, 1, 8);
    }
}
