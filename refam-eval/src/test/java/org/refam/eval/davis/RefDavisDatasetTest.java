package org.refam.eval.davis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.refam.eval.TestData.fixture;
import static org.refam.eval.TestData.rects;
import static org.refam.eval.TestData.setPixels;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.RgbImage;
import org.refam.eval.DatasetFormatException;
import org.refam.eval.LabelMap;
import org.refam.eval.Skip;
import org.refam.eval.VideoEntry;
import org.refam.eval.VideoSampleEntry;

/** The Ref-DAVIS17 reader on the committed fixture (2 videos x 3 frames, palette PNG annotations). */
class RefDavisDatasetTest {
    @TempDir
    Path tmp;

    static Path davis() {
        return fixture("davis/DAVIS");
    }

    static Path meta() {
        return fixture("davis/meta_expressions/valid/meta_expressions.json");
    }

    @Test
    void videosSamplesAnnotatorsAndKinds() {
        RefDavisDataset d = RefDavisDataset.open(davis(), meta(), "val");
        assertThat(d.name()).isEqualTo("refdavis/val");
        assertThat(d.problems()).isEmpty();
        assertThat(d.videos()).extracting(VideoEntry::name).containsExactly("cows", "dog");
        VideoEntry cows = d.videos().get(0);
        assertThat(cows.frames()).containsExactly("00000", "00001", "00002");
        assertThat(cows.samples()).extracting(VideoSampleEntry::id)
                .containsExactly("cows/0", "cows/1", "cows/2", "cows/3", "cows/4", "cows/5", "cows/6", "cows/7");
        assertThat(cows.samples()).extracting(VideoSampleEntry::annotator).containsExactly(1, 1, 2, 2, 1, 1, 2, 2);
        assertThat(cows.samples()).extracting(VideoSampleEntry::kind).containsExactly("first-frame", "full-video",
                "first-frame", "full-video", "first-frame", "full-video", "first-frame", "full-video");
        assertThat(cows.samples()).extracting(VideoSampleEntry::objectId).containsExactly(1, 1, 1, 1, 2, 2, 2, 2);
        assertThat(cows.samples().get(4).expression()).isEqualTo("a tiny calf");
        assertThat(d.sampleCount()).isEqualTo(12);
    }

    @Test
    void annotationsAreObjectIdsAndMissingFramesAreNull() {
        RefDavisDataset d = RefDavisDataset.open(davis(), meta(), "val");
        VideoEntry cows = d.videos().get(0);
        LabelMap a0 = d.annotation(cows, 0);
        assertThat(a0.width()).isEqualTo(32);
        assertThat(a0.height()).isEqualTo(24);
        assertThat(setPixels(a0.mask(1))).isEqualTo(setPixels(rects(24, 32, new int[] {2, 4, 10, 12})));
        assertThat(setPixels(a0.mask(2))).containsExactly("20,15");
        assertThat(setPixels(d.annotation(cows, 2).mask(2))).as("object 2 left the clip").isEmpty();
        VideoEntry dog = d.videos().get(1);
        assertThat(d.annotation(dog, 2)).as("frame 00002 has no annotation file").isNull();
        assertThat(setPixels(d.annotation(dog, 1).mask(255))).hasSize(4);
        RgbImage f = d.frame(dog, 2);
        assertThat(f.width()).isEqualTo(32);
    }

    /** The fixture's expression file with {@code edit} applied to its tree, written to a temporary file. */
    private Path editedMeta(java.util.function.Consumer<ObjectNode> edit) throws Exception {
        ObjectMapper m = new ObjectMapper();
        ObjectNode top = (ObjectNode) m.readTree(meta().toFile());
        edit.accept(top);
        Path p = tmp.resolve("meta_expressions.json");
        m.writeValue(p.toFile(), top);
        return p;
    }

    private static ObjectNode expressions(ObjectNode top, String video) {
        return (ObjectNode) top.get("videos").get(video).get("expressions");
    }

    @Test
    void videoWithoutGroupsOfFourIsLeftOutWithAReason() throws Exception {
        Path m = editedMeta(top -> expressions(top, "cows").remove("7"));
        RefDavisDataset d = RefDavisDataset.open(davis(), m, "val");
        assertThat(d.videos()).extracting(VideoEntry::name).containsExactly("dog");
        List<Skip> problems = d.problems();
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).reason()).contains("7 expressions").contains("multiple of 4");
        assertThat(problems.get(0).file()).isEqualTo(m.toString());
        assertThat(problems.get(0).record()).isEqualTo("videos.cows");
        assertThat(problems.get(0).samples()).isEqualTo(7);
    }

    @Test
    void groupsMustShareTheirObject() throws Exception {
        Path m = editedMeta(top -> ((ObjectNode) expressions(top, "cows").get("2")).put("obj_id", "2"));
        RefDavisDataset d = RefDavisDataset.open(davis(), m, "val");
        assertThat(d.problems()).hasSize(1);
        assertThat(d.problems().get(0).record()).isEqualTo("videos.cows.expressions.2");
        assertThat(d.problems().get(0).reason()).contains("obj_id 2 differs");
    }

    @Test
    void expressionIdsAreSortedNumerically() throws Exception {
        // ids 10, 11, 8, 9 in file order: sorted they are 8, 9, 10, 11 -> annotator 1, 1, 2, 2
        Path m = editedMeta(top -> {
            ObjectNode dog = expressions(top, "dog");
            ObjectNode re = dog.objectNode();
            re.set("10", dog.get("2"));
            re.set("11", dog.get("3"));
            re.set("8", dog.get("0"));
            re.set("9", dog.get("1"));
            ((ObjectNode) top.get("videos").get("dog")).set("expressions", re);
        });
        VideoEntry dog = RefDavisDataset.open(davis(), m, "val").videos().get(1);
        assertThat(dog.samples()).extracting(VideoSampleEntry::id)
                .containsExactly("dog/8", "dog/9", "dog/10", "dog/11");
        assertThat(dog.samples()).extracting(VideoSampleEntry::annotator).containsExactly(1, 1, 2, 2);
        assertThat(dog.samples().get(0).expression()).isEqualTo("a dog in the corner");
    }

    private Path copyMeta(String text) throws Exception {
        Path p = tmp.resolve("meta_expressions.json");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void truncatedExpressionFileNamesFileAndLine() throws Exception {
        String json = Files.readString(meta());
        Path m = copyMeta(json.substring(0, json.length() / 2));
        assertThatThrownBy(() -> RefDavisDataset.open(davis(), m, "val")).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(m.toString()).hasMessageContaining("truncated").hasMessageContaining("line ");
    }

    @Test
    void missingFoldersAreNamed() {
        assertThatThrownBy(() -> RefDavisDataset.open(tmp, meta(), "val")).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("JPEGImages");
        assertThatThrownBy(() -> RefDavisDataset.open(davis(), meta(), "val", "Annotations_unsupervised/480p"))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("Annotations_unsupervised");
    }

    @Test
    void splitListSelectsVideos() throws Exception {
        RefDavisDataset other = RefDavisDataset.open(davis(), meta(), "train");
        assertThat(other.videos()).as("no train.txt: every video of the expression file").hasSize(2);
    }
}
