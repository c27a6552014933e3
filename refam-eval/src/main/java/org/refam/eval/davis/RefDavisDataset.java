package org.refam.eval.davis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.refam.api.RgbImage;
import org.refam.core.image.Images;
import org.refam.eval.DatasetFormatException;
import org.refam.eval.LabelMap;
import org.refam.eval.Skip;
import org.refam.eval.VideoDataset;
import org.refam.eval.VideoEntry;
import org.refam.eval.VideoSampleEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ref-DAVIS17: the DAVIS 2017 folder layout plus the referring expressions of Khoreva et al. in the
 * {@code meta_expressions.json} form that the referring-video works (ReferFormer and its successors) use.
 *
 * <pre>
 * DAVIS/JPEGImages/480p/VIDEO/00000.jpg          frames
 * DAVIS/Annotations/480p/VIDEO/00000.png         palette PNGs, pixel value = object id (0 background)
 * DAVIS/ImageSets/2017/val.txt                   the split's videos (optional: without it every video of the
 *                                                expression file is evaluated)
 * meta_expressions.json  {"videos": {VIDEO: {"expressions": {"0": {"exp": "...", "obj_id": "1"}, ...},
 *                                            "frames": ["00000", ...]}}}
 * </pre>
 *
 * <p><b>Annotators.</b> The expression file does not name annotators. It is built by visiting the objects of a video
 * in order and writing, per object, four expressions with consecutive ids: annotator 1 first-frame, annotator 1
 * full-video, annotator 2 first-frame, annotator 2 full-video (ReferFormer's {@code convert_davis_to_ytvos.py}; its
 * inference reads them back the same way, expression {@code 4 k + a} being annotation run {@code a} of object k). So
 * with the expression ids sorted numerically, the expression at position p of its video is by annotator
 * {@code (p mod 4) / 2 + 1} and of kind {@code first-frame} when p is even, {@code full-video} when odd. A video whose
 * expression count is not a multiple of 4, or whose groups of four do not share an object id, is listed in
 * {@link #problems()} and left out.
 *
 * <p><b>Ground truth.</b> Frame t of object k is the set of pixels with value k in the annotation of frame t;
 * frames without an annotation file are not scored. Value 255 counts as background (the DAVIS 2017 code does the same
 * before its void handling). The default annotation folder is {@code Annotations/480p} (the semi-supervised
 * annotations); ReferFormer's conversion copies {@code Annotations_unsupervised/480p} instead, and its evaluation
 * ({@code eval_davis.py} with its default task, unsupervised) merges the objects of each annotation run into one
 * label map per frame and matches them to the ground truth by a Hungarian assignment. {@link org.refam.eval.Evaluator}
 * reports both: each expression's mask scored against its own object, and that protocol's scores
 * ({@link org.refam.eval.VideoReport#protocol()}; docs/evaluation.md).
 *
 * <p>Thread-safety: immutable and thread-safe; frames and annotations are decoded on each call.
 */
public final class RefDavisDataset implements VideoDataset {
    private static final Logger LOG = LoggerFactory.getLogger(RefDavisDataset.class);

    /** The default annotation folder under the DAVIS root. */
    public static final String DEFAULT_ANNOTATIONS = "Annotations/480p";

    private final String name;
    private final Path framesDir;
    private final Path annotationsDir;
    private final List<VideoEntry> videos;
    private final List<Skip> problems;

    private RefDavisDataset(String name, Path framesDir, Path annotationsDir, List<VideoEntry> videos,
                            List<Skip> problems) {
        this.name = name;
        this.framesDir = framesDir;
        this.annotationsDir = annotationsDir;
        this.videos = List.copyOf(videos);
        this.problems = List.copyOf(problems);
    }

    /**
     * Opens a split with the default annotation folder.
     *
     * @param davisRoot the DAVIS folder (with {@code JPEGImages/480p} and the annotations)
     * @param expressions the {@code meta_expressions.json} file
     * @param split the DAVIS split ({@code val}); selects {@code ImageSets/2017/SPLIT.txt} when it exists
     * @throws DatasetFormatException if a folder or the expression file is missing, or the file is truncated or not
     *     JSON or not of the expected shape, naming the file and the record
     */
    public static RefDavisDataset open(Path davisRoot, Path expressions, String split) {
        return open(davisRoot, expressions, split, DEFAULT_ANNOTATIONS);
    }

    /** As {@link #open(Path, Path, String)} with the annotation folder {@code annotations} relative to the root. */
    public static RefDavisDataset open(Path davisRoot, Path expressions, String split, String annotations) {
        Objects.requireNonNull(davisRoot, "davisRoot");
        Objects.requireNonNull(expressions, "expressions");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(annotations, "annotations");
        Path framesDir = davisRoot.resolve("JPEGImages").resolve("480p");
        Path annDir = davisRoot.resolve(annotations);
        if (!Files.isDirectory(framesDir)) {
            throw new DatasetFormatException("DAVIS frames folder " + framesDir + " does not exist");
        }
        if (!Files.isDirectory(annDir)) {
            throw new DatasetFormatException("DAVIS annotation folder " + annDir + " does not exist");
        }
        if (!Files.isRegularFile(expressions)) {
            throw new DatasetFormatException("expression file " + expressions + " does not exist");
        }
        JsonNode top;
        try {
            top = new ObjectMapper().readTree(expressions.toFile());
        } catch (JsonProcessingException e) {
            throw new DatasetFormatException("expression file " + expressions + " is truncated or malformed at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new DatasetFormatException("cannot read expression file " + expressions + ": " + e.getMessage(), e);
        }
        String file = expressions.toString();
        JsonNode vids = top == null ? null : top.get("videos");
        if (vids == null || !vids.isObject()) {
            throw new DatasetFormatException(file + ": expected {\"videos\": {...}} at the top level");
        }
        List<Skip> problems = new ArrayList<>();
        Set<String> wanted = splitList(davisRoot, split);
        List<VideoEntry> videos = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = vids.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String video = e.getKey();
            if (wanted != null && !wanted.contains(video)) {
                continue;
            }
            seen.add(video);
            VideoEntry v = video(video, e.getValue(), file, framesDir, problems);
            if (v != null) {
                videos.add(v);
            }
        }
        if (wanted != null) {
            for (String v : wanted) {
                if (!seen.contains(v)) {
                    problems.add(new Skip(null, 0, file, "videos", "video " + v + " of split " + split
                            + " has no expressions"));
                }
            }
        }
        String name = "refdavis/" + split;
        LOG.info("{}: {} samples in {} videos, {} problems", name,
                videos.stream().mapToInt(v -> v.samples().size()).sum(), videos.size(), problems.size());
        return new RefDavisDataset(name, framesDir, annDir, videos, problems);
    }

    private static Set<String> splitList(Path davisRoot, String split) {
        Path list = davisRoot.resolve("ImageSets").resolve("2017").resolve(split + ".txt");
        if (!Files.isRegularFile(list)) {
            return null;
        }
        try {
            Set<String> out = new LinkedHashSet<>();
            for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(line.trim());
                }
            }
            return out;
        } catch (IOException e) {
            throw new DatasetFormatException("cannot read split list " + list + ": " + e.getMessage(), e);
        }
    }

    private static VideoEntry video(String video, JsonNode v, String file, Path framesDir, List<Skip> problems) {
        String where = "videos." + video;
        JsonNode exps = v == null ? null : v.get("expressions");
        if (exps == null || !exps.isObject()) {
            problems.add(new Skip(null, 0, file, where, "no 'expressions' object"));
            return null;
        }
        TreeMap<Long, JsonNode> byId = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = exps.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                byId.put(Long.parseLong(e.getKey()), e.getValue());
            } catch (NumberFormatException ex) {
                problems.add(new Skip(video + "/" + e.getKey(), exps.size(), file, where + ".expressions."
                        + e.getKey(), "expression id is not a number; annotators cannot be told apart, the video is"
                        + " left out"));
                return null;
            }
        }
        int n = byId.size();
        String first = n == 0 ? null : video + "/" + byId.firstKey();
        List<JsonNode> ordered = new ArrayList<>(byId.values());
        List<Long> ids = new ArrayList<>(byId.keySet());
        if (n == 0 || n % 4 != 0) {
            problems.add(new Skip(first, n, file, where, n + " expressions, not a multiple of 4 (two annotators x"
                    + " first-frame and full-video per object); annotators cannot be told apart, the video is left out"));
            return null;
        }
        List<VideoSampleEntry> samples = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            JsonNode e = ordered.get(p);
            String at = where + ".expressions." + ids.get(p);
            JsonNode exp = e == null ? null : e.get("exp");
            JsonNode obj = e == null ? null : e.get("obj_id");
            Integer objId = null;
            if (obj != null && (obj.isTextual() || obj.isIntegralNumber())) {
                try {
                    objId = Integer.parseInt(obj.asText().trim());
                } catch (NumberFormatException ex) {
                    objId = null;
                }
            }
            if (exp == null || !exp.isTextual() || objId == null || objId < 1 || objId > 255) {
                problems.add(new Skip(first, n, file, at, "needs a text 'exp' and an 'obj_id' in 1..255, got " + e
                        + "; the video is left out"));
                return null;
            }
            int groupStart = p - p % 4;
            if (p % 4 != 0 && !ordered.get(groupStart).path("obj_id").asText().trim().equals(obj.asText().trim())) {
                problems.add(new Skip(first, n, file, at, "obj_id " + obj.asText() + " differs from the obj_id "
                        + ordered.get(groupStart).path("obj_id").asText() + " of expression " + ids.get(groupStart)
                        + ": the four expressions of an object must be consecutive; the video is left out"));
                return null;
            }
            samples.add(new VideoSampleEntry(video + "/" + ids.get(p), exp.asText(), objId, (p % 4) / 2 + 1,
                    p % 2 == 0 ? "first-frame" : "full-video", file + " " + at));
        }
        List<String> frames = new ArrayList<>();
        JsonNode fr = v.get("frames");
        if (fr != null && fr.isArray() && !fr.isEmpty()) {
            for (JsonNode f : fr) {
                frames.add(f.asText());
            }
        } else {
            Path dir = framesDir.resolve(video);
            try (Stream<Path> s = Files.list(dir)) {
                s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".jpg")).sorted()
                        .forEach(f -> frames.add(f.substring(0, f.length() - 4)));
            } catch (IOException ex) {
                problems.add(new Skip(first, n, dir.toString(), "", "no 'frames' in " + where
                        + " and the frames folder cannot be listed: " + ex.getMessage()));
                return null;
            }
            if (frames.isEmpty()) {
                problems.add(new Skip(first, n, dir.toString(), "", "no 'frames' in " + where
                        + " and no .jpg frames in the folder"));
                return null;
            }
        }
        return new VideoEntry(video, frames, file + " " + where, samples);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<VideoEntry> videos() {
        return videos;
    }

    @Override
    public List<Skip> problems() {
        return problems;
    }

    /** The frame file of frame {@code index}. */
    public Path frameFile(VideoEntry video, int index) {
        return framesDir.resolve(video.name()).resolve(video.frames().get(index) + ".jpg");
    }

    /** The annotation file of frame {@code index} (it may not exist). */
    public Path annotationFile(VideoEntry video, int index) {
        return annotationsDir.resolve(video.name()).resolve(video.frames().get(index) + ".png");
    }

    @Override
    public RgbImage frame(VideoEntry video, int index) {
        return Images.read(frameFile(video, index));
    }

    @Override
    public LabelMap annotation(VideoEntry video, int index) {
        Path f = annotationFile(video, index);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        return IndexedPng.read(f);
    }
}
