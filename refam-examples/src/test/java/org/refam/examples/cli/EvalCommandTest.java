package org.refam.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.refam.examples.cli.CliRun.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.Mask;
import org.refam.examples.refshapes.Expression;
import org.refam.examples.refshapes.ObjectInstance;
import org.refam.examples.refshapes.RefShapesDataset;
import org.refam.examples.refshapes.Scene;

/** The {@code eval} command end to end on the refam-eval fixtures and a generated RefShapes split, fixture backend. */
class EvalCommandTest {
    @TempDir
    Path dir;


    /** The fixtures committed in refam-eval (Surefire runs in the module folder). */
    private static Path fixtures() {
        Path p = Path.of("..", "refam-eval", "src", "test", "resources", "fixtures").toAbsolutePath().normalize();
        assertThat(p).as("refam-eval fixtures").isDirectory();
        return p;
    }

    @Test
    void refcocoTableResultsAndResume() throws Exception {
        Path out = dir.resolve("out");
        String[] args = {"eval", "--backend", "fixture", "--dataset", "refcoco", "--root",
            fixtures().resolve("refer").toString(), "--split", "val", "--out", out.toString()};
        var r = run(args);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("| RefCOCO val (unc) | samples | skipped | oIoU | mIoU | PA |")
                .contains("| this run | 5 | 3 |").contains("| RefAM (paper) |  |  | 46.91 |")
                .contains("Skipped 3 samples").contains("COCO_train2014_000000000003.jpg");
        assertThat(r.err()).as("progress bar").contains("eval").contains("6/6");
        List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
        assertThat(lines).hasSize(7);
        assertThat(lines.get(0)).contains("\"type\":\"header\"").contains("refcoco/unc/val");
        assertThat(lines).filteredOn(l -> l.contains("\"type\":\"skip\"")).hasSize(1);
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertThat(summary.at("/pipeline/count").asInt()).isEqualTo(5);
        assertThat(summary.at("/pipeline/skipped").asInt()).isEqualTo(3);
        String table = Files.readString(out.resolve("table.md"));

        var again = run(args);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(Files.readAllLines(out.resolve("results.jsonl"))).as("nothing evaluated twice").isEqualTo(lines);
        assertThat(Files.readString(out.resolve("table.md"))).isEqualTo(table);
    }

    @Test
    void progressInLogsIsPlainLinesEndingWithTheFinalCount() {
        String[] args = {"eval", "--backend", "fixture", "--dataset", "refcoco", "--root",
            fixtures().resolve("refer").toString(), "--split", "val", "--out", dir.resolve("lines").toString(),
            "--progress", "lines"};
        var r = run(args);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("\r");
        List<String> lines = r.err().lines().filter(l -> l.startsWith("eval: ")).toList();
        assertThat(lines).isNotEmpty();
        assertThat(lines.get(lines.size() - 1)).startsWith("eval: 6/6 (100%)").contains("done in");
        assertThat(lines).filteredOn(l -> l.contains("done in")).hasSize(1);

        var bar = run(args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8], "--out",
                dir.resolve("bar").toString(), "--progress", "bar");
        assertThat(bar.code()).as(bar.err()).isZero();
        assertThat(bar.err()).as("the terminal bar redraws in place").contains("\r").contains("6/6");
    }

    @Test
    void limitAndJson() throws Exception {
        var r = run("eval", "--backend", "fixture", "--dataset", "refcocog", "--root",
                fixtures().resolve("refer").toString(), "--split", "test", "--limit", "2", "--json", "--out",
                dir.resolve("g").toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.at("/pipeline/count").asInt()).isEqualTo(2);
        assertThat(j.at("/pipeline/oIoU").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void refdavisVideoTable() throws Exception {
        var r = run("eval", "--backend", "fixture", "--dataset", "refdavis", "--root",
                fixtures().resolve("davis").toString(), "--out", dir.resolve("v").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("| Ref-DAVIS17 val | samples | skipped | J&F | J | F | PA |")
                .contains("| this run | 12 | 0 |").contains("annotator 1").contains("annotator 2")
                .contains("| RefAM + SAM2 (paper) |  |  | 57.60 | 54.50 | 60.60 | 68.90 |")
                .contains("Masks: first-frame copy baseline: the first frame's mask copied");
        assertThat(Files.readAllLines(dir.resolve("v/results.jsonl")).get(0)).contains("video=first-frame copy");
        JsonNode s = new ObjectMapper().readTree(dir.resolve("v/summary.json").toFile());
        assertThat(s.at("/pipeline/jf").asDouble()).isBetween(0.0, 1.0);
        assertThat(s.at("/pipeline/jf").asDouble())
                .isCloseTo((s.at("/pipeline/j").asDouble() + s.at("/pipeline/f").asDouble()) / 2, within(1e-12));
        // the protocol of the published numbers: 3 objects (cows 2, dog 1) in each of the 4 runs
        assertThat(r.out()).containsPattern("\\| ReferFormer / DAVIS-2017 unsupervised protocol \\| 12 \\|  \\| "
                + "\\d+\\.\\d\\d \\| \\d+\\.\\d\\d \\| \\d+\\.\\d\\d \\|").contains("|   run 0 | 3 |");
        assertThat(Files.readString(dir.resolve("v/table.md"))).contains("ReferFormer / DAVIS-2017 unsupervised")
                .contains("Rows: the paper's numbers are computed as the 'ReferFormer / DAVIS-2017");
        assertThat(s.at("/pipeline/protocol/objects").asLong()).isEqualTo(12);
        assertThat(s.at("/pipeline/protocol/sequences").asLong()).isEqualTo(8);
        assertThat(s.at("/pipeline/protocol/leftOut").asLong()).isZero();
        assertThat(s.at("/pipeline/protocol/jf").asDouble()).isCloseTo((s.at("/pipeline/protocol/j").asDouble()
                + s.at("/pipeline/protocol/f").asDouble()) / 2, within(1e-12)).isBetween(0.0, 1.0);
    }

    /** A sam2 folder with the four video graphs (refam-onnx's tiny ones) makes the video run propagate. */
    @Test
    void refdavisWithSam2VideoGraphsPropagates() throws Exception {
        Path graphs = Path.of("..", "refam-onnx", "src", "test", "resources", "sam", "sam2video").toAbsolutePath()
                .normalize();
        assertThat(graphs).as("tiny SAM2 video graphs").isDirectory();
        var r = run("eval", "--backend", "fixture", "--dataset", "refdavis", "--root",
                fixtures().resolve("davis").toString(), "--segmenter", "sam2:" + graphs, "--device", "cpu", "--out",
                dir.resolve("p").toString(), "--save-predictions");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("| this run | 12 | 0 |").contains("Masks: SAM2 propagation: the first frame's point")
                .contains("Sam2VideoSegmenter").doesNotContain("copy baseline");
        assertThat(Files.readAllLines(dir.resolve("p/results.jsonl")).get(0)).contains("video=SAM2 propagation");
        for (int run = 0; run < 4; run++) {
            assertThat(dir.resolve("p/predictions/anno_" + run + "/cows/00002.png")).isRegularFile();
            assertThat(dir.resolve("p/predictions/anno_" + run + "/dog/00000.png")).isRegularFile();
        }
    }

    /**
     * Results name the weights they came from: the header's run and the table carry the model's version (for a
     * bundle, its manifest's SHA-256), and a results file of other weights is not resumed into. Without this an
     * eval run from a jar that embeds an older bundle cannot be told apart from one of the committed bundle.
     */
    @Test
    void resultsNameTheModelVersionAndOtherWeightsAreNotMixedIn() throws Exception {
        Path data = dir.resolve("shapes48");
        var synth = run("synth", "--out", data.toString(), "--count", "1", "--split", "val", "--size", "48");
        assertThat(synth.code()).as(synth.err()).isZero();
        Path committed = Path.of("..", "models", "refam-tiny").toAbsolutePath().normalize();
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(committed.resolve("manifest.json"))));
        String version = "sha256:" + sha.substring(0, 16);
        Path out = dir.resolve("onnx");
        var r = run("eval", "--backend", "onnx", "--device", "cpu", "--dataset", data.toString(), "--limit", "2",
                "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).as("the embedded model is the committed bundle").contains("Model: refam-tiny " + version);
        assertThat(Files.readString(out.resolve("table.md"))).contains("Model: refam-tiny " + version);
        assertThat(Files.readAllLines(out.resolve("results.jsonl")).get(0)).contains("version=" + version);

        // the same folder, re-exported in place (another manifest): other weights as far as the results can tell
        Path bundle = dir.resolve("bundle");
        Files.createDirectories(bundle);
        try (java.util.stream.Stream<Path> files = Files.list(committed)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, bundle.resolve(f.getFileName()));
            }
        }
        String[] args = {"eval", "--backend", "onnx", "--device", "cpu", "--model", bundle.toString(), "--dataset",
            data.toString(), "--limit", "2", "--out", dir.resolve("folder").toString()};
        var first = run(args);
        assertThat(first.code()).as(first.err()).isZero();
        String manifest = Files.readString(bundle.resolve("manifest.json"));
        Files.writeString(bundle.resolve("manifest.json"), manifest.replace("\"description\": \"",
                "\"description\": \"exported again: "));
        var resumed = run(args);
        assertThat(resumed.code()).isNotZero();
        assertThat(resumed.err()).contains("version=" + version).contains("use another output folder or --restart");
    }

    @Test
    void refShapesAblationJson() throws Exception {
        Path data = dir.resolve("shapes");
        var synth = run("synth", "--out", data.toString(), "--count", "2", "--split", "val");
        assertThat(synth.code()).as(synth.err()).isZero();
        var r = run("eval", "--backend", "fixture", "--dataset", data.toString(), "--ablation", "--json", "--out",
                dir.resolve("a").toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        RefShapesDataset ds = RefShapesDataset.open(data);
        int expressions = ds.scenes().stream().mapToInt(s -> s.expressions().size()).sum();
        assertThat(j.fieldNames()).toIterable().containsExactlyElementsOf(EvalCommand.ABLATION);
        for (String key : EvalCommand.ABLATION) {
            JsonNode c = j.get(key);
            assertThat(c.get("count").asInt()).as(key).isEqualTo(expressions);
            for (String f : List.of("pointAccuracy", "mIoU", "oIoU", "precAt50")) {
                assertThat(c.get(f).asDouble()).as(key + " " + f).isBetween(0.0, 1.0);
            }
        }
        // image centre, worked out from the masks: the point is (W/2, H/2); it hits when the target covers it; the
        // mask is the object under the point, so IoU is 1 exactly when that object is the target (objects of the
        // standard variant do not overlap) and 0 otherwise
        int hits = 0;
        for (Scene s : ds.scenes()) {
            int cx = s.width() / 2;
            int cy = s.height() / 2;
            for (Expression e : s.expressions()) {
                Mask target = ds.mask(s, s.object(e.target()));
                if (target.get(cx, cy)) {
                    hits++;
                }
            }
        }
        JsonNode centre = j.get("imageCenter");
        assertThat(centre.get("pointAccuracy").asDouble()).isEqualTo((double) hits / expressions);
        assertThat(centre.get("mIoU").asDouble()).isEqualTo((double) hits / expressions);
        assertThat(centre.get("precAt50").asDouble()).isEqualTo((double) hits / expressions);
        // random object: a centre of some object; IoU is 1 when it is the target's, so mIoU equals PA again
        JsonNode random = j.get("randomObject");
        assertThat(random.get("mIoU").asDouble()).isCloseTo(random.get("pointAccuracy").asDouble(), within(1e-12));
        assertThat(Files.readString(dir.resolve("a/table.md"))).contains("| withMagnets |").contains("| imageCenter |");
        assertThat(dir.resolve("a/randomObject.jsonl")).isRegularFile();
        // objects of a scene are all distinct, so at least the sanity of the object list holds
        for (Scene s : ds.scenes()) {
            assertThat(s.objects()).extracting(ObjectInstance::id).doesNotHaveDuplicates();
        }
    }

    @Test
    void badOptionsAndBadFiles() throws Exception {
        var unknown = run("eval", "--backend", "fixture", "--dataset", "nosuch");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown dataset 'nosuch'");
        var noSplit = run("eval", "--backend", "fixture", "--dataset", "refcoco", "--root", "x");
        assertThat(noSplit.code()).isEqualTo(2);
        assertThat(noSplit.err()).contains("needs --split");

        Path refer = dir.resolve("refer");
        Files.createDirectories(refer.resolve("refcoco"));
        Files.createDirectories(refer.resolve("train2014"));
        byte[] p = Files.readAllBytes(fixtures().resolve("refer/refcoco/refs(unc).p"));
        Files.write(refer.resolve("refcoco/refs(unc).p"), Arrays.copyOf(p, 100));
        Files.copy(fixtures().resolve("refer/refcoco/instances.json"), refer.resolve("refcoco/instances.json"));
        var truncated = run("eval", "--backend", "fixture", "--dataset", "refcoco", "--root", refer.toString(),
                "--split", "val", "--out", dir.resolve("t").toString());
        assertThat(truncated.code()).isEqualTo(1);
        assertThat(truncated.err()).contains("error: refs pickle").contains("refs(unc).p").contains("truncated");
    }
}
