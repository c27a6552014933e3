package org.refam.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.ModelException;
import org.refam.api.ModelInfo;

/** Manifest reading: a valid bundle loads; every kind of damage is a ModelException that says what and where. */
class ModelBundleTest {
    @TempDir
    Path tmp;
    private Path bundle;

    @BeforeEach
    void copy() throws IOException {
        bundle = Fixture.load("tiny").copyBundle(tmp);
    }

    @Test
    void validBundleLoadsAndReportsItsModel() {
        ModelBundle b = ModelBundle.load(bundle);
        b.verifyChecksums();
        ModelInfo info = b.info();
        assertThat(info.name()).isEqualTo("refam-fixture-tiny");
        assertThat(info.blocks()).isEqualTo(3);
        assertThat(info.heads()).isEqualTo(2);
        assertThat(info.reportableBlocks()).containsExactly(1, 2);
        assertThat(info.defaultBlocks()).containsExactly(1, 2);
        assertThat(info.maxTextLength()).isEqualTo(8);
        assertThat(b.files()).containsExactlyInAnyOrder("image_encoder.onnx", "text_encoder.onnx", "tokenizer.json",
                "transformer.onnx");
        assertThat(b.image().size()).isEqualTo(32);
        assertThat(b.imageEncoder().cellPixels()).isEqualTo(4);
        assertThat(b.transformer().perHead()).isFalse();
        assertThat(b.pooledText().source()).isEqualTo("zeros");
    }

    @Test
    void flippedByteFailsTheChecksumNamingFileAndBothDigests() throws IOException {
        Path f = bundle.resolve("text_encoder.onnx");
        String expected = Checksums.sha256(f);
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(f, bytes);
        String actual = Checksums.sha256(f);
        ModelBundle b = ModelBundle.load(bundle);
        assertThatThrownBy(b::verifyChecksums).isInstanceOf(ModelException.class)
                .hasMessageContaining("text_encoder.onnx").hasMessageContaining(expected)
                .hasMessageContaining(actual);
    }

    @Test
    void truncatedFileIsCaughtByItsSizeBeforeHashing() throws IOException {
        Path f = bundle.resolve("transformer.onnx");
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> ModelBundle.load(bundle)).isInstanceOf(ModelException.class)
                .hasMessageContaining("transformer.onnx").hasMessageContaining(String.valueOf(bytes.length - 100))
                .hasMessageContaining(String.valueOf(bytes.length));
    }

    @Test
    void streamingHashEqualsTheManifestDigestOfEveryFile() throws IOException {
        ObjectNode m = Fixture.manifest(bundle);
        for (var e : m.get("files")) {
            assertThat(Checksums.sha256(bundle.resolve(e.get("path").asText()))).isEqualTo(e.get("sha256").asText());
        }
    }

    @Test
    void missingFolderManifestOrListedFile() throws IOException {
        assertThatThrownBy(() -> ModelBundle.load(tmp.resolve("nowhere"))).isInstanceOf(ModelException.class)
                .hasMessageContaining("nowhere");
        Files.delete(bundle.resolve("tokenizer.json"));
        assertThatThrownBy(() -> ModelBundle.load(bundle)).isInstanceOf(ModelException.class)
                .hasMessageContaining("tokenizer.json").hasMessageContaining("missing");
        Files.delete(bundle.resolve(ModelBundle.MANIFEST));
        assertThatThrownBy(() -> ModelBundle.load(bundle)).isInstanceOf(ModelException.class)
                .hasMessageContaining(ModelBundle.MANIFEST);
    }

    @Test
    void malformedJsonNamesTheLine() throws IOException {
        Files.writeString(bundle.resolve(ModelBundle.MANIFEST), "{\n \"format\": \"refam-model-bundle\",\n \"x\": }");
        assertThatThrownBy(() -> ModelBundle.load(bundle)).isInstanceOf(ModelException.class)
                .hasMessageContaining("not valid JSON").hasMessageContaining("line 3");
    }

    @Test
    void wrongFormatOrVersion() throws IOException {
        ObjectNode m = Fixture.manifest(bundle);
        m.put("format", "something-else");
        Fixture.writeManifest(bundle, m);
        assertThatThrownBy(() -> ModelBundle.load(bundle)).isInstanceOf(ModelException.class)
                .hasMessageContaining("format").hasMessageContaining("something-else");
        m.put("format", "refam-model-bundle");
        m.put("formatVersion", 2);
        Fixture.writeManifest(bundle, m);
        assertThatThrownBy(() -> ModelBundle.load(bundle)).isInstanceOf(ModelException.class)
                .hasMessageContaining("formatVersion 2");
    }

    @Test
    void missingOrMistypedKeysNameTheirPath() throws IOException {
        ObjectNode m = Fixture.manifest(bundle);
        ((ObjectNode) m.get("transformer")).remove("attention");
        Fixture.writeManifest(bundle, m);
        assertThatThrownBy(() -> ModelBundle.load(bundle)).isInstanceOf(ModelException.class)
                .hasMessageContaining("transformer.attention").hasMessageContaining("missing");

        m = Fixture.manifest(copyAgain());
        ((ObjectNode) m.get("textEncoder")).put("maxLength", "eight");
        Fixture.writeManifest(bundle, m);
        assertThatThrownBy(() -> ModelBundle.load(bundle)).isInstanceOf(ModelException.class)
                .hasMessageContaining("textEncoder.maxLength").hasMessageContaining("\"eight\"");

        m = Fixture.manifest(copyAgain());
        ((ObjectNode) m.get("image")).put("resize", "crop");
        Fixture.writeManifest(bundle, m);
        assertThatThrownBy(() -> ModelBundle.load(bundle)).isInstanceOf(ModelException.class)
                .hasMessageContaining("image.resize").hasMessageContaining("fit, pad, stretch");
    }

    @Test
    void unlistedOrEscapingFilesAreRefused() throws IOException {
        ObjectNode m = Fixture.manifest(bundle);
        ((ObjectNode) m.get("textEncoder")).put("tokenizer", "other.json");
        Fixture.writeManifest(bundle, m);
        assertThatThrownBy(() -> ModelBundle.load(bundle)).isInstanceOf(ModelException.class)
                .hasMessageContaining("other.json").hasMessageContaining("not listed");

        m = Fixture.manifest(copyAgain());
        ((ObjectNode) m.get("files").get(0)).put("path", "../escape.onnx");
        Fixture.writeManifest(bundle, m);
        assertThatThrownBy(() -> ModelBundle.load(bundle)).isInstanceOf(ModelException.class)
                .hasMessageContaining("../escape.onnx").hasMessageContaining("inside the bundle");
    }

    @Test
    void componentsThatDisagreeAreRefused() throws IOException {
        ObjectNode m = Fixture.manifest(bundle);
        ((ObjectNode) m.get("transformer")).put("textLength", 16);
        Fixture.writeManifest(bundle, m);
        assertThatThrownBy(() -> ModelBundle.load(bundle)).isInstanceOf(ModelException.class)
                .hasMessageContaining("textLength 16").hasMessageContaining("maxLength 8");

        m = Fixture.manifest(copyAgain());
        ((ArrayNode) m.get("transformer").get("attention").get("blocks")).add(0);
        Fixture.writeManifest(bundle, m);
        assertThatThrownBy(() -> ModelBundle.load(bundle)).isInstanceOf(ModelException.class)
                .hasMessageContaining("blocks");

        m = Fixture.manifest(copyAgain());
        ObjectNode att = (ObjectNode) m.get("transformer").get("attention");
        att.set("blocks", Fixture.JSON.valueToTree(List.of(0, 1, 2)));
        Fixture.writeManifest(bundle, m);
        assertThatThrownBy(() -> ModelBundle.load(bundle)).isInstanceOf(ModelException.class)
                .hasMessageContaining("attnImg2Txt").hasMessageContaining("[2, N, T]");

        m = Fixture.manifest(copyAgain());
        ((ObjectNode) m.get("imageEncoder")).put("tokenChannels", 64);
        ((ObjectNode) m.get("imageEncoder").get("outputs").get("tokens")).set("shape",
                Fixture.JSON.valueToTree(List.of(1, "N", 64)));
        Fixture.writeManifest(bundle, m);
        assertThatThrownBy(() -> ModelBundle.load(bundle)).isInstanceOf(ModelException.class)
                .hasMessageContaining("img").hasMessageContaining("64");
    }

    private Path copyAgain() throws IOException {
        Fixture.writeManifest(bundle, Fixture.manifest(Fixture.load("tiny").bundle()));
        return bundle;
    }
}
