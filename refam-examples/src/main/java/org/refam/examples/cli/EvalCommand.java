package org.refam.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.refam.api.AttentionExtractor;
import org.refam.api.InvalidImageException;
import org.refam.api.Mask;
import org.refam.api.PointPrompt;
import org.refam.api.ProgressListener;
import org.refam.api.PromptableSegmenter;
import org.refam.api.RgbImage;
import org.refam.core.Backends;
import org.refam.core.RefAM;
import org.refam.core.RefAMConfig;
import org.refam.core.metrics.MetricsSummary;
import org.refam.core.sink.GlobalSinkHandler;
import org.refam.core.text.DefaultTokenFilter;
import org.refam.eval.DatasetFormatException;
import org.refam.eval.EvalOptions;
import org.refam.eval.Evaluator;
import org.refam.eval.Grounders;
import org.refam.eval.ImageDataset;
import org.refam.eval.ImageEntry;
import org.refam.eval.ImageGrounder;
import org.refam.eval.ImageReport;
import org.refam.eval.PaperNumbers;
import org.refam.eval.ReportTables;
import org.refam.eval.SampleEntry;
import org.refam.eval.SceneObject;
import org.refam.eval.Skip;
import org.refam.eval.VideoReport;
import org.refam.eval.VideoSegmenter;
import org.refam.eval.coco.RefCocoDataset;
import org.refam.eval.davis.DavisResults;
import org.refam.eval.davis.RefDavisDataset;
import org.refam.eval.metrics.UnsupervisedSummary;
import org.refam.eval.metrics.VideoSummary;
import org.refam.onnx.sam.Sam2VideoSegmenter;
import org.refam.examples.refshapes.Expression;
import org.refam.examples.refshapes.ObjectInstance;
import org.refam.examples.refshapes.RefShapesDataset;
import org.refam.examples.refshapes.RefShapesFormatException;
import org.refam.examples.refshapes.Scene;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code eval}: scores the pipeline on a benchmark and prints the table in the paper's layout next to the paper's
 * numbers (method.md section 3): RefCOCO, RefCOCO+, RefCOCOg (oIoU, mIoU, PA), Ref-DAVIS17 (J&F, J, F, PA), or a
 * RefShapes folder, where {@code --ablation} compares the pipeline's stages and two trivial baselines.
 *
 * <p>Per-sample results go to {@code OUT/results.jsonl} (one file per configuration with {@code --ablation}); an
 * interrupted run started again with the same options resumes after the last sample written. The table is saved as
 * {@code OUT/table.md} and the scores as {@code OUT/summary.json}. Progress with an ETA goes to stderr: a bar on a
 * terminal, throttled plain lines in logs ({@code --progress}).
 *
 * <p>Thread-safety: not thread-safe; picocli creates one instance per parse.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate on RefCOCO/RefCOCO+/RefCOCOg, Ref-DAVIS17 or a RefShapes folder; resumable.")
final class EvalCommand implements Callable<Integer> {
    /** The ablation rows, in order; the keys of --json. */
    static final List<String> ABLATION = List.of("raw", "withFilter", "withMagnets", "withSinks", "full",
            "randomObject", "imageCenter");

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "NAME|DIR",
            description = "refcoco, refcoco+, refcocog, refdavis, or a RefShapes folder.")
    String dataset;

    @Option(names = "--root", paramLabel = "DIR",
            description = "Data folder: REFER's data folder (with refcoco/, refcoco+/, refcocog/ and images/), or the "
                    + "Ref-DAVIS17 folder (with DAVIS/ and meta_expressions/).")
    Path root;

    @Option(names = "--split", paramLabel = "S",
            description = "val, testA, testB (unc), val, test (umd), val (refdavis, default).")
    String split;

    @Option(names = "--split-by", paramLabel = "BY",
            description = "refs(BY).p: unc (default for refcoco, refcoco+), umd (default for refcocog), google.")
    String splitBy;

    @Option(names = "--images", paramLabel = "DIR",
            description = "COCO train2014 images (default: ROOT/images/mscoco/images/train2014, ROOT/images/train2014 "
                    + "or ROOT/train2014).")
    Path images;

    @Option(names = "--sentence", paramLabel = "FIELD", defaultValue = "raw",
            description = "RefCOCO sentence text: raw or sent (lower case, no punctuation) (default: ${DEFAULT-VALUE}).")
    String sentence;

    @Option(names = "--expressions", paramLabel = "FILE",
            description = "Ref-DAVIS17 meta_expressions.json (default: ROOT/meta_expressions/valid/...).")
    Path expressions;

    @Option(names = "--annotations", paramLabel = "DIR", defaultValue = RefDavisDataset.DEFAULT_ANNOTATIONS,
            description = "DAVIS annotation folder under the DAVIS root (default: ${DEFAULT-VALUE}).")
    String annotations;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "-1",
            description = "Evaluate only the first N samples (default: all).")
    long limit;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder for results.jsonl, table.md and summary.json (default: eval-out/DATASET).")
    Path out;

    @Option(names = "--restart", description = "Discard earlier results in the output folder instead of resuming.")
    boolean restart;

    @Option(names = "--ablation",
            description = "RefShapes only: raw attention, + filtering, + magnets, + sinks, the full pipeline, and the "
                    + "random-object and image-centre baselines.")
    boolean ablation;

    @Option(names = "--json", description = "Print the scores as one JSON object keyed by configuration.")
    boolean json;

    @Option(names = "--baseline-seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the random-object baseline (default: ${DEFAULT-VALUE}).")
    long baselineSeed;

    @Option(names = "--model-frames", paramLabel = "N", defaultValue = "1",
            description = "Video: frames from the start the model sees, for video models (default: ${DEFAULT-VALUE}).")
    int modelFrames;

    @Option(names = "--save-predictions",
            description = "Ref-DAVIS17: also write the masks as DAVIS label maps, OUT/predictions/anno_0..3/VIDEO/"
                    + "FRAME.png (the objects of each annotation run merged as ReferFormer does), for the official "
                    + "DAVIS 2017 evaluation code.")
    boolean savePredictions;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "Progress on stderr: bar (redrawn in place), lines (plain lines, at most one per 10%% or "
                    + "30 s, for logs), auto (bar on a terminal, else lines) (default: ${DEFAULT-VALUE}).")
    ProgressOutput.Mode progress;

    @Mixin
    PipelineOptions pipeline;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws IOException {
        if (limit < -1) {
            throw new ParameterException(spec.commandLine(), "--limit must be >= 0, got " + limit);
        }
        String key = dataset.trim().toLowerCase(Locale.ROOT);
        boolean named = List.of("refcoco", "refcoco+", "refcocog", "refdavis").contains(key);
        if (!named && !Files.isRegularFile(Path.of(dataset).resolve("index.json"))) {
            throw new ParameterException(spec.commandLine(), "unknown dataset '" + dataset
                    + "': expected refcoco, refcoco+, refcocog, refdavis or a RefShapes folder (with index.json)");
        }
        if (ablation && named) {
            throw new ParameterException(spec.commandLine(), "--ablation needs a RefShapes folder as --dataset");
        }
        if (named && root == null) {
            throw new ParameterException(spec.commandLine(), "--dataset " + key + " needs --root");
        }
        if (named && !key.equals("refdavis") && split == null) {
            throw new ParameterException(spec.commandLine(), "--dataset " + key + " needs --split");
        }
        try (AttentionExtractor extractor = Backends.openExtractor(pipeline.backend, pipeline.extractorOptions());
             PipelineOptions.SegmenterHolder seg = pipeline.openSegmenter()) {
            modelLabel = extractor.info().label();
            if (key.equals("refdavis")) {
                return video(extractor, seg.segmenter);
            }
            ImageDataset ds = named ? refcoco(key) : refShapes(Path.of(dataset));
            return ablation ? ablation(ds, extractor, seg.segmenter) : images(key, ds, extractor, seg.segmenter);
        }
    }

    // ------------------------------------------------------------------------------------------------ image runs

    private int images(String key, ImageDataset ds, AttentionExtractor extractor, PromptableSegmenter seg)
            throws IOException {
        RefAMConfig config = pipeline.config(false).toBuilder().segmenter(seg).build();
        Path dir = outDir(ds.name());
        ImageReport r = Evaluator.evaluate(ds, Grounders.refam(new RefAM(extractor, config)),
                options(dir.resolve("results.jsonl"), ds.sampleCount(), describe(extractor, config)));
        String[] parts = ds.name().split("/");
        String title = parts.length == 3 ? displayName(parts[0]) + " " + parts[2] + " (" + parts[1] + ")" : ds.name();
        String table = ReportTables.image(title, r, parts.length == 3 ? PaperNumbers.oIoU(parts[0], parts[2])
                : java.util.OptionalDouble.empty());
        Map<String, ObjectNode> scores = new LinkedHashMap<>();
        scores.put("pipeline", imageScores(r));
        finish(dir, table, r.skipped(), scores, r.elapsed());
        return 0;
    }

    private int ablation(ImageDataset ds, AttentionExtractor extractor, PromptableSegmenter seg)
            throws IOException {
        RefAMConfig base = pipeline.config(false);
        RefAMConfig raw = common(RefAMConfig.raw().toBuilder(), base, seg).build();
        RefAMConfig filter = raw.toBuilder().tokenFilter(DefaultTokenFilter.standard()).build();
        RefAMConfig magnets = filter.toBuilder().magnets(true).build();
        RefAMConfig sinks = magnets.toBuilder().sinkHandler(GlobalSinkHandler.standard()).build();
        RefAMConfig full = common(RefAMConfig.defaults().toBuilder(), base, seg).build();
        Map<String, ImageGrounder> grounders = new LinkedHashMap<>();
        Map<String, String> runs = new LinkedHashMap<>();
        List<RefAMConfig> configs = List.of(raw, filter, magnets, sinks, full);
        for (int i = 0; i < configs.size(); i++) {
            grounders.put(ABLATION.get(i), Grounders.refam(new RefAM(extractor, configs.get(i))));
            runs.put(ABLATION.get(i), describe(extractor, configs.get(i)));
        }
        grounders.put("randomObject", Grounders.randomObject(baselineSeed));
        runs.put("randomObject", "random object centre, seed " + baselineSeed);
        grounders.put("imageCenter", Grounders.imageCentre());
        runs.put("imageCenter", "image centre");
        Path dir = outDir(ds.name() + "-ablation");
        Map<String, ImageReport> reports = new LinkedHashMap<>();
        Map<String, ObjectNode> scores = new LinkedHashMap<>();
        List<Skip> skips = new ArrayList<>();
        Duration elapsed = Duration.ZERO;
        for (Map.Entry<String, ImageGrounder> e : grounders.entrySet()) {
            ImageReport r = Evaluator.evaluate(ds, e.getValue(),
                    options(dir.resolve(e.getKey() + ".jsonl"), ds.sampleCount(), runs.get(e.getKey())));
            reports.put(e.getKey(), r);
            scores.put(e.getKey(), imageScores(r));
            r.skipped().stream().filter(s -> !skips.contains(s)).forEach(skips::add);
            elapsed = elapsed.plus(r.elapsed());
        }
        finish(dir, ReportTables.ablation("RefShapes " + ds.name(), reports), skips, scores, elapsed);
        return 0;
    }

    /** The pipeline options that every ablation row shares: blocks, sampling, smoothing, mask, truncation. */
    private static RefAMConfig.Builder common(RefAMConfig.Builder b, RefAMConfig base, PromptableSegmenter seg) {
        return b.blocks(base.blocks()).sampling(base.sampling()).smoothingSigma(base.smoothingSigma())
                .maskThreshold(base.maskThreshold()).truncate(base.truncate()).segmenter(seg);
    }

    private ImageDataset refcoco(String key) {
        Path dir = Files.isDirectory(root.resolve(key)) ? root.resolve(key) : root;
        String by = splitBy != null ? splitBy : key.equals("refcocog") ? "umd" : "unc";
        Path img = images;
        if (img == null) {
            List<Path> tried = List.of(root.resolve("images/mscoco/images/train2014"), root.resolve("images/train2014"),
                    root.resolve("train2014"));
            img = tried.stream().filter(Files::isDirectory).findFirst().orElseThrow(() ->
                    new ParameterException(spec.commandLine(), "no COCO train2014 folder found (tried " + tried
                            + "); give it with --images"));
        }
        RefCocoDataset.Sentence field;
        try {
            field = RefCocoDataset.Sentence.valueOf(sentence.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--sentence must be raw or sent, got '" + sentence + "'");
        }
        return RefCocoDataset.open(dir, by, split, img, field);
    }

    // ------------------------------------------------------------------------------------------------ video run

    private int video(AttentionExtractor extractor, PromptableSegmenter seg) throws IOException {
        String s = split == null ? "val" : split;
        Path davis = Files.isDirectory(root.resolve("DAVIS/JPEGImages")) ? root.resolve("DAVIS") : root;
        Path meta = expressions;
        if (meta == null) {
            List<Path> tried = new ArrayList<>();
            for (String sub : List.of("valid", "val", s)) {
                tried.add(root.resolve("meta_expressions").resolve(sub).resolve("meta_expressions.json"));
            }
            tried.add(root.resolve("meta_expressions.json"));
            meta = tried.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() ->
                    new ParameterException(spec.commandLine(), "no meta_expressions.json found (tried " + tried
                            + "); give it with --expressions"));
        }
        RefDavisDataset ds = RefDavisDataset.open(davis, meta, s, annotations);
        RefAMConfig config = pipeline.config(false).toBuilder().segmenter(seg).build();
        Path dir = outDir(ds.name());
        ProgressListener bar = progressBar(ds.sampleCount());
        VideoSegmenter videoSegmenter = videoSegmenter(seg, bar);
        Path predictions = dir.resolve("predictions");
        if (savePredictions && restart) {
            deleteTree(predictions);
        }
        EvalOptions o = EvalOptions.builder().results(dir.resolve("results.jsonl")).limit(limit).restart(restart)
                .run(describe(extractor, config) + " video=" + videoSegmenter.mode() + " modelFrames=" + modelFrames)
                .modelFrames(modelFrames).listener(bar)
                .videoPredictions(savePredictions ? new DavisResults(predictions) : null).build();
        VideoReport r;
        try {
            r = Evaluator.evaluate(ds, new RefAM(extractor, config), videoSegmenter, o);
        } finally {
            closeBar();
        }
        String table = ReportTables.video("Ref-DAVIS17 " + s, r) + "\nMasks: " + masksLine(videoSegmenter, seg) + "\n"
                + "Rows: the paper's numbers are computed as the '" + ReportTables.PROTOCOL_ROW + "' row (the objects of"
                + " each annotation run merged into one label map per frame, matched to the ground truth by a Hungarian"
                + " assignment); 'this run' scores each expression's mask against its own object (docs/evaluation.md)."
                + "\n";
        Map<String, ObjectNode> scores = new LinkedHashMap<>();
        VideoSummary v = r.metrics();
        ObjectNode n = JSON.createObjectNode();
        number(n, "jf", v.jf());
        number(n, "j", v.j());
        number(n, "f", v.f());
        number(n, "pointAccuracy", v.pointAccuracy());
        n.put("count", v.count());
        n.put("skipped", r.skippedSamples());
        UnsupervisedSummary p = r.protocol();
        ObjectNode pn = n.putObject("protocol");
        pn.put("name", ReportTables.PROTOCOL_ROW);
        number(pn, "jf", p.jf());
        number(pn, "j", p.j());
        number(pn, "f", p.f());
        pn.put("objects", p.objects());
        pn.put("sequences", p.sequences());
        pn.put("leftOut", p.leftOut());
        scores.put("pipeline", n);
        finish(dir, table, r.skipped(), scores, r.elapsed());
        return 0;
    }

    /**
     * SAM2 propagation when the segmenter is refam-onnx's {@link Sam2VideoSegmenter} (a {@code sam2:DIR} folder with
     * the four video graphs), else the first-frame copy baseline. The propagation stops when {@code cancel} cancels;
     * its per-frame progress is not shown (the bar counts samples).
     */
    static VideoSegmenter videoSegmenter(PromptableSegmenter seg, ProgressListener cancel) {
        if (!(seg instanceof Sam2VideoSegmenter v)) {
            return VideoSegmenter.firstFrameCopy();
        }
        ProgressListener frames = new ProgressListener() {
            @Override
            public void progress(String stage, long done, long total) {
                // per-frame progress is below the bar's resolution
            }

            @Override
            public boolean isCancelled() {
                return cancel.isCancelled();
            }
        };
        return VideoSegmenter.named(SAM2_PROPAGATION, (clip, point, first) -> v.propagate(clip.frames(), clip::frame,
                List.of(new PointPrompt(point.x(), point.y(), true)), frames));
    }

    /** Deletes {@code dir} and everything below it, if it exists (the predictions of an earlier run). */
    private static void deleteTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** The {@link VideoSegmenter#mode()} of {@link #videoSegmenter} with a {@link Sam2VideoSegmenter}. */
    static final String SAM2_PROPAGATION = "SAM2 propagation";

    /** The report's line on how the masks were made. */
    static String masksLine(VideoSegmenter video, PromptableSegmenter seg) {
        if (SAM2_PROPAGATION.equals(video.mode())) {
            return SAM2_PROPAGATION + ": the first frame's point tracked through each clip by " + seg
                    + " (memory of the first frame and the 6 most recent frames; docs/segmenters.md).";
        }
        return video.mode() + ": the first frame's mask copied to every frame" + (seg == null ? ""
                : " (" + seg.getClass().getSimpleName() + " has no video graphs)") + "; not comparable to the paper's"
                + " SAM2 numbers. For SAM2 propagation give --segmenter sam2:DIR with the four video graphs"
                + " (docs/segmenters.md).";
    }

    // ------------------------------------------------------------------------------------------------ output

    private Path outDir(String name) {
        return out != null ? out : Path.of("eval-out", name.replace("+", "plus").replace('/', '-'));
    }

    private ProgressOutput bar;
    /** The model's name and version, printed under every table: results are only comparable for the same weights. */
    private String modelLabel;

    private EvalOptions options(Path results, long samples, String run) {
        closeBar();
        return EvalOptions.builder().results(results).limit(limit).restart(restart).run(run)
                .listener(progressBar(limit < 0 ? samples : Math.min(limit, samples))).build();
    }

    /** Progress with ETA on stderr, started at the first report (resumed samples do not count for the ETA). */
    private ProgressListener progressBar(long total) {
        bar = ProgressOutput.open(progress, "eval", total, spec.commandLine().getErr());
        return bar;
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    private void finish(Path dir, String table, List<Skip> skips, Map<String, ObjectNode> scores, Duration elapsed)
            throws IOException {
        closeBar();
        Files.createDirectories(dir);
        table = table + "\nModel: " + modelLabel + "\n";
        String skipText = ReportTables.skips(skips, 10);
        Files.writeString(dir.resolve("table.md"), table + (skipText.isEmpty() ? "" : "\n" + skipText),
                StandardCharsets.UTF_8);
        ObjectNode all = JSON.createObjectNode();
        scores.forEach(all::set);
        JSON.writeValue(dir.resolve("summary.json").toFile(), all);
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(JSON.writeValueAsString(all));
        } else {
            o.print(table);
            if (!skipText.isEmpty()) {
                o.println();
                o.print(skipText);
            }
            o.printf(Locale.ROOT, "%nwrote %s, %s, %s (%.1f s)%n", dir.resolve("table.md"),
                    dir.resolve("summary.json"), dir, elapsed.toMillis() / 1000.0);
        }
        o.flush();
    }

    private static ObjectNode imageScores(ImageReport r) {
        MetricsSummary m = r.metrics();
        ObjectNode n = JSON.createObjectNode();
        number(n, "pointAccuracy", m.pointAccuracy());
        number(n, "mIoU", m.mIoU());
        number(n, "oIoU", m.oIoU());
        number(n, "precAt50", m.count() == 0 ? Double.NaN : m.precisionAt(0.5));
        n.put("count", m.count());
        n.put("skipped", r.skippedSamples());
        return n;
    }

    private static void number(ObjectNode n, String field, double v) {
        if (Double.isNaN(v)) {
            n.putNull(field);
        } else {
            n.put(field, v);
        }
    }

    private String describe(AttentionExtractor extractor, RefAMConfig config) {
        return "backend=" + extractor.info().name() + " version=" + extractor.info().version() + " model="
                + pipeline.model + " segmenter=" + pipeline.segmenter + " " + config.toBuilder().segmenter(null).build();
    }

    private static String displayName(String key) {
        return switch (key) {
            case "refcoco" -> "RefCOCO";
            case "refcoco+" -> "RefCOCO+";
            case "refcocog" -> "RefCOCOg";
            default -> key;
        };
    }

    // ------------------------------------------------------------------------------------------------ RefShapes

    private static ImageDataset refShapes(Path dir) {
        return new RefShapesImages(RefShapesDataset.open(dir));
    }

    /**
     * A RefShapes folder as an {@link ImageDataset}: one sample per referring expression (id {@code SCENE/eK}), the
     * target object's mask as ground truth, and every object (centre, mask) for the baselines.
     */
    static final class RefShapesImages implements ImageDataset {
        private final RefShapesDataset data;
        private final List<ImageEntry> entries;
        private final Map<String, Scene> scenes = new LinkedHashMap<>();

        RefShapesImages(RefShapesDataset data) {
            this.data = data;
            List<ImageEntry> list = new ArrayList<>();
            String index = data.root().resolve("index.json").toString();
            for (int i = 0; i < data.scenes().size(); i++) {
                Scene s = data.scenes().get(i);
                String record = index + " images[" + i + "] (id " + s.id() + ")";
                List<SampleEntry> samples = new ArrayList<>();
                for (int k = 0; k < s.expressions().size(); k++) {
                    Expression e = s.expressions().get(k);
                    samples.add(new SampleEntry(s.id() + "/e" + k, e.text(), Integer.toString(e.target()),
                            record + " expressions[" + k + "]"));
                }
                if (!samples.isEmpty()) {
                    list.add(new ImageEntry(s.id(), data.root().resolve(s.imageFile()), s.width(), s.height(), record,
                            samples));
                    scenes.put(s.id(), s);
                }
            }
            this.entries = List.copyOf(list);
        }

        @Override
        public String name() {
            Path f = data.root().getFileName();
            return "refshapes/" + (f == null ? data.split().id() : f.toString());
        }

        @Override
        public List<ImageEntry> images() {
            return entries;
        }

        @Override
        public List<Skip> problems() {
            return List.of();
        }

        @Override
        public RgbImage image(ImageEntry entry) {
            try {
                return data.image(scenes.get(entry.key()));
            } catch (RefShapesFormatException e) {
                throw new InvalidImageException(e.getMessage(), e);
            }
        }

        @Override
        public Mask groundTruth(ImageEntry entry, SampleEntry sample) {
            Scene s = scenes.get(entry.key());
            try {
                return data.mask(s, s.object(Integer.parseInt(sample.object())));
            } catch (RefShapesFormatException e) {
                throw new DatasetFormatException(e.getMessage(), e);
            }
        }

        @Override
        public List<SceneObject> objects(ImageEntry entry) {
            Scene s = scenes.get(entry.key());
            List<SceneObject> out = new ArrayList<>();
            for (ObjectInstance o : s.objects()) {
                try {
                    out.add(new SceneObject(Integer.toString(o.id()), o.centreX(), o.centreY(), data.mask(s, o)));
                } catch (RefShapesFormatException e) {
                    throw new DatasetFormatException(e.getMessage(), e);
                }
            }
            return out;
        }
    }
}
