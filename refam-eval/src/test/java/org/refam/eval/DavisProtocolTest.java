package org.refam.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.refam.eval.TestData.fixture;
import static org.refam.eval.TestData.rects;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.CancelledException;
import org.refam.api.Mask;
import org.refam.api.ProgressListener;
import org.refam.core.RefAM;
import org.refam.core.fixture.PlantedAttentionExtractor;
import org.refam.eval.davis.RefDavisDataset;
import org.refam.eval.metrics.UnsupervisedSummary;
import org.refam.eval.metrics.VideoSummary;

/**
 * The Ref-DAVIS17 protocol of the published numbers (runs merged into label maps, DAVIS 2017 unsupervised matching)
 * on the DAVIS fixture: cows (object 1, an 8x8 block moving right; object 2, one pixel then a 2x2 block, gone in frame
 * 2; all three frames annotated) and dog (one object; frame 2 not annotated). Expressions come four per object, so the
 * segmenter is called for cows object 1 (calls 0-3), cows object 2 (4-7), then dog (8-11).
 */
class DavisProtocolTest {
    private static PlantedAttentionExtractor extractor;
    private static RefAM refam;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        extractor = PlantedAttentionExtractor.builder().grid(16, 16).blocks(4).sinkFromBlock(2).build();
        refam = RefAM.of(extractor);
    }

    @AfterAll
    static void close() {
        extractor.close();
    }

    private static RefDavisDataset davis() {
        return RefDavisDataset.open(fixture("davis/DAVIS"), fixture("davis/meta_expressions/valid/meta_expressions.json"),
                "val");
    }

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
        AtomicLong done = new AtomicLong();
        ProgressListener stopAt5 = new ProgressListener() {
            @Override
            public void progress(String stage, long d, long total) {
                done.set(d);
            }

            @Override
            public boolean isCancelled() {
                return done.get() >= 5;
            }
        };
        try {
            Evaluator.evaluate(ds, refam, scripted(k -> k < 8 ? both : dog),
                    EvalOptions.builder().results(file).listener(stopAt5).build());
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

    /** The ground-truth objects are ids 1..max of the first annotated frame; 255 is not an object. */
    @Test
    void groundTruthObjectsComeFromTheFirstAnnotatedFrame() {
        byte[] first = new byte[6];
        first[0] = 2;
        first[1] = (byte) 255;
        byte[] later = new byte[6];
        later[0] = 5;
        LabelMap[] frames = {null, new LabelMap(2, 3, first), new LabelMap(2, 3, later)};
        MergedRuns runs = new MergedRuns(frames);
        assertThat(runs.objects()).isEqualTo(2);
        // object 1 never appears: an empty proposal scores 1 on it; object 2 is there in frame 1 only
        double[][] empty = runs.empty();
        assertThat(empty[0]).containsExactly(1.0, 0.5);
    }

    /** Within a run the first object keeps a contested pixel; runs do not interact. */
    @Test
    void theFirstObjectOfARunKeepsContestedPixels() {
        byte[] labels = new byte[12];
        labels[0] = 1;
        labels[1] = 1;
        labels[2] = 2;
        LabelMap[] frames = {new LabelMap(3, 4, labels)};
        MergedRuns runs = new MergedRuns(frames);
        Mask wide = rects(3, 4, new int[] {0, 0, 3, 1});
        Mask right = rects(3, 4, new int[] {1, 0, 3, 1});
        double[][] a = runs.add(0, List.of(wide), true);
        assertThat(a[0]).containsExactly(2.0 / 3, 1.0 / 3);
        double[][] b = runs.add(0, List.of(right), true);
        assertThat(b[0]).as("every pixel of the second object was taken").containsExactly(0.0, 0.0);
        double[][] c = runs.add(1, List.of(right), true);
        assertThat(c[0]).as("another run starts empty").containsExactly(1.0 / 3, 1.0 / 2);
    }
}
