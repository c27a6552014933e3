package org.refam.eval.davis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.refam.eval.TestData.fixture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.Mask;
import org.refam.core.RefAM;
import org.refam.core.fixture.PlantedAttentionExtractor;
import org.refam.eval.EvalOptions;
import org.refam.eval.Evaluator;
import org.refam.eval.LabelMap;
import org.refam.eval.VideoEntry;
import org.refam.eval.VideoReport;
import org.refam.eval.VideoSampleEntry;
import org.refam.eval.VideoSegmenter;
import org.refam.eval.metrics.UnsupervisedScores;
import org.refam.eval.metrics.UnsupervisedSummary;
import org.refam.eval.metrics.VideoMetrics;

/** Predictions written in ReferFormer's layout: one label map per frame and annotation run, objects merged. */
class DavisResultsTest {
    @TempDir
    Path tmp;

    private static RefDavisDataset davis() {
        return RefDavisDataset.open(fixture("davis/DAVIS"), fixture("davis/meta_expressions/valid/meta_expressions.json"),
                "val");
    }

    @Test
    void runsFollowTheExpressionOrderOfTheConversion() {
        for (VideoEntry v : davis().videos()) {
            for (int p = 0; p < v.samples().size(); p++) {
                // convert_davis_to_ytvos.py writes expression 4k + a; inference_davis.py reads it as run a
                assertThat(DavisResults.run(v.samples().get(p))).as(v.samples().get(p).id()).isEqualTo(p % 4);
            }
        }
    }

    /** A rectangle mask: columns [x0, x1), rows [y0, y1). */
    private static Mask rect(int h, int w, int x0, int y0, int x1, int y1) {
        boolean[] d = new boolean[h * w];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                d[y * w + x] = true;
            }
        }
        return new Mask(h, w, d);
    }

    @Test
    void objectsOfARunShareOneLabelMapAndTheFirstObjectKeepsOverlaps() {
        // the sink replaces the segmenter's (empty) masks by object k's band, columns [(k-1) w/5, (k-1) w/5 + 3w/5):
        // objects 1 and 2 of cows overlap on [w/5, 3w/5)
        List<String> order = new ArrayList<>();
        DavisResults writer = new DavisResults(tmp.resolve("pred"));
        try (PlantedAttentionExtractor extractor = PlantedAttentionExtractor.builder().grid(16, 16).blocks(4).build()) {
            RefDavisDataset ds = davis();
            EvalOptions options = EvalOptions.builder().videoPredictions((video, sample, masks, h, w) -> {
                order.add(sample.id());
                int id = sample.objectId();
                List<Mask> objectMasks = new ArrayList<>();
                for (int t = 0; t < masks.size(); t++) {
                    objectMasks.add(rect(h, w, (id - 1) * w / 5, 0, (id - 1) * w / 5 + 3 * w / 5, h));
                }
                writer.accept(video, sample, objectMasks, h, w);
            }).build();
            Evaluator.evaluate(ds, RefAM.of(extractor), (clip, point, first) -> Collections.nCopies(clip.frames(),
                    Mask.empty(clip.height(), clip.width())), options);
            assertThat(order).hasSize(12);
            for (VideoEntry v : ds.videos()) {
                LabelMap a = ds.annotation(v, 0);
                int w = a.width();
                int h = a.height();
                for (int run = 0; run < 4; run++) {
                    for (int t = 0; t < v.frames().size(); t++) {
                        Path f = writer.file(run, v, t);
                        assertThat(f).exists().hasFileName(v.frames().get(t) + ".png");
                        assertThat(f.getParent().getParent().getFileName().toString()).isEqualTo("anno_" + run);
                        LabelMap m = IndexedPng.read(f);
                        assertThat(m.width()).isEqualTo(w);
                        byte[] l = m.labels();
                        int y = h / 2;
                        assertThat(l[y * w]).isEqualTo((byte) 1); // only object 1
                        if (v.name().equals("cows")) {
                            // columns [w/5, 3w/5) are claimed by both: object 1 came first
                            assertThat(l[y * w + 2 * w / 5]).isEqualTo((byte) 1);
                            assertThat(l[y * w + 3 * w / 5 + 1]).isEqualTo((byte) 2);
                            assertThat(l[y * w + w - 1]).isZero();
                        } else {
                            assertThat(l[y * w + 3 * w / 5 + 1]).isZero();
                        }
                    }
                }
            }
        }
    }

    @Test
    void anEmptyListWritesBackgroundAndWrongSizesAreRejected() throws Exception {
        RefDavisDataset ds = davis();
        VideoEntry dog = ds.videos().stream().filter(v -> v.name().equals("dog")).findFirst().orElseThrow();
        VideoSampleEntry s = dog.samples().get(1);
        DavisResults writer = new DavisResults(tmp.resolve("p"));
        writer.accept(dog, s, List.of(), 4, 6);
        LabelMap m = IndexedPng.read(writer.file(1, dog, 2));
        assertThat(m.height()).isEqualTo(4);
        assertThat(m.labels()).containsOnly((byte) 0);
        assertThat(Files.list(writer.file(1, dog, 0).getParent())).hasSize(3);
        assertThatThrownBy(() -> writer.accept(dog, s, List.of(Mask.empty(4, 6)), 4, 6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 masks for the 3 frames");
        assertThatThrownBy(() -> writer.accept(dog, s, List.of(Mask.empty(4, 6), Mask.empty(4, 6),
                Mask.empty(5, 6)), 4, 6)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6x5");
    }

    /**
     * The protocol's in-memory scores equal those of the written label maps scored as the DAVIS 2017 code's
     * unsupervised task reads them: proposals are ids 1..max over the run's maps, objects ids 1..max of the first
     * annotation, every annotated frame. The segmenter's bands overlap across objects and shift with the run.
     */
    @Test
    void theProtocolScoresAreThoseOfTheWrittenLabelMaps() {
        DavisResults writer = new DavisResults(tmp.resolve("pred"));
        RefDavisDataset ds = davis();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        VideoSegmenter bands = (clip, point, first) -> {
            int k = calls.getAndIncrement();
            int h = clip.height();
            int w = clip.width();
            int x0 = (k < 8 && k >= 4 ? w / 4 : 0) + (k % 4) * 2;
            List<Mask> out = new ArrayList<>();
            for (int t = 0; t < clip.frames(); t++) {
                out.add(rect(h, w, Math.min(w - 1, x0 + t), h / 8, Math.min(w, x0 + t + w / 2), h / 2 + 2 * t));
            }
            return out;
        };
        VideoReport r;
        try (PlantedAttentionExtractor extractor = PlantedAttentionExtractor.builder().grid(16, 16).blocks(4).build()) {
            r = Evaluator.evaluate(ds, RefAM.of(extractor), bands, EvalOptions.builder().videoPredictions(writer)
                    .build());
        }
        UnsupervisedScores files = new UnsupervisedScores();
        for (VideoEntry v : ds.videos()) {
            List<LabelMap> truth = new ArrayList<>();
            List<Integer> frames = new ArrayList<>();
            for (int t = 0; t < v.frames().size(); t++) {
                if (ds.annotation(v, t) != null) {
                    truth.add(ds.annotation(v, t));
                    frames.add(t);
                }
            }
            int objects = maxLabel(truth.get(0));
            for (int run = 0; run < 4; run++) {
                List<LabelMap> maps = new ArrayList<>();
                int proposals = 0;
                for (int t : frames) {
                    maps.add(IndexedPng.read(writer.file(run, v, t)));
                    proposals = Math.max(proposals, maxLabel(maps.get(maps.size() - 1)));
                }
                double[] j = new double[proposals * objects];
                double[] f = new double[proposals * objects];
                double[] emptyJ = new double[objects];
                double[] emptyF = new double[objects];
                for (int i = 0; i < truth.size(); i++) {
                    LabelMap gt = truth.get(i);
                    for (int g = 0; g < objects; g++) {
                        Mask object = gt.mask(g + 1);
                        Mask none = Mask.empty(gt.height(), gt.width());
                        emptyJ[g] += VideoMetrics.jaccard(none, object) / truth.size();
                        emptyF[g] += VideoMetrics.boundaryF(none, object) / truth.size();
                        for (int p = 0; p < proposals; p++) {
                            Mask m = maps.get(i).mask(p + 1);
                            j[p * objects + g] += VideoMetrics.jaccard(m, object) / truth.size();
                            f[p * objects + g] += VideoMetrics.boundaryF(m, object) / truth.size();
                        }
                    }
                }
                files.add(run, proposals, j, f, emptyJ, emptyF);
            }
        }
        UnsupervisedSummary expected = files.summary();
        UnsupervisedSummary got = r.protocol();
        assertThat(got.objects()).isEqualTo(expected.objects()).isEqualTo(12);
        assertThat(got.j()).isCloseTo(expected.j(), within(1e-12));
        assertThat(got.f()).isCloseTo(expected.f(), within(1e-12));
        assertThat(got.jf()).isBetween(0.05, 0.95);
        for (int run = 0; run < 4; run++) {
            assertThat(got.perRun().get(run).jf()).as("run %d", run)
                    .isCloseTo(expected.perRun().get(run).jf(), within(1e-12));
        }
    }

    /** The largest label of a map, 255 read as 0 (the DAVIS code's number of objects). */
    private static int maxLabel(LabelMap m) {
        int max = 0;
        for (byte b : m.labels()) {
            int v = b & 0xFF;
            max = v == 255 ? max : Math.max(max, v);
        }
        return max;
    }
}
