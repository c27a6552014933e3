package org.refam.examples.refshapes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.ProgressListener;

class RefShapesDatasetTest {
    @TempDir
    Path dir;

    private RefShapesGenerator generator;

    @BeforeEach
    void write() {
        generator = RefShapesGenerator.builder().count(8).seed(100).split(Split.VAL).size(48).objects(2, 4).build();
        generator.write(dir, ProgressListener.NONE);
    }

    private void editIndex(String from, String to) throws IOException {
        Path index = dir.resolve("index.json");
        String json = Files.readString(index, StandardCharsets.UTF_8);
        assertThat(json).contains(from);
        Files.writeString(index, json.replaceFirst(java.util.regex.Pattern.quote(from),
                java.util.regex.Matcher.quoteReplacement(to)), StandardCharsets.UTF_8);
    }

    @Test
    void theIndexReadsBackIntoTheGeneratedRecordsImagesAndMasks() {
        RefShapesDataset d = RefShapesDataset.open(dir);
        assertThat(d.size()).isEqualTo(8);
        assertThat(d.split()).isEqualTo(Split.VAL);
        assertThat(d.variant()).isEqualTo(Variant.STANDARD);
        assertThat(d.width()).isEqualTo(48);
        assertThat(d.vocabulary()).isEqualTo(RefShapesGenerator.vocabulary());
        assertThat(d.tokenizerFile()).exists();
        for (int i = 0; i < 8; i++) {
            RefShapesGenerator.RenderedScene r = generator.render(100 + i);
            Scene s = d.scenes().get(i);
            assertThat(s).isEqualTo(r.scene());
            assertThat(d.scene(s.id())).isSameAs(s);
            assertThat(d.image(s).rgb()).isEqualTo(r.image().rgb());
            for (ObjectInstance o : s.objects()) {
                assertThat(d.mask(s, o).data()).isEqualTo(r.masks().get(o.id()).data());
            }
        }
        assertThat(d.scenes().get(0).id()).isEqualTo("val-00000100");
        assertThat(d.scenes().get(0).sceneSeed()).isEqualTo(Split.VAL.seedBase() + 100);
        assertThatThrownBy(() -> d.scene("train-00000100")).hasMessageContaining("train-00000100");
    }

    @Test
    void aMissingIndexIsNamed(@TempDir Path empty) {
        assertThatThrownBy(() -> RefShapesDataset.open(empty)).isInstanceOf(RefShapesFormatException.class)
                .hasMessageContaining("index.json").hasMessageContaining(empty.toString());
    }

    @Test
    void anIndexNamingAMissingImageNamesTheFileAndTheRecord() throws IOException {
        Files.delete(dir.resolve("images/val-00000103.png"));
        assertThatThrownBy(() -> RefShapesDataset.open(dir)).isInstanceOf(RefShapesFormatException.class)
                .hasMessageContaining("images[3]").hasMessageContaining("val-00000103")
                .hasMessageContaining("images/val-00000103.png").hasMessageContaining("does not exist");
    }

    @Test
    void anIndexNamingAMissingMaskNamesTheObject() throws IOException {
        Files.delete(dir.resolve("masks/val-00000105-1.png"));
        assertThatThrownBy(() -> RefShapesDataset.open(dir)).isInstanceOf(RefShapesFormatException.class)
                .hasMessageContaining("images[5]").hasMessageContaining("objects[1]")
                .hasMessageContaining("masks/val-00000105-1.png");
    }

    @Test
    void malformedJsonReportsTheLine() throws IOException {
        Files.writeString(dir.resolve("index.json"), "{\n  \"format\": \"refshapes\",\n  oops\n}");
        assertThatThrownBy(() -> RefShapesDataset.open(dir)).isInstanceOf(RefShapesFormatException.class)
                .hasMessageContaining("not valid JSON").hasMessageContaining("line 3");
    }

    @Test
    void missingOrWrongFieldsNameTheRecordAndTheField() throws IOException {
        editIndex("\"shape\" : \"", "\"form\" : \"");
        assertThatThrownBy(() -> RefShapesDataset.open(dir)).isInstanceOf(RefShapesFormatException.class)
                .hasMessageContaining("images[0] (id val-00000100) objects[0]").hasMessageContaining("'shape'");
    }

    @Test
    void unknownAttributeValuesAreRejected() throws IOException {
        editIndex("\"colour\" : \"", "\"colour\" : \"pink");
        assertThatThrownBy(() -> RefShapesDataset.open(dir)).isInstanceOf(RefShapesFormatException.class)
                .hasMessageContaining("objects[0]").hasMessageContaining("unknown colour 'pink");
    }

    @Test
    void expressionsMustReferToObjectsOfTheirScene() throws IOException {
        editIndex("\"target\" : 0", "\"target\" : 9");
        assertThatThrownBy(() -> RefShapesDataset.open(dir)).isInstanceOf(RefShapesFormatException.class)
                .hasMessageContaining("images[0] (id val-00000100)").hasMessageContaining("object 9");
    }

    @Test
    void filesOutsideTheFolderAreRefused() throws IOException {
        editIndex("\"file\" : \"images/val-00000100.png\"", "\"file\" : \"../elsewhere.png\"");
        assertThatThrownBy(() -> RefShapesDataset.open(dir)).isInstanceOf(RefShapesFormatException.class)
                .hasMessageContaining("outside the dataset folder");
    }

    @Test
    void aWrongFormatVersionIsRejected() throws IOException {
        editIndex("\"formatVersion\" : 1", "\"formatVersion\" : 7");
        assertThatThrownBy(() -> RefShapesDataset.open(dir)).hasMessageContaining("version 7");
    }

    @Test
    void decodedPixelsAreCheckedAgainstTheRecord() throws IOException {
        RefShapesDataset d = RefShapesDataset.open(dir);
        Scene s = d.scenes().get(2);
        // Swap in another object's mask: the area or the box no longer matches the index.
        Files.copy(d.root().resolve(s.object(1).maskFile()), d.root().resolve(s.object(0).maskFile()),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> d.mask(s, s.object(0))).isInstanceOf(RefShapesFormatException.class)
                .hasMessageContaining(s.object(0).maskFile().substring("masks/".length()))
                .hasMessageContaining("object 0 of scene " + s.id());
        Files.write(d.root().resolve(s.imageFile()), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> d.image(s)).isInstanceOf(RefShapesFormatException.class)
                .hasMessageContaining("cannot decode").hasMessageContaining(s.id());
        Files.write(d.root().resolve(s.object(1).maskFile()), Png.encodeRgb(48, 48, new byte[3 * 48 * 48]));
        // An all-black RGB mask decodes but has none of the recorded pixels.
        assertThatThrownBy(() -> d.mask(s, s.object(1))).hasMessageContaining("0 pixels set");
    }
}
