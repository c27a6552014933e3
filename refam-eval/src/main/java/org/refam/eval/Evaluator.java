package org.refam.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.refam.api.CancelledException;
import org.refam.api.GroundingResult;
import org.refam.api.InvalidExpressionException;
import org.refam.api.InvalidImageException;
import org.refam.api.Mask;
import org.refam.api.PixelPoint;
import org.refam.api.ProgressListener;
import org.refam.api.PromptTooLongException;
import org.refam.api.RefAmException;
import org.refam.api.RgbImage;
import org.refam.core.RefAM;
import org.refam.core.metrics.SegmentationMetrics;
import org.refam.eval.metrics.UnsupervisedScores;
import org.refam.eval.metrics.VideoMetrics;
import org.refam.eval.metrics.VideoScores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a grounder over a data set and scores it (method.md sections 3 and 6).
 *
 * <p><b>Order and limit.</b> Samples are taken in data-set order; with a limit, only the first {@code limit} samples
 * count (a resumed run with the same limit finishes the same set). Scores are accumulated in that order whether a
 * sample was computed now or read back from the results file, so an interrupted and resumed run gives the same table
 * as an uninterrupted one.
 *
 * <p><b>Results file.</b> With {@link EvalOptions#results()} set, every sample is written as one JSON line as soon as
 * it is scored: images {@code {"type":"image","id","image","expression","point":[x,y],"hit","intersection","union",
 * "iou"}}, videos {@code {"type":"video","id","video","objId","annotator","kind","expression","frames","J","F",
 * "point","merged","hit"}} ({@code "merged"}: the annotation run, and the mean J and F over the frames of the sample's
 * mask merged into its run's label maps against every ground-truth object, plus those of an empty mask), and samples that could not be scored {@code {"type":"skip","id","file","record","reason"}}. A
 * later run with the same file skips the samples already there (skipped ones too: delete their lines to retry them).
 *
 * <p><b>Bad input.</b> Records the data set dropped while reading are reported as they are. During evaluation a
 * missing or unreadable image (or frame, or annotation) skips the samples that need it, an unusable expression
 * (empty, all tokens filtered, too long) or a ground truth that cannot be rasterised skips that sample; each skip names
 * the file and the record, is logged at WARN and is counted in the report. Model and backend failures are not
 * skipped: they end the run (what was written so far stays, and resuming continues after it).
 *
 * <p><b>Progress and cancellation.</b> The listener receives {@code ("evaluate", done, total)} after every sample
 * (resumed samples count as done from the start); when it asks to cancel, the evaluation throws
 * {@link CancelledException} after writing the sample in hand.
 *
 * <p>Thread-safety: stateless and thread-safe; one evaluation runs on the calling thread.
 */
public final class Evaluator {
    private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);
    private static final String STAGE = "evaluate";

    private Evaluator() {
    }

    /**
     * Evaluates an image data set.
     *
     * @throws CancelledException when the listener cancels
     * @throws RefAmException when the results file belongs to another run, or the grounder fails other than on a
     *     single sample
     */
    public static ImageReport evaluate(ImageDataset dataset, ImageGrounder grounder, EvalOptions options) {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(grounder, "grounder");
        Objects.requireNonNull(options, "options");
        long t0 = System.nanoTime();
        ProgressListener listener = options.listener();
        long total = limited(dataset.sampleCount(), options.limit());
        List<Skip> skips = new ArrayList<>(dataset.problems());
        long skippedSamples = dataset.problems().stream().mapToLong(Skip::samples).sum();
        SegmentationMetrics metrics = new SegmentationMetrics();
        long evaluated = 0;
        long resumed = 0;
        try (ResultsLog log = open(options, dataset.name())) {
            Map<String, JsonNode> done = log.done();
            List<String> ids = dataset.images().stream().flatMap(e -> e.samples().stream())
                    .map(SampleEntry::id).limit(total).toList();
            long alreadyDone = countDone(ids, done);
            resumed = countScored(ids, done);
            long progress = alreadyDone;
            listener.progress(STAGE, progress, total);
            long index = 0;
            for (ImageEntry entry : dataset.images()) {
                if (index >= total) {
                    break;
                }
                int take = (int) Math.min(entry.samples().size(), total - index);
                List<SampleEntry> inLimit = entry.samples().subList(0, take);
                index += take;
                List<SampleEntry> pending = inLimit.stream().filter(s -> !done.containsKey(s.id())).toList();
                if (!pending.isEmpty()) {
                    listener.checkCancelled(STAGE);
                    progress = groundImage(dataset, grounder, entry, pending, log, listener, progress, total);
                }
                for (SampleEntry s : inLimit) {
                    JsonNode r = done.get(s.id());
                    if ("image".equals(r.path("type").asText())) {
                        JsonNode hit = r.get("hit");
                        metrics.add(r.get("intersection").asLong(), r.get("union").asLong(),
                                hit == null || hit.isNull() ? null : hit.asBoolean());
                        evaluated++;
                    } else {
                        skips.add(skipOf(r));
                        skippedSamples++;
                    }
                }
            }
        }
        return new ImageReport(dataset.name(), metrics.summary(), evaluated, resumed, skips,
                skippedSamples, Duration.ofNanos(System.nanoTime() - t0));
    }

    private static long groundImage(ImageDataset dataset, ImageGrounder grounder, ImageEntry entry,
                                    List<SampleEntry> pending, ResultsLog log, ProgressListener listener,
                                    long progress, long total) {
        RgbImage image;
        try {
            image = dataset.image(entry);
        } catch (InvalidImageException e) {
            for (SampleEntry s : pending) {
                progress = writeSkip(log, s.id(), entry.file().toString(), entry.record() + ", " + s.record(),
                        e.getMessage(), listener, progress, total);
            }
            return progress;
        }
        List<Prediction> predictions = grounder.ground(dataset, entry, image, pending);
        if (predictions == null || predictions.size() != pending.size()) {
            throw new RefAmException("the grounder returned " + (predictions == null ? "null" : predictions.size())
                    + " predictions for " + pending.size() + " samples of " + entry.file());
        }
        for (int i = 0; i < pending.size(); i++) {
            SampleEntry s = pending.get(i);
            Prediction p = predictions.get(i);
            if (p.failed()) {
                progress = writeSkip(log, s.id(), entry.file().toString(), s.record(),
                        "cannot ground '" + s.expression() + "': " + p.failure(), listener, progress, total);
                continue;
            }
            Mask gt;
            try {
                gt = dataset.groundTruth(entry, s);
            } catch (DatasetFormatException e) {
                progress = writeSkip(log, s.id(), entry.file().toString(), s.record(), e.getMessage(), listener,
                        progress, total);
                continue;
            }
            Mask pred = p.mask();
            if (pred.width() != gt.width() || pred.height() != gt.height()) {
                throw new RefAmException("the grounder returned a " + pred.width() + "x" + pred.height()
                        + " mask for the " + gt.width() + "x" + gt.height() + " image " + entry.file());
            }
            long[] iu = intersectionAndUnion(pred, gt);
            PixelPoint pt = p.point();
            if (pt.x() < 0 || pt.y() < 0 || pt.x() >= gt.width() || pt.y() >= gt.height()) {
                throw new RefAmException("the grounder's point (" + pt.x() + ", " + pt.y() + ") lies outside the "
                        + gt.width() + "x" + gt.height() + " image " + entry.file());
            }
            ObjectNode r = ResultsLog.record();
            r.put("type", "image").put("id", s.id()).put("image", entry.file().getFileName().toString())
                    .put("expression", s.expression());
            r.putArray("point").add(pt.x()).add(pt.y());
            r.put("hit", gt.get(pt.x(), pt.y())).put("intersection", iu[0]).put("union", iu[1])
                    .put("iou", iu[1] == 0 ? 0.0 : (double) iu[0] / iu[1]);
            log.append(r);
            progress++;
            listener.progress(STAGE, progress, total);
            listener.checkCancelled(STAGE);
        }
        return progress;
    }

    /**
     * Evaluates a video data set: per sample, RefAM grounds the expression on the first frame (or the first
     * {@link EvalOptions#modelFrames()} frames for a video model), the segmenter turns the first frame's point and mask
     * into a mask per frame, and J and F are averaged over the frames that have an annotation. The report also holds
     * the scores of the protocol of the published Ref-DAVIS17 numbers ({@link VideoReport#protocol()}): the masks of
     * each annotation run merged into one label map per frame (the first object of the run keeps a contested pixel)
     * and scored as the DAVIS 2017 code's unsupervised task does ({@link UnsupervisedScores}). When a resumed run
     * continues inside a video, the samples of that video already written are grounded and segmented again (not
     * re-scored) to rebuild the merged maps.
     *
     * @param segmenter the video segmenter; {@link VideoSegmenter#firstFrameCopy()} for the baseline without one
     * @throws CancelledException when the listener cancels
     */
    public static VideoReport evaluate(VideoDataset dataset, RefAM refam, VideoSegmenter segmenter,
                                       EvalOptions options) {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(refam, "refam");
        Objects.requireNonNull(segmenter, "segmenter");
        Objects.requireNonNull(options, "options");
        long t0 = System.nanoTime();
        LOG.info("Video masks of {}: {}", dataset.name(), segmenter.mode());
        ProgressListener listener = options.listener();
        long total = limited(dataset.sampleCount(), options.limit());
        List<Skip> skips = new ArrayList<>(dataset.problems());
        long skippedSamples = dataset.problems().stream().mapToLong(Skip::samples).sum();
        VideoScores scores = new VideoScores();
        UnsupervisedScores protocol = new UnsupervisedScores();
        long evaluated = 0;
        long resumed;
        try (ResultsLog log = open(options, dataset.name())) {
            Map<String, JsonNode> done = log.done();
            List<String> ids = dataset.videos().stream().flatMap(v -> v.samples().stream())
                    .map(VideoSampleEntry::id).limit(total).toList();
            long alreadyDone = countDone(ids, done);
            resumed = countScored(ids, done);
            long progress = alreadyDone;
            listener.progress(STAGE, progress, total);
            long index = 0;
            for (VideoEntry video : dataset.videos()) {
                if (index >= total) {
                    break;
                }
                int take = (int) Math.min(video.samples().size(), total - index);
                List<VideoSampleEntry> inLimit = video.samples().subList(0, take);
                index += take;
                List<VideoSampleEntry> pending = inLimit.stream().filter(s -> !done.containsKey(s.id())).toList();
                if (!pending.isEmpty()) {
                    listener.checkCancelled(STAGE);
                    progress = groundVideo(dataset, refam, segmenter, video, work(inLimit, done), done, options, log,
                            listener, progress, total);
                }
                scoreRuns(video, inLimit, done, protocol);
                for (VideoSampleEntry s : inLimit) {
                    JsonNode r = done.get(s.id());
                    if ("video".equals(r.path("type").asText())) {
                        JsonNode hit = r.get("hit");
                        scores.add(r.get("annotator").asInt(), r.get("J").asDouble(), r.get("F").asDouble(),
                                hit == null || hit.isNull() ? null : hit.asBoolean());
                        evaluated++;
                    } else {
                        skips.add(skipOf(r));
                        skippedSamples++;
                    }
                }
            }
        }
        return new VideoReport(dataset.name(), scores.summary(), protocol.summary(), evaluated, resumed, skips,
                skippedSamples, Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * The samples of a video to run: those without a record, and those with a scored record that come before a sample
     * without one in the same annotation run (re-run, not re-scored, to rebuild the run's merged label maps after a
     * resume).
     */
    private static List<VideoSampleEntry> work(List<VideoSampleEntry> inLimit, Map<String, JsonNode> done) {
        List<VideoSampleEntry> out = new ArrayList<>();
        for (int i = 0; i < inLimit.size(); i++) {
            VideoSampleEntry s = inLimit.get(i);
            JsonNode r = done.get(s.id());
            boolean needed = r == null;
            if ("video".equals(r == null ? null : r.path("type").asText())) {
                for (int k = i + 1; k < inLimit.size() && !needed; k++) {
                    VideoSampleEntry later = inLimit.get(k);
                    needed = later.run() == s.run() && !done.containsKey(later.id());
                }
            }
            if (needed) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Scores the video's annotation runs under the DAVIS 2017 unsupervised protocol from the {@code "merged"} scores
     * of its records: one proposal per scored sample of the run, in data-set order; skipped samples are empty
     * proposals. A run with a sample inside the limit is scored; a video without merged scores (all samples skipped,
     * or records of an older version) is left out.
     */
    private static void scoreRuns(VideoEntry video, List<VideoSampleEntry> inLimit, Map<String, JsonNode> done,
                                  UnsupervisedScores protocol) {
        Map<Integer, List<JsonNode>> byRun = new TreeMap<>();
        JsonNode any = null;
        boolean missing = false;
        for (VideoSampleEntry s : inLimit) {
            JsonNode r = done.get(s.id());
            List<JsonNode> proposals = byRun.computeIfAbsent(s.run(), k -> new ArrayList<>());
            if ("video".equals(r.path("type").asText())) {
                JsonNode m = r.get("merged");
                if (m == null || !m.isObject()) {
                    missing = true;
                } else {
                    proposals.add(m);
                    any = m;
                }
            }
        }
        if (any == null || missing) {
            LOG.warn("{}: {} runs left out of the DAVIS 2017 unsupervised scores: {}", video.name(), byRun.size(),
                    any == null ? "no sample was scored" : "records without merged scores (an older results file; "
                            + "use --restart)");
            byRun.keySet().forEach(k -> protocol.leaveOut());
            return;
        }
        double[] emptyJ = doubles(any.get("emptyJ"));
        double[] emptyF = doubles(any.get("emptyF"));
        int g = emptyJ.length;
        for (Map.Entry<Integer, List<JsonNode>> e : byRun.entrySet()) {
            List<JsonNode> proposals = e.getValue();
            if (proposals.size() > UnsupervisedScores.MAX_PROPOSALS) {
                LOG.warn("{}: run {} left out of the DAVIS 2017 unsupervised scores: {} objects, the DAVIS code allows "
                        + "{}", video.name(), e.getKey(), proposals.size(), UnsupervisedScores.MAX_PROPOSALS);
                protocol.leaveOut();
                continue;
            }
            double[] j = new double[proposals.size() * g];
            double[] f = new double[proposals.size() * g];
            for (int p = 0; p < proposals.size(); p++) {
                System.arraycopy(doubles(proposals.get(p).get("J")), 0, j, p * g, g);
                System.arraycopy(doubles(proposals.get(p).get("F")), 0, f, p * g, g);
            }
            protocol.add(e.getKey(), proposals.size(), j, f, emptyJ, emptyF);
        }
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    private static void putDoubles(ObjectNode node, String field, double[] values) {
        ArrayNode a = node.putArray(field);
        for (double v : values) {
            a.add(v);
        }
    }

    private static long groundVideo(VideoDataset dataset, RefAM refam, VideoSegmenter segmenter, VideoEntry video,
                                    List<VideoSampleEntry> work, Map<String, JsonNode> done, EvalOptions options,
                                    ResultsLog log, ProgressListener listener, long progress, long total) {
        List<VideoSampleEntry> pending = work.stream().filter(s -> !done.containsKey(s.id())).toList();
        int n = video.frames().size();
        LabelMap[] annotations = new LabelMap[n];
        List<RgbImage> modelFrames = new ArrayList<>();
        String stage = "video " + video.name();
        try {
            for (int t = 0; t < n; t++) {
                annotations[t] = dataset.annotation(video, t);
            }
            int k = Math.min(n, refam.extractor().info().supportsVideo() ? options.modelFrames() : 1);
            for (int t = 0; t < k; t++) {
                modelFrames.add(dataset.frame(video, t));
            }
        } catch (DatasetFormatException | InvalidImageException e) {
            for (VideoSampleEntry s : pending) {
                progress = writeSkip(log, s.id(), video.name(), s.record(), e.getMessage(), listener, progress, total);
            }
            return progress;
        }
        RgbImage first = modelFrames.get(0);
        int annotated = 0;
        for (int t = 0; t < n; t++) {
            LabelMap a = annotations[t];
            if (a == null) {
                continue;
            }
            annotated++;
            if (a.width() != first.width() || a.height() != first.height()) {
                String reason = "the annotation of frame " + video.frames().get(t) + " is " + a.width() + "x"
                        + a.height() + " but the frames are " + first.width() + "x" + first.height();
                for (VideoSampleEntry s : pending) {
                    progress = writeSkip(log, s.id(), video.name(), s.record(), reason, listener, progress, total);
                }
                return progress;
            }
        }
        if (annotated == 0) {
            for (VideoSampleEntry s : pending) {
                progress = writeSkip(log, s.id(), video.name(), s.record(), "no frame of the video is annotated",
                        listener, progress, total);
            }
            return progress;
        }
        VideoSegmenter.Clip clip = new VideoSegmenter.Clip() {
            @Override
            public int frames() {
                return n;
            }

            @Override
            public int width() {
                return first.width();
            }

            @Override
            public int height() {
                return first.height();
            }

            @Override
            public RgbImage frame(int index) {
                return index < modelFrames.size() ? modelFrames.get(index) : dataset.frame(video, index);
            }
        };
        VideoPredictions predictions = options.videoPredictions();
        MergedRuns runs = new MergedRuns(annotations);
        double[][] empty = runs.empty();
        if (work.size() > pending.size()) {
            LOG.info("{}: running {} samples of an earlier run again to rebuild the merged label maps", video.name(),
                    work.size() - pending.size());
        }
        for (VideoSampleEntry s : work) {
            listener.checkCancelled(stage);
            boolean replay = done.containsKey(s.id());
            GroundingResult g;
            try {
                g = refam.ground(modelFrames, s.expression());
            } catch (InvalidExpressionException | PromptTooLongException e) {
                if (replay) {
                    continue;
                }
                if (predictions != null) {
                    predictions.accept(video, s, List.of(), first.height(), first.width());
                }
                progress = writeSkip(log, s.id(), video.name(), s.record(),
                        "cannot ground '" + s.expression() + "': " + e.getMessage(), listener, progress, total);
                continue;
            }
            List<Mask> masks = segmenter.segment(clip, g.peak(), g.mask());
            if (masks == null || masks.size() != n) {
                throw new RefAmException("the video segmenter returned " + (masks == null ? "null" : masks.size())
                        + " masks for the " + n + " frames of " + video.name());
            }
            double[][] merged = runs.add(s.run(), masks, !replay);
            if (replay) {
                continue;
            }
            if (predictions != null) {
                predictions.accept(video, s, masks, first.height(), first.width());
            }
            double jSum = 0;
            double fSum = 0;
            for (int t = 0; t < n; t++) {
                if (annotations[t] == null) {
                    continue;
                }
                Mask gt = annotations[t].mask(s.objectId());
                Mask pred = masks.get(t);
                jSum += VideoMetrics.jaccard(pred, gt);
                fSum += VideoMetrics.boundaryF(pred, gt);
            }
            PixelPoint pt = g.peak();
            ObjectNode r = ResultsLog.record();
            r.put("type", "video").put("id", s.id()).put("video", video.name()).put("objId", s.objectId())
                    .put("annotator", s.annotator()).put("kind", s.kind()).put("expression", s.expression())
                    .put("frames", annotated).put("J", jSum / annotated).put("F", fSum / annotated);
            r.putArray("point").add(pt.x()).add(pt.y());
            ObjectNode m = r.putObject("merged");
            m.put("run", s.run());
            putDoubles(m, "J", merged[0]);
            putDoubles(m, "F", merged[1]);
            putDoubles(m, "emptyJ", empty[0]);
            putDoubles(m, "emptyF", empty[1]);
            if (annotations[0] == null) {
                r.putNull("hit");
            } else {
                r.put("hit", (annotations[0].labels()[pt.y() * first.width() + pt.x()] & 0xFF) == s.objectId());
            }
            log.append(r);
            progress++;
            listener.progress(STAGE, progress, total);
            listener.checkCancelled(STAGE);
        }
        return progress;
    }

    // ----------------------------------------------------------------------------------------------------------

    private static ResultsLog open(EvalOptions options, String dataset) {
        return options.results() == null ? ResultsLog.inMemory()
                : ResultsLog.open(options.results(), dataset, options.run(), options.restart());
    }

    private static long limited(long count, long limit) {
        return limit < 0 ? count : Math.min(count, limit);
    }

    private static long countDone(List<String> ids, Map<String, JsonNode> done) {
        long n = 0;
        for (String id : ids) {
            if (done.containsKey(id)) {
                n++;
            }
        }
        return n;
    }

    /** How many of {@code ids} have a scored (not skipped) record in {@code done}. */
    private static long countScored(List<String> ids, Map<String, JsonNode> done) {
        long n = 0;
        for (String id : ids) {
            JsonNode r = done.get(id);
            if (r != null && !"skip".equals(r.path("type").asText())) {
                n++;
            }
        }
        return n;
    }

    private static long writeSkip(ResultsLog log, String id, String file, String record, String reason,
                                  ProgressListener listener, long progress, long total) {
        LOG.warn("skipping {}: {} {}: {}", id, file, record, reason);
        ObjectNode r = ResultsLog.record();
        r.put("type", "skip").put("id", id).put("file", file).put("record", record).put("reason", reason);
        log.append(r);
        progress++;
        listener.progress(STAGE, progress, total);
        listener.checkCancelled(STAGE);
        return progress;
    }

    private static Skip skipOf(JsonNode r) {
        return new Skip(r.path("id").asText(), 1, r.path("file").asText(), r.path("record").asText(),
                r.path("reason").asText());
    }

    /** {I, U} of two same-sized masks, in pixels. */
    private static long[] intersectionAndUnion(Mask a, Mask b) {
        boolean[] p = a.data();
        boolean[] g = b.data();
        long inter = 0;
        long union = 0;
        for (int k = 0; k < p.length; k++) {
            if (p[k] & g[k]) {
                inter++;
            }
            if (p[k] | g[k]) {
                union++;
            }
        }
        return new long[] {inter, union};
    }
}
