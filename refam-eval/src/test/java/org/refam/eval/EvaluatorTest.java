package org.refam.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.refam.eval.TestData.cocoImages;
import static org.refam.eval.TestData.fixture;
import static org.refam.eval.TestData.rects;
import static org.refam.eval.TestData.refer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.refam.api.CancelledException;
import org.refam.api.Mask;
import org.refam.api.PixelPoint;
import org.refam.api.ProgressListener;
import org.refam.api.RefAmException;
import org.refam.api.RgbImage;
import org.refam.core.RefAM;
import org.refam.core.fixture.PlantedAttentionExtractor;
import org.refam.eval.coco.RefCocoDataset;
import org.refam.eval.davis.RefDavisDataset;
import org.refam.eval.metrics.UnsupervisedSummary;
import org.refam.eval.metrics.VideoSummary;

/** The evaluation engine on the fixtures with the planted-attention backend, oracles and baselines. */
class EvaluatorTest {
    private static PlantedAttentionExtractor extractor;
    private static RefAM refam;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        // a small grid and few blocks keep the suite fast; the numbers are meaningless either way
        extractor = PlantedAttentionExtractor.builder().grid(16, 16).blocks(4).sinkFromBlock(2).build();
        refam = RefAM.of(extractor);
    }

    @AfterAll
    static void close() {
        extractor.close();
    }

    private static RefCocoDataset val() {
        return RefCocoDataset.open(refer().resolve("refcoco"), "unc", "val", cocoImages());
    }

    private static RefDavisDataset davis() {
        return RefDavisDataset.open(fixture("davis/DAVIS"), fixture("davis/meta_expressions/valid/meta_expressions.json"),
                "val");
    }

    /** Cancels once {@code k} samples are done. */
    private static ProgressListener cancelAfter(long k) {
        AtomicLong done = new AtomicLong();
        return new ProgressListener() {
            @Override
            public void progress(String stage, long d, long total) {
                done.set(d);
            }

            @Override
            public boolean isCancelled() {
                return done.get() >= k;
            }
        };
    }

    private EvalOptions.Builder into(String file) {
        return EvalOptions.builder().results(tmp.resolve(file)).run("fixture");
    }

    private List<String> lines(String file) throws Exception {
        return Files.readAllLines(tmp.resolve(file), StandardCharsets.UTF_8);
    }

    @Test
    void oracleScoresOneAndSkipsAreCountedWithFileAndRecord() {
        RefCocoDataset d = val();
        ImageGrounder oracle = (ds, entry, image, samples) -> samples.stream().map(s -> {
            Mask gt = ds.groundTruth(entry, s);
            int first = 0;
            while (!gt.data()[first]) {
                first++;
            }
            return Prediction.of(new PixelPoint(first % gt.width(), first / gt.width()), gt);
        }).toList();
        ImageReport r = Evaluator.evaluate(d, oracle, EvalOptions.defaults());
        assertThat(r.evaluated()).isEqualTo(5);
        assertThat(r.metrics().oIoU()).isEqualTo(1.0);
        assertThat(r.metrics().mIoU()).isEqualTo(1.0);
        assertThat(r.metrics().pointAccuracy()).isEqualTo(1.0);
        assertThat(r.metrics().intersectionSum()).as("48 + 48 + 40 + 13 + 13 pixels").isEqualTo(162);
        assertThat(r.skippedSamples()).isEqualTo(3);
        Skip missing = r.skipped().stream().filter(s -> "ref5-sent7".equals(s.sampleId())).findFirst().orElseThrow();
        assertThat(missing.file()).endsWith("COCO_train2014_000000000003.jpg");
        assertThat(missing.record()).contains("refs(unc).p").contains("ref_id 5").contains("instances.json");
        assertThat(missing.reason()).contains("no such file");
        assertThat(ReportTables.skips(r.skipped(), 10)).contains("Skipped 3 samples (3 problems)")
                .contains("image 99").contains("annotation 999");
    }

    @Test
    void refamRunsOnTheFixtureBackend() {
        ImageReport r = Evaluator.evaluate(val(), Grounders.refam(refam), EvalOptions.defaults());
        assertThat(r.evaluated()).isEqualTo(5);
        assertThat(r.metrics().count()).isEqualTo(5);
        assertThat(r.metrics().mIoU()).isBetween(0.0, 1.0);
        assertThat(r.dataset()).isEqualTo("refcoco/unc/val");
        String table = ReportTables.image("RefCOCO val", r, PaperNumbers.oIoU("refcoco", "val"));
        assertThat(table).contains("| this run | 5 | 3 |").contains("| RefAM (paper) |  |  | 46.91 | \u2014 | \u2014 |");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 4, 6})
    void resumingAfterCancelGivesTheSameTable(long k) throws Exception {
        ImageReport whole = Evaluator.evaluate(val(), Grounders.refam(refam), into("whole.jsonl").build());
        assertThatThrownBy(() -> Evaluator.evaluate(val(), Grounders.refam(refam),
                into("part.jsonl").listener(cancelAfter(k)).build())).isInstanceOf(CancelledException.class);
        assertThat(lines("part.jsonl")).as("header + k records").hasSize((int) k + 1);
        ImageReport resumed = Evaluator.evaluate(val(), Grounders.refam(refam), into("part.jsonl").build());
        assertThat(resumed.metrics()).isEqualTo(whole.metrics());
        assertThat(resumed.evaluated()).isEqualTo(whole.evaluated());
        assertThat(resumed.skippedSamples()).isEqualTo(whole.skippedSamples());
        assertThat(resumed.resumed()).isBetween(1L, k);
        assertThat(lines("part.jsonl")).hasSameSizeAs(lines("whole.jsonl"));
        assertThat(ReportTables.image("t", resumed, PaperNumbers.oIoU("refcoco", "val")))
                .isEqualTo(ReportTables.image("t", whole, PaperNumbers.oIoU("refcoco", "val")));
    }

    @Test
    void aTornLastLineIsDroppedAndItsSampleEvaluatedAgain() throws Exception {
        ImageReport whole = Evaluator.evaluate(val(), Grounders.refam(refam), into("r.jsonl").build());
        Path file = tmp.resolve("r.jsonl");
        List<String> ls = lines("r.jsonl");
        String last = ls.get(ls.size() - 1);
        List<String> torn = new ArrayList<>(ls.subList(0, ls.size() - 1));
        Files.write(file, torn, StandardCharsets.UTF_8);
        Files.writeString(file, last.substring(0, last.length() / 2), StandardOpenOption.APPEND);
        ImageReport again = Evaluator.evaluate(val(), Grounders.refam(refam), into("r.jsonl").build());
        assertThat(again.metrics()).isEqualTo(whole.metrics());
        assertThat(lines("r.jsonl")).hasSameSizeAs(ls).last().isEqualTo(last);
    }

    @Test
    void aCompleteLastLineWithoutNewlineIsKept() throws Exception {
        Evaluator.evaluate(val(), Grounders.refam(refam), into("r.jsonl").limit(2).build());
        Path file = tmp.resolve("r.jsonl");
        String text = Files.readString(file);
        Files.writeString(file, text.substring(0, text.length() - 1));
        ImageReport more = Evaluator.evaluate(val(), Grounders.refam(refam), into("r.jsonl").limit(4).build());
        assertThat(more.resumed()).isEqualTo(2);
        assertThat(lines("r.jsonl")).hasSize(5);
    }

    @Test
    void resultsOfAnotherRunAreRefused() {
        Evaluator.evaluate(val(), Grounders.refam(refam), into("r.jsonl").limit(1).build());
        assertThatThrownBy(() -> Evaluator.evaluate(val(), Grounders.refam(refam),
                into("r.jsonl").run("other").build())).isInstanceOf(RefAmException.class)
                .hasMessageContaining("run 'fixture'").hasMessageContaining("run 'other'");
        ImageReport fresh = Evaluator.evaluate(val(), Grounders.refam(refam),
                into("r.jsonl").run("other").restart(true).build());
        assertThat(fresh.resumed()).isZero();
    }

    @Test
    void aBrokenLineInTheMiddleNamesFileAndLine() throws Exception {
        Evaluator.evaluate(val(), Grounders.refam(refam), into("r.jsonl").limit(3).build());
        List<String> ls = new ArrayList<>(lines("r.jsonl"));
        ls.set(2, "{not json");
        Files.write(tmp.resolve("r.jsonl"), ls, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Evaluator.evaluate(val(), Grounders.refam(refam), into("r.jsonl").build()))
                .isInstanceOf(RefAmException.class).hasMessageContaining("r.jsonl line 3");
    }

    @Test
    void limitTakesTheFirstSamplesInOrder() throws Exception {
        ImageReport r = Evaluator.evaluate(val(), Grounders.refam(refam), into("r.jsonl").limit(2).build());
        assertThat(r.evaluated()).isEqualTo(2);
        assertThat(lines("r.jsonl")).hasSize(3);
        assertThat(lines("r.jsonl").get(1)).contains("\"id\":\"ref0-sent0\"");
        assertThat(lines("r.jsonl").get(2)).contains("\"id\":\"ref0-sent1\"");
    }

    @Test
    void failedSamplesAreSkippedWithTheExpression() {
        ImageGrounder half = (ds, entry, image, samples) -> samples.stream()
                .map(s -> s.id().endsWith("sent0") ? Prediction.failed("all tokens were filtered")
                        : Prediction.of(new PixelPoint(0, 0), Mask.empty(image.height(), image.width())))
                .toList();
        ImageReport r = Evaluator.evaluate(val(), half, EvalOptions.defaults());
        assertThat(r.evaluated()).isEqualTo(4);
        Skip s = r.skipped().stream().filter(k -> "ref0-sent0".equals(k.sampleId())).findFirst().orElseThrow();
        assertThat(s.reason()).contains("'the box on the left'").contains("all tokens were filtered");
        assertThat(r.metrics().oIoU()).isZero();
    }

    /** One 10x10 image with object A (x 0..3, y 0..3) and object B (x 6..9, y 6..9); every sample refers to A. */
    private static ImageDataset twoSquares(int samples) {
        Mask a = rects(10, 10, new int[] {0, 0, 4, 4});
        Mask b = rects(10, 10, new int[] {6, 6, 10, 10});
        List<SampleEntry> list = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            list.add(new SampleEntry("s" + i, "the top left square", "A", "sample " + i));
        }
        ImageEntry entry = new ImageEntry("img", Path.of("img.png"), 10, 10, "image 0", list);
        return new ImageDataset() {
            @Override
            public String name() {
                return "two-squares";
            }

            @Override
            public List<ImageEntry> images() {
                return List.of(entry);
            }

            @Override
            public List<Skip> problems() {
                return List.of();
            }

            @Override
            public RgbImage image(ImageEntry e) {
                return new RgbImage(10, 10, new byte[300]);
            }

            @Override
            public Mask groundTruth(ImageEntry e, SampleEntry s) {
                return a;
            }

            @Override
            public List<SceneObject> objects(ImageEntry e) {
                return List.of(new SceneObject("A", 2, 2, a), new SceneObject("B", 8, 8, b));
            }
        };
    }

    @Test
    void imageCentreBaselineFallsOnTheBackground() {
        // the centre (5, 5) lies in neither square: empty mask, IoU 0, point outside the target
        ImageReport r = Evaluator.evaluate(twoSquares(3), Grounders.imageCentre(), EvalOptions.defaults());
        assertThat(r.metrics().count()).isEqualTo(3);
        assertThat(r.metrics().pointAccuracy()).isZero();
        assertThat(r.metrics().oIoU()).isZero();
        assertThat(r.metrics().intersectionSum()).isZero();
        assertThat(r.metrics().unionSum()).as("3 x the 16-pixel target").isEqualTo(48);
    }

    @Test
    void randomObjectBaselineHitsExactlyWhenItPicksTheTarget() {
        ImageReport r = Evaluator.evaluate(twoSquares(400), Grounders.randomObject(7), EvalOptions.defaults());
        // picking A gives its own mask (IoU 1, point inside), picking B gives B's mask (IoU 0, point outside)
        assertThat(r.metrics().mIoU()).isEqualTo(r.metrics().pointAccuracy());
        assertThat(r.metrics().precisionAt(0.5)).isEqualTo(r.metrics().pointAccuracy());
        assertThat(r.metrics().pointAccuracy()).isCloseTo(0.5, within(0.08));
        ImageReport again = Evaluator.evaluate(twoSquares(400), Grounders.randomObject(7), EvalOptions.defaults());
        assertThat(again.metrics()).as("seeded").isEqualTo(r.metrics());
        ImageReport other = Evaluator.evaluate(twoSquares(400), Grounders.randomObject(8), EvalOptions.defaults());
        assertThat(other.metrics()).as("another seed draws other objects").isNotEqualTo(r.metrics());
    }

    @Test
    void baselinesNeedObjects() {
        ImageReport r = Evaluator.evaluate(val(), Grounders.imageCentre(), EvalOptions.defaults());
        assertThat(r.evaluated()).isZero();
        assertThat(r.skipped()).anyMatch(s -> s.reason().contains("lists no objects"));
    }

    @Test
    void videoSegmentersNameTheirMode() {
        assertThat(VideoSegmenter.firstFrameCopy().mode()).isEqualTo(VideoSegmenter.FIRST_FRAME_COPY);
        VideoSegmenter plain = (clip, point, first) -> java.util.List.of(first);
        assertThat(plain.mode()).isEqualTo("custom video segmenter");
        VideoSegmenter named = VideoSegmenter.named("SAM2 propagation", plain);
        assertThat(named.mode()).isEqualTo("SAM2 propagation");
        Mask m = Mask.empty(2, 3);
        assertThat(named.segment(null, null, m)).containsExactly(m);
        // the evaluator refuses a mask count that is not the frame count
        assertThatThrownBy(() -> Evaluator.evaluate(davis(), refam, VideoSegmenter.named("one mask", plain),
                EvalOptions.defaults())).isInstanceOf(org.refam.api.RefAmException.class)
                .hasMessageContaining("returned 1 masks for the 3 frames");
    }

    @Test
    void videoWithEmptyPredictionsScoresByHand() {
        VideoSegmenter empty = (clip, point, first) -> java.util.Collections.nCopies(clip.frames(),
                Mask.empty(clip.height(), clip.width()));
        VideoReport r = Evaluator.evaluate(davis(), refam, empty, EvalOptions.defaults());
        // cows object 1: never empty -> J = F = 0; cows object 2: empty only in frame 2 -> 1/3; dog: frames 0 and 1
        // annotated, never empty -> 0 (frame 2 has no annotation). Each annotator has 2 + 2 + 2 samples.
        VideoSummary s = r.metrics();
        assertThat(r.evaluated()).isEqualTo(12);
        assertThat(s.perAnnotator()).containsOnlyKeys(1, 2);
        assertThat(s.perAnnotator().get(1).count()).isEqualTo(6);
        assertThat(s.j()).isCloseTo(1.0 / 9, within(1e-12));
        assertThat(s.f()).isCloseTo(1.0 / 9, within(1e-12));
        assertThat(s.jf()).isCloseTo(1.0 / 9, within(1e-12));
        assertThat(s.pointAccuracy()).isBetween(0.0, 1.0);
    }

    @Test
    void videoResumesToTheSameScores() throws Exception {
        VideoReport whole = Evaluator.evaluate(davis(), refam, VideoSegmenter.firstFrameCopy(),
                into("v.jsonl").build());
        assertThat(whole.evaluated()).isEqualTo(12);
        assertThat(lines("v.jsonl").get(1)).contains("\"type\":\"video\"").contains("\"annotator\":1")
                .contains("\"kind\":\"first-frame\"").contains("\"frames\":3");
        assertThatThrownBy(() -> Evaluator.evaluate(davis(), refam, VideoSegmenter.firstFrameCopy(),
                into("w.jsonl").listener(cancelAfter(5)).build())).isInstanceOf(CancelledException.class);
        VideoReport resumed = Evaluator.evaluate(davis(), refam, VideoSegmenter.firstFrameCopy(),
                into("w.jsonl").build());
        assertThat(resumed.metrics()).isEqualTo(whole.metrics());
        assertThat(resumed.resumed()).isEqualTo(5);
        assertThat(ReportTables.video("Ref-DAVIS17 val", resumed)).contains("57.60").contains("annotator 2");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The Ref-DAVIS17 protocol of the published numbers (runs merged into label maps, DAVIS 2017 unsupervised matching)
    // on the DAVIS fixture: cows (object 1, an 8x8 block moving right; object 2, one pixel then a 2x2 block, gone in
    // frame 2; all three frames annotated) and dog (one object; frame 2 not annotated). Expressions come four per
    // object, so the segmenter is called for cows object 1 (calls 0-3), cows object 2 (4-7), then dog (8-11).

    /** The ground truth of object {@code id} in every frame of {@code video} (empty where not annotated). */
    private static List<Mask> truth(RefDavisDataset ds, String video, int id) {
        VideoEntry v = ds.videos().stream().filter(e -> e.name().equals(video)).findFirst().orElseThrow();
        List<Mask> out = new ArrayList<>();
        for (int t = 0; t < v.frames().size(); t++) {
            LabelMap a = ds.annotation(v, t);
            out.add(a == null ? Mask.empty(24, 32) : a.mask(id));
        }
        return out;
    }

    /** A segmenter that answers call k with {@code answer.apply(k)}, whatever the prompt. */
    private static VideoSegmenter scripted(IntFunction<List<Mask>> answer) {
        AtomicInteger calls = new AtomicInteger();
        return (clip, point, first) -> answer.apply(calls.getAndIncrement());
    }

    private static List<Mask> union(List<Mask> a, List<Mask> b) {
        List<Mask> out = new ArrayList<>();
        for (int t = 0; t < a.size(); t++) {
            boolean[] d = a.get(t).data().clone();
            boolean[] e = b.get(t).data();
            for (int i = 0; i < d.length; i++) {
                d[i] |= e[i];
            }
            out.add(new Mask(a.get(t).height(), a.get(t).width(), d));
        }
        return out;
    }

    @Test
    void theFixtureIsWhatTheseTestsAssume() {
        assertThat(davis().videos()).extracting(VideoEntry::name).containsExactly("cows", "dog");
        assertThat(davis().videos().get(0).samples()).extracting(VideoSampleEntry::objectId)
                .containsExactly(1, 1, 1, 1, 2, 2, 2, 2);
        assertThat(davis().videos().get(0).samples()).extracting(VideoSampleEntry::run)
                .containsExactly(0, 1, 2, 3, 0, 1, 2, 3);
    }

    /**
     * Each cows expression gets the other cow's exact masks: scored on their own they miss (J = 0), while the
     * protocol's matching pairs them with the objects they cover and every object scores 1.
     */
    @Test
    void swappedPredictionsAreRepairedByTheMatchingOnly() {
        RefDavisDataset ds = davis();
        List<Mask> cow = truth(ds, "cows", 1);
        List<Mask> calf = truth(ds, "cows", 2);
        List<Mask> dog = truth(ds, "dog", 1);
        VideoReport r = Evaluator.evaluate(ds, refam, scripted(k -> k < 4 ? calf : k < 8 ? cow : dog),
                EvalOptions.defaults());
        VideoSummary each = r.metrics();
        // per annotator: 4 cows samples at 0, 2 dog samples at 1
        assertThat(each.j()).isCloseTo(1.0 / 3, within(1e-12));
        UnsupervisedSummary p = r.protocol();
        assertThat(p.j()).isEqualTo(1.0);
        assertThat(p.f()).isEqualTo(1.0);
        assertThat(p.jf()).isEqualTo(1.0);
        assertThat(p.perRun()).containsOnlyKeys(0, 1, 2, 3);
        assertThat(p.perRun().get(2).objects()).isEqualTo(3);
        assertThat(p.perRun().get(2).sequences()).isEqualTo(2);
        assertThat(p.objects()).isEqualTo(12);
        assertThat(p.leftOut()).isZero();
        assertThat(ReportTables.video("Ref-DAVIS17 val", r))
                .contains("| " + ReportTables.PROTOCOL_ROW + " | 12 |  | 100.00 | 100.00 | 100.00 |  |")
                .contains("|   run 3 | 3 |  | 100.00 |");
    }

    /**
     * Both cows expressions answer with both cows. Merged, the first object of each run keeps every pixel and the
     * second gets nothing, an empty proposal: the calf then scores 1 only in frame 2, where it is gone.
     */
    @Test
    void overlappingPredictionsGoToTheFirstObjectOfTheRun() {
        RefDavisDataset ds = davis();
        List<Mask> both = union(truth(ds, "cows", 1), truth(ds, "cows", 2));
        List<Mask> dog = truth(ds, "dog", 1);
        VideoReport r = Evaluator.evaluate(ds, refam, scripted(k -> k < 8 ? both : dog), EvalOptions.defaults());
        double cow = (64.0 / 65 + 64.0 / 68 + 1) / 3;
        double calf = 1.0 / 3;
        assertThat(r.protocol().j()).isCloseTo((cow + calf + 1) / 3, within(1e-12));
        assertThat(r.protocol().perRun().values()).allSatisfy(s ->
                assertThat(s.j()).isCloseTo((cow + calf + 1) / 3, within(1e-12)));
        // scored on its own the calf's expression gets both cows: J = (1/65 + 4/68 + 0) / 3
        double calfAlone = (1.0 / 65 + 4.0 / 68) / 3;
        assertThat(r.metrics().j()).isCloseTo((2 * cow + 2 * calfAlone + 2) / 6, within(1e-12));
    }

    /** Empty predictions everywhere: every object is matched to an empty mask; only the calf's frame 2 scores. */
    @Test
    void emptyPredictionsScoreOnlyWhereTheObjectIsGone() {
        VideoReport r = Evaluator.evaluate(davis(), refam, scripted(k -> List.of(Mask.empty(24, 32),
                Mask.empty(24, 32), Mask.empty(24, 32))), EvalOptions.defaults());
        assertThat(r.protocol().j()).isCloseTo(1.0 / 9, within(1e-12));
        assertThat(r.protocol().f()).isCloseTo(1.0 / 9, within(1e-12));
        assertThat(r.protocol().j()).isCloseTo(r.metrics().j(), within(1e-12));
    }

    /**
     * A run cut short by the limit has fewer proposals; the missing ones are padded: with the first 6 cows samples,
     * runs 0 and 1 have both objects, runs 2 and 3 only the cow's (exact) masks and an empty calf.
     */
    @Test
    void aLimitInsideAVideoPadsTheRunsItCuts() {
        RefDavisDataset ds = davis();
        List<Mask> cow = truth(ds, "cows", 1);
        List<Mask> calf = truth(ds, "cows", 2);
        VideoReport r = Evaluator.evaluate(ds, refam, scripted(k -> k < 4 ? cow : calf),
                EvalOptions.builder().limit(6).build());
        assertThat(r.protocol().perRun().get(0).j()).isEqualTo(1.0);
        assertThat(r.protocol().perRun().get(2).j()).isCloseTo((1 + 1.0 / 3) / 2, within(1e-12));
        assertThat(r.protocol().sequences()).isEqualTo(4);
    }

    /**
     * Interrupted inside a video and resumed, the earlier samples of the cut runs are run again (not re-scored) to
     * rebuild the merged maps, so the protocol's scores are those of an uninterrupted run.
     */
    @Test
    void resumingInsideAVideoGivesTheSameProtocolScores() throws Exception {
        RefDavisDataset ds = davis();
        List<Mask> both = union(truth(ds, "cows", 1), truth(ds, "cows", 2));
        List<Mask> dog = truth(ds, "dog", 1);
        VideoReport whole = Evaluator.evaluate(ds, refam, scripted(k -> k < 8 ? both : dog), EvalOptions.defaults());

        Path file = tmp.resolve("r.jsonl");
        try {
            Evaluator.evaluate(ds, refam, scripted(k -> k < 8 ? both : dog),
                    EvalOptions.builder().results(file).listener(cancelAfter(5)).build());
        } catch (CancelledException expected) {
            // five cows samples written: object 1 of every run and object 2 of run 0
        }
        assertThat(Files.readAllLines(file)).hasSize(6);
        // resumed: runs 1..3 of cows need object 1 again (3 replays), then object 2 of runs 1..3 and the dog
        AtomicInteger calls = new AtomicInteger();
        VideoReport resumed = Evaluator.evaluate(ds, refam, (clip, point, first) ->
                calls.getAndIncrement() < 6 ? both : dog, EvalOptions.builder().results(file).build());
        assertThat(calls.get()).isEqualTo(3 + 3 + 4);
        assertThat(resumed.protocol()).isEqualTo(whole.protocol());
        assertThat(resumed.metrics()).isEqualTo(whole.metrics());
        assertThat(Files.readAllLines(file)).hasSize(13);
    }
}
