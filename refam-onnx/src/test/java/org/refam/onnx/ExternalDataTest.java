package org.refam.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.AttentionMaps;
import org.refam.api.AttentionSlice;
import org.refam.api.ExtractionRequest;
import org.refam.api.ExtractorOptions;
import org.refam.api.FloatTensor;
import org.refam.api.ModelException;
import org.refam.api.ProgressListener;
import org.refam.api.RgbImage;
import org.refam.api.SamplingOptions;
import org.refam.core.text.Prompts;

/**
 * A bundle whose transformer keeps its weights in ONNX external data ({@code transformer.onnx} +
 * {@code transformer.onnx.data}, the layout every FLUX transformer over 2 GiB needs; fixture {@code tiny-extdata},
 * written by {@code make_extdata_fixture.py} from the tiny fixture's own graph) loads from its folder, gives the
 * attention of the single-file bundle, and has its data file covered by the checksums.
 */
class ExternalDataTest {
    private static final String GRAPH = "transformer.onnx";
    private static final String DATA = "transformer.onnx.data";

    @TempDir
    Path tmp;

    /** The committed external-data bundle folder. */
    static Path bundle() {
        try {
            return Path.of(ExternalDataTest.class.getResource("/fixtures/tiny-extdata/bundle/manifest.json").toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path copy() throws IOException {
        Path out = tmp.resolve("bundle");
        Files.createDirectories(out);
        try (Stream<Path> files = Files.list(bundle())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, out.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return out;
    }

    /** Several blocks, text-to-text on, two noise samples at two timesteps: every output of the graph is read. */
    private static AttentionMaps extract(OnnxAttentionExtractor x) {
        RgbImage image = OnnxAttentionExtractorTest.image(40, 28, 21);
        ExtractionRequest r = new ExtractionRequest(List.of(image),
                Prompts.expression("the pink dog on the left", x.tokenizer(), false), List.of(1, 2), false, true,
                new SamplingOptions(List.of(0.3, 0.7), 2, 5L), ProgressListener.NONE);
        return x.extract(r);
    }

    private static double largestDifference(AttentionMaps a, AttentionMaps b) {
        assertThat(a.slices()).hasSameSizeAs(b.slices());
        double worst = 0;
        for (int k = 0; k < a.slices().size(); k++) {
            AttentionSlice sa = a.slices().get(k);
            AttentionSlice sb = b.slices().get(k);
            assertThat(sa.block()).isEqualTo(sb.block());
            worst = Math.max(worst, largestDifference(sa.imageToText(), sb.imageToText()));
            worst = Math.max(worst, largestDifference(sa.textToText(), sb.textToText()));
        }
        return worst;
    }

    private static double largestDifference(FloatTensor a, FloatTensor b) {
        float[] x = a.data();
        float[] y = b.data();
        assertThat(x).hasSameSizeAs(y);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double d = Math.abs((double) x[i] - y[i]);
            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
        }
        return worst;
    }

    @Test
    void theFixtureReallyKeepsItsWeightsInTheDataFile() throws IOException {
        Path single = Fixture.load("tiny").bundle().resolve(GRAPH);
        // Guards the fixture itself: if the weights went back inline, the tests below would prove nothing.
        assertThat(Files.size(bundle().resolve(GRAPH))).as("graph without its weights")
                .isLessThan(Files.size(single) / 2);
        assertThat(Files.size(bundle().resolve(DATA))).as("external weights").isGreaterThan(Files.size(single) / 2);
        ModelBundle b = ModelBundle.load(bundle());
        assertThat(b.files()).contains(GRAPH, DATA);
        b.verifyChecksums();
    }

    @Test
    void extractionEqualsTheSingleFileBundleAndThePyTorchReference() {
        AttentionMaps external;
        AttentionMaps inline;
        try (OnnxAttentionExtractor x = OnnxAttentionExtractor.open(bundle(), "cpu")) {
            assertThat(x.info().name()).isEqualTo("refam-fixture-tiny-external-data");
            external = extract(x);
        }
        try (OnnxAttentionExtractor x = OnnxAttentionExtractor.open(Fixture.load("tiny").bundle(), "cpu")) {
            inline = extract(x);
        }
        assertThat(external.slices()).as("2 samples x 2 timesteps x 2 blocks").hasSize(8);
        assertThat(largestDifference(external, inline)).as("largest difference to the single-file bundle")
                .isLessThanOrEqualTo(1e-5);
        // and the whole chain against make_fixture's PyTorch tensors, as ReferenceTest does for the tiny bundle
        Fixture tiny = Fixture.load("tiny");
        ReferenceTest.check(tiny, bundle(), tiny.tensor("pipeline-transformer/attn_img2txt"),
                tiny.tensor("pipeline-transformer/attn_txt2txt"), false);
    }

    @Test
    void theWeightsAreReadFromTheDataFileInTheBundleFolder() throws IOException {
        Path b = copy();
        AttentionMaps intact;
        try (OnnxAttentionExtractor x = OnnxAttentionExtractor.open(b, "cpu")) {
            intact = extract(x);
        }
        // Same size, all weights zero; checksums skipped so that ONNX Runtime gets to read the file.
        Files.write(b.resolve(DATA), new byte[(int) Files.size(b.resolve(DATA))]);
        ExtractorOptions noVerify = ExtractorOptions.builder().model(b).device("cpu")
                .property("verifyChecksums", "false").build();
        try (OnnxAttentionExtractor x = OnnxAttentionExtractor.open(noVerify)) {
            assertThat(largestDifference(extract(x), intact)).as("attention with zeroed external weights")
                    .isGreaterThan(1e-3);
        }
    }

    @Test
    void aFlippedByteInTheDataFileIsAChecksumErrorNamingIt() throws IOException {
        Path b = copy();
        Path data = b.resolve(DATA);
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(data, bytes);
        assertThatThrownBy(() -> OnnxAttentionExtractor.open(b, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("checksum mismatch").hasMessageContaining(DATA);
    }

    @Test
    void aMissingDataFileIsAModelErrorNamingIt() throws IOException {
        Path b = copy();
        Files.delete(b.resolve(DATA));
        assertThatThrownBy(() -> OnnxAttentionExtractor.open(b, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining(DATA).hasMessageContaining("missing");
    }

    @Test
    void aMissingDataFileTheManifestForgotIsStillAModelErrorAboutTheTransformer() throws IOException {
        Path b = copy();
        Files.delete(b.resolve(DATA));
        ObjectNode m = Fixture.manifest(b);
        ((ObjectNode) m.get("transformer")).set("externalData", Fixture.JSON.createArrayNode());
        for (Iterator<?> it = ((ArrayNode) m.get("files")).elements(); it.hasNext(); ) {
            if (((JsonNode) it.next()).get("path").asText().equals(DATA)) {
                it.remove();
            }
        }
        Fixture.writeManifest(b, m);
        assertThatThrownBy(() -> OnnxAttentionExtractor.open(b, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("cannot load the transformer graph").hasMessageContaining(GRAPH);
    }

    @Test
    void aDataFileNotListedInFilesIsRefused() throws IOException {
        Path b = copy();
        ObjectNode m = Fixture.manifest(b);
        for (Iterator<?> it = ((ArrayNode) m.get("files")).elements(); it.hasNext(); ) {
            if (((JsonNode) it.next()).get("path").asText().equals(DATA)) {
                it.remove();
            }
        }
        Fixture.writeManifest(b, m);
        assertThatThrownBy(() -> OnnxAttentionExtractor.open(b, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining(DATA).hasMessageContaining("not listed in files");
    }
}
