package org.refam.eval.coco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.refam.eval.TestData.cocoImages;
import static org.refam.eval.TestData.rects;
import static org.refam.eval.TestData.refer;
import static org.refam.eval.TestData.setPixels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.InvalidImageException;
import org.refam.api.Mask;
import org.refam.api.RgbImage;
import org.refam.eval.DatasetFormatException;
import org.refam.eval.ImageEntry;
import org.refam.eval.SampleEntry;
import org.refam.eval.Skip;

/** The RefCOCO reader on the committed fixture (a Python-2-style refs pickle and a COCO instances.json). */
class RefCocoDatasetTest {
    @TempDir
    Path tmp;

    private static RefCocoDataset open(String split) {
        return RefCocoDataset.open(refer().resolve("refcoco"), "unc", split, cocoImages());
    }

    private static SampleEntry sample(RefCocoDataset d, String id) {
        return d.images().stream().flatMap(e -> e.samples().stream()).filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow();
    }

    private static ImageEntry imageOf(RefCocoDataset d, String id) {
        return d.images().stream().filter(e -> e.samples().stream().anyMatch(s -> s.id().equals(id))).findFirst()
                .orElseThrow();
    }

    @Test
    void valHasOneSamplePerRefAndSentenceGroupedByImage() {
        RefCocoDataset d = open("val");
        assertThat(d.name()).isEqualTo("refcoco/unc/val");
        assertThat(d.images()).extracting(ImageEntry::key).containsExactly("coco:1", "coco:2", "coco:3");
        assertThat(d.images().get(0).samples()).extracting(SampleEntry::id)
                .containsExactly("ref0-sent0", "ref0-sent1", "ref2-sent3");
        assertThat(d.images().get(1).samples()).extracting(SampleEntry::id).containsExactly("ref3-sent4", "ref3-sent5");
        assertThat(d.sampleCount()).isEqualTo(6);
        assertThat(d.images().get(0).width()).isEqualTo(32);
        assertThat(d.images().get(0).height()).isEqualTo(24);
        assertThat(d.images().get(0).file().getFileName().toString()).isEqualTo("COCO_train2014_000000000001.jpg");
    }

    @Test
    void otherSplitsOfBothSplitters() {
        assertThat(open("testA").images()).flatExtracting(ImageEntry::samples).extracting(SampleEntry::id)
                .containsExactly("ref1-sent2");
        assertThat(open("testB").images()).flatExtracting(ImageEntry::samples).extracting(SampleEntry::id)
                .containsExactly("ref4-sent6");
        assertThat(open("train").sampleCount()).isEqualTo(1);
        RefCocoDataset umdVal = RefCocoDataset.open(refer().resolve("refcocog"), "umd", "val", cocoImages());
        assertThat(umdVal.name()).isEqualTo("refcocog/umd/val");
        assertThat(umdVal.sampleCount()).isEqualTo(1);
        RefCocoDataset umdTest = RefCocoDataset.open(refer().resolve("refcocog"), "umd", "test", cocoImages());
        assertThat(umdTest.images()).flatExtracting(ImageEntry::samples).extracting(SampleEntry::expression)
                .containsExactly("a cat in two parts", "the occluded cat", "a piece of cake");
    }

    @Test
    void sentencesDecodeByteStringsAndUnicode() {
        RefCocoDataset d = open("val");
        assertThat(sample(d, "ref0-sent0").expression()).isEqualTo("the box on the left");
        assertThat(sample(d, "ref0-sent1").expression()).isEqualTo("Small rectangle.");
        assertThat(sample(d, "ref3-sent4").expression()).as("BINUNICODE").isEqualTo("the caf\u00e9 cake");
        assertThat(sample(d, "ref3-sent5").expression()).as("UTF-8 in a Python 2 byte string")
                .isEqualTo("na\u00efve cake");
        RefCocoDataset sent = RefCocoDataset.open(refer().resolve("refcoco"), "unc", "val", cocoImages(),
                RefCocoDataset.Sentence.SENT);
        assertThat(sample(sent, "ref0-sent1").expression()).isEqualTo("small rectangle");
        assertThat(sample(d, "ref0-sent1").record()).contains("refs(unc).p").doesNotContain("instances")
                .contains("ref_id 0").contains("sentence 1");
    }

    @Test
    void groundTruthOfEverySegmentationForm() {
        RefCocoDataset val = open("val");
        // polygon rectangle [2,3 .. 10,9]
        assertThat(setPixels(val.groundTruth(imageOf(val, "ref0-sent0"), sample(val, "ref0-sent0"))))
                .isEqualTo(setPixels(rects(24, 32, new int[] {2, 3, 10, 9})));
        // uncompressed RLE (list of counts)
        assertThat(setPixels(val.groundTruth(imageOf(val, "ref2-sent3"), sample(val, "ref2-sent3"))))
                .isEqualTo(setPixels(rects(24, 32, new int[] {24, 10, 28, 20})));
        // compressed RLE string
        Mask cake = val.groundTruth(imageOf(val, "ref3-sent4"), sample(val, "ref3-sent4"));
        assertThat(setPixels(cake)).isEqualTo(setPixels(rects(16, 16, new int[] {5, 6, 9, 9}, new int[] {12, 2, 13, 3})));
        // two polygons: their union
        RefCocoDataset testA = open("testA");
        assertThat(setPixels(testA.groundTruth(imageOf(testA, "ref1-sent2"), sample(testA, "ref1-sent2"))))
                .isEqualTo(setPixels(rects(24, 32, new int[] {20, 2, 28, 6}, new int[] {12, 14, 18, 20})));
        // a four-number "polygon" is a box [x, y, w, h], as pycocotools reads it
        RefCocoDataset testB = open("testB");
        assertThat(setPixels(testB.groundTruth(imageOf(testB, "ref4-sent6"), sample(testB, "ref4-sent6"))))
                .isEqualTo(setPixels(rects(16, 16, new int[] {1, 2, 4, 6})));
    }

    @Test
    void badRecordsAreListedWithFileAndRecord() {
        List<Skip> problems = open("val").problems();
        assertThat(problems).hasSize(2);
        Skip unknownImage = problems.stream().filter(p -> p.reason().contains("image 99")).findFirst().orElseThrow();
        assertThat(unknownImage.file()).endsWith("instances.json");
        assertThat(unknownImage.record()).isEqualTo("annotations[6] (id 401)");
        assertThat(unknownImage.sampleId()).isEqualTo("ref6-sent8");
        assertThat(unknownImage.samples()).isEqualTo(1);
        Skip unknownAnn = problems.stream().filter(p -> p.reason().contains("annotation 999")).findFirst()
                .orElseThrow();
        assertThat(unknownAnn.file()).endsWith("refs(unc).p");
        assertThat(unknownAnn.record()).isEqualTo("record 8 (ref_id 8)");
    }

    @Test
    void missingImageFailsWithTheFile() {
        RefCocoDataset d = open("val");
        ImageEntry missing = d.images().get(2);
        assertThatThrownBy(() -> d.image(missing)).isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("COCO_train2014_000000000003.jpg");
        RgbImage first = d.image(d.images().get(0));
        assertThat(first.width()).isEqualTo(32);
        assertThat(first.height()).isEqualTo(24);
    }

    @Test
    void unknownSplitListsTheSplitsOfTheFile() {
        assertThatThrownBy(() -> open("testC")).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("'testC'").hasMessageContaining("[testA, testB, train, val]");
    }

    private Path copyRefcoco() throws Exception {
        Path dir = tmp.resolve("refcoco");
        Files.createDirectories(dir);
        for (String f : List.of("refs(unc).p", "instances.json")) {
            Files.copy(refer().resolve("refcoco").resolve(f), dir.resolve(f));
        }
        return dir;
    }

    @Test
    void truncatedPickleNamesTheFile() throws Exception {
        Path dir = copyRefcoco();
        Path refs = dir.resolve("refs(unc).p");
        byte[] b = Files.readAllBytes(refs);
        Files.write(refs, Arrays.copyOf(b, b.length / 2));
        assertThatThrownBy(() -> RefCocoDataset.open(dir, "unc", "val", cocoImages()))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining(refs.toString())
                .hasMessageContaining("truncated").hasMessageContaining("ends after " + b.length / 2 + " bytes");
    }

    @Test
    void garbageIsNotAPickle() throws Exception {
        Path dir = copyRefcoco();
        Files.writeString(dir.resolve("refs(unc).p"), "this is not a pickle\n");
        assertThatThrownBy(() -> RefCocoDataset.open(dir, "unc", "val", cocoImages()))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("refs(unc).p");
    }

    @Test
    void missingPickleNamesTheFile() {
        assertThatThrownBy(() -> RefCocoDataset.open(tmp, "unc", "val", cocoImages()))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("refs(unc).p")
                .hasMessageContaining("does not exist");
    }

    @Test
    void truncatedInstancesNameTheFileLineAndRecord() throws Exception {
        Path dir = copyRefcoco();
        Path inst = dir.resolve("instances.json");
        String json = Files.readString(inst);
        int cut = json.indexOf("\"id\":201");
        Files.writeString(inst, json.substring(0, cut));
        assertThatThrownBy(() -> RefCocoDataset.open(dir, "unc", "val", cocoImages()))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining(inst.toString())
                .hasMessageContaining("truncated").hasMessageContaining("line 1")
                .hasMessageContaining("annotations[3]");
    }

    @Test
    void malformedSegmentationIsReportedWhenTheMaskIsAskedFor() throws Exception {
        Path dir = copyRefcoco();
        Path inst = dir.resolve("instances.json");
        String json = Files.readString(inst).replace("[[2,3,10,3,10,9,2,9]]", "[[2,3]]");
        Files.writeString(inst, json);
        RefCocoDataset d = RefCocoDataset.open(dir, "unc", "val", cocoImages());
        assertThatThrownBy(() -> d.groundTruth(imageOf(d, "ref0-sent0"), sample(d, "ref0-sent0")))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("instances.json")
                .hasMessageContaining("annotations[0] (id 101)").hasMessageContaining("at least 3 points");
    }
}
