package org.refam.eval.coco;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.refam.api.InvalidImageException;
import org.refam.api.Mask;
import org.refam.api.RgbImage;
import org.refam.core.image.Images;
import org.refam.eval.DatasetFormatException;
import org.refam.eval.ImageDataset;
import org.refam.eval.ImageEntry;
import org.refam.eval.SampleEntry;
import org.refam.eval.Skip;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A split of RefCOCO, RefCOCO+ or RefCOCOg read from the files as the REFER toolkit distributes them (method.md
 * section 6): {@code refs(SPLITBY).p}, a Python pickle holding a list of refs ({@code ref_id}, {@code ann_id},
 * {@code image_id}, {@code split}, {@code sentences} [{@code sent_id}, {@code raw}, {@code sent}, {@code tokens}]),
 * and COCO's {@code instances.json} with the referred objects' polygons or RLE, plus the COCO train2014 images from a
 * folder. Splits: {@code val}, {@code testA}, {@code testB} for RefCOCO and RefCOCO+ (split by {@code unc});
 * {@code val}, {@code test} for RefCOCOg (split by {@code umd}); {@code train} for all.
 *
 * <p>One sample per (ref, sentence), id {@code ref<ref_id>-sent<sent_id>}, grouped by image in order of first
 * appearance in the pickle. The expression is the sentence's {@code raw} text by default ({@link Sentence#SENT} takes
 * the toolkit's lower-cased, punctuation-free {@code sent}); when the chosen field is absent the other one is used.
 *
 * <p>The ground truth is the annotation's mask, rasterised as the COCO API does (see {@code CocoMasks}): polygons
 * with {@code rleFrPoly} and their union; a first "polygon" of exactly four numbers makes the list a list of boxes
 * {@code [x, y, w, h]} as in pycocotools' {@code frPyObjects}; uncompressed RLE (a list of counts) and compressed RLE
 * (a string) are decoded column-major. Differences from pycocotools: a polygon list whose first polygon has fewer than
 * four numbers, or an empty list, is reported as a bad record (pycocotools raises); an empty polygon after the first
 * contributes nothing (pycocotools reads uninitialised memory); an RLE whose {@code size} differs from the image is a
 * bad record (pycocotools would decode it at its own size).
 *
 * <p>Bad records do not stop the reading: a ref with a missing field, a ref whose annotation is not in
 * {@code instances.json}, an annotation that references an image that is not in {@code instances.json}, a ref and
 * annotation that disagree on the image: each is listed in {@link #problems()} with the file, the record and the number
 * of samples it removed. A missing image file or a malformed segmentation is found when the sample is evaluated, and
 * the evaluation skips it with the same details. Truncated or non-parsable files throw
 * {@link DatasetFormatException} naming the file.
 *
 * <p>Thread-safety: immutable and thread-safe; images and masks are decoded on each call.
 */
public final class RefCocoDataset implements ImageDataset {
    private static final Logger LOG = LoggerFactory.getLogger(RefCocoDataset.class);

    /** Which text of a sentence record becomes the expression. */
    public enum Sentence {
        /** The sentence as the annotator typed it ({@code raw}). */
        RAW("raw"),
        /** The toolkit's normalised sentence ({@code sent}: lower case, no punctuation). */
        SENT("sent");

        private final String field;

        Sentence(String field) {
            this.field = field;
        }

        String field() {
            return field;
        }
    }

    private final String name;
    private final Path refsFile;
    private final Path imagesDir;
    private final CocoInstances instances;
    private final List<ImageEntry> images;
    private final List<Skip> problems;

    private RefCocoDataset(String name, Path refsFile, Path imagesDir, CocoInstances instances,
                           List<ImageEntry> images, List<Skip> problems) {
        this.name = name;
        this.refsFile = refsFile;
        this.imagesDir = imagesDir;
        this.instances = instances;
        this.images = List.copyOf(images);
        this.problems = List.copyOf(problems);
    }

    /**
     * Opens a split with the {@code raw} sentences.
     *
     * @param datasetDir the folder with {@code refs(SPLITBY).p} and {@code instances.json} (REFER's
     *     {@code data/refcoco}, {@code data/refcoco+}, {@code data/refcocog})
     * @param splitBy {@code unc}, {@code umd} or {@code google}: selects {@code refs(SPLITBY).p}
     * @param split the split to evaluate ({@code val}, {@code testA}, ...)
     * @param imagesDir the COCO train2014 images
     * @throws DatasetFormatException if a file is missing, truncated or malformed, or no ref has this split (the
     *     message lists the splits the file has)
     */
    public static RefCocoDataset open(Path datasetDir, String splitBy, String split, Path imagesDir) {
        return open(datasetDir, splitBy, split, imagesDir, Sentence.RAW);
    }

    /** As {@link #open(Path, String, String, Path)}, choosing the sentence text. */
    public static RefCocoDataset open(Path datasetDir, String splitBy, String split, Path imagesDir,
                                      Sentence sentence) {
        Objects.requireNonNull(datasetDir, "datasetDir");
        Objects.requireNonNull(splitBy, "splitBy");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(imagesDir, "imagesDir");
        Objects.requireNonNull(sentence, "sentence");
        Path refsFile = datasetDir.resolve("refs(" + splitBy + ").p");
        Path instancesFile = datasetDir.resolve("instances.json");
        if (!Files.isDirectory(imagesDir)) {
            throw new DatasetFormatException("the COCO images folder " + imagesDir + " does not exist");
        }
        List<?> refs = RefsPickle.readList(refsFile);
        String file = refsFile.toString();
        List<Skip> problems = new ArrayList<>();
        List<Ref> selected = new ArrayList<>();
        Set<String> splits = new TreeSet<>();
        for (int i = 0; i < refs.size(); i++) {
            Ref r = Ref.parse(refs.get(i), i, file, sentence, problems);
            if (r == null) {
                continue;
            }
            splits.add(r.split);
            if (r.split.equals(split)) {
                selected.add(r);
            }
        }
        if (selected.isEmpty()) {
            throw new DatasetFormatException(file + " has no ref in split '" + split + "'; its splits are " + splits);
        }
        Set<Long> annIds = new HashSet<>();
        for (Ref r : selected) {
            annIds.add(r.annId);
        }
        CocoInstances instances = CocoInstances.read(instancesFile, annIds);
        problems.addAll(instances.problems());
        String inst = instancesFile.toString();

        Map<Long, List<SampleEntry>> byImage = new LinkedHashMap<>();
        Map<Long, CocoInstances.Image> imageRecords = new HashMap<>();
        for (Ref r : selected) {
            int n = r.sentences.size();
            String first = n == 0 ? null : r.sampleId(0);
            CocoInstances.Annotation a = instances.annotation(r.annId);
            if (a == null) {
                problems.add(new Skip(first, n, file, r.where, "annotation " + r.annId + " is not in " + inst));
                continue;
            }
            if (a.imageId() == null) {
                problems.add(new Skip(first, n, inst, a.where(), "the annotation has no integer 'image_id'"));
                continue;
            }
            CocoInstances.Image img = instances.image(a.imageId());
            if (img == null) {
                problems.add(new Skip(first, n, inst, a.where(), "the annotation references image " + a.imageId()
                        + ", which is not in the file's 'images' (" + r.where + " of " + file + ")"));
                continue;
            }
            if (r.imageId != a.imageId()) {
                problems.add(new Skip(first, n, file, r.where, "the ref says image " + r.imageId
                        + " but its annotation " + r.annId + " lies on image " + a.imageId()));
                continue;
            }
            imageRecords.put(img.id(), img);
            List<SampleEntry> samples = byImage.computeIfAbsent(img.id(), k -> new ArrayList<>());
            for (int s = 0; s < n; s++) {
                RefSentence rs = r.sentences.get(s);
                samples.add(new SampleEntry(r.sampleId(s), rs.text, Long.toString(r.annId),
                        file + " " + r.where + " sentence " + rs.sentId));
            }
        }
        List<ImageEntry> images = new ArrayList<>(byImage.size());
        for (Map.Entry<Long, List<SampleEntry>> e : byImage.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            CocoInstances.Image img = imageRecords.get(e.getKey());
            images.add(new ImageEntry("coco:" + img.id(), imagesDir.resolve(img.fileName()), img.width(),
                    img.height(), inst + " " + img.where(), e.getValue()));
        }
        String dataset = datasetDir.toAbsolutePath().normalize().getFileName() == null ? "refcoco"
                : datasetDir.toAbsolutePath().normalize().getFileName().toString().toLowerCase(Locale.ROOT);
        String name = dataset + "/" + splitBy + "/" + split;
        long samples = images.stream().mapToLong(i -> i.samples().size()).sum();
        LOG.info("{}: {} samples on {} images, {} problems", name, samples, images.size(), problems.size());
        return new RefCocoDataset(name, refsFile, imagesDir, instances, images, problems);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<ImageEntry> images() {
        return images;
    }

    @Override
    public List<Skip> problems() {
        return problems;
    }

    /** The refs pickle the split was read from. */
    public Path refsFile() {
        return refsFile;
    }

    /** The COCO images folder. */
    public Path imagesDir() {
        return imagesDir;
    }

    @Override
    public RgbImage image(ImageEntry entry) {
        RgbImage img = Images.read(entry.file());
        if (img.width() != entry.width() || img.height() != entry.height()) {
            throw new InvalidImageException("image " + entry.file() + " is " + img.width() + "x" + img.height()
                    + " but " + entry.record() + " declares " + entry.width() + "x" + entry.height());
        }
        return img;
    }

    @Override
    public Mask groundTruth(ImageEntry entry, SampleEntry sample) {
        long annId = Long.parseLong(sample.object());
        CocoInstances.Annotation a = instances.annotation(annId);
        String where = instances.file() + " " + (a == null ? "annotation " + annId : a.where());
        if (a == null) {
            throw new DatasetFormatException(where + ": not in the file");
        }
        int h = entry.height();
        int w = entry.width();
        boolean[] out = new boolean[h * w];
        try {
            rasterise(a.segmentation(), h, w, out);
        } catch (IllegalArgumentException e) {
            throw new DatasetFormatException(where + ": bad segmentation: " + e.getMessage(), e);
        }
        return new Mask(h, w, out);
    }

    /** Rasterises a COCO segmentation into {@code out} (row-major h x w). */
    static void rasterise(JsonNode seg, int h, int w, boolean[] out) {
        if (seg == null || seg.isNull()) {
            throw new IllegalArgumentException("no 'segmentation'");
        }
        if (seg.isArray()) {
            if (seg.isEmpty()) {
                throw new IllegalArgumentException("an empty polygon list");
            }
            double[] first = numbers(seg.get(0), 0);
            if (first.length == 4) {
                for (int i = 0; i < seg.size(); i++) {
                    double[] box = numbers(seg.get(i), i);
                    if (box.length != 4) {
                        throw new IllegalArgumentException("boxes: entry " + i + " has " + box.length
                                + " numbers, expected 4 (the first entry has 4, so pycocotools reads all as boxes)");
                    }
                    CocoMasks.decodeInto(CocoMasks.boxCounts(box, h, w), h, w, out);
                }
            } else if (first.length < 4) {
                throw new IllegalArgumentException("polygon 0 has " + first.length
                        + " numbers; a polygon needs at least 3 points (pycocotools rejects it)");
            } else {
                for (int i = 0; i < seg.size(); i++) {
                    CocoMasks.decodeInto(CocoMasks.polygonCounts(numbers(seg.get(i), i), h, w), h, w, out);
                }
            }
            return;
        }
        if (seg.isObject()) {
            JsonNode size = seg.get("size");
            JsonNode counts = seg.get("counts");
            if (size == null || !size.isArray() || size.size() != 2 || !size.get(0).canConvertToInt()
                    || !size.get(1).canConvertToInt() || counts == null) {
                throw new IllegalArgumentException("an RLE needs 'size' [h, w] and 'counts', got " + abbreviate(seg));
            }
            int rh = size.get(0).asInt();
            int rw = size.get(1).asInt();
            if (rh != h || rw != w) {
                throw new IllegalArgumentException("the RLE is " + rh + "x" + rw + " (HxW) but the image is " + h + "x"
                        + w);
            }
            int[] c;
            if (counts.isTextual()) {
                c = CocoMasks.countsFromString(counts.asText());
            } else if (counts.isArray()) {
                c = new int[counts.size()];
                for (int i = 0; i < c.length; i++) {
                    JsonNode v = counts.get(i);
                    if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0
                            || v.asLong() > Integer.MAX_VALUE) {
                        throw new IllegalArgumentException("RLE count " + i + " is " + v
                                + ", expected a non-negative integer");
                    }
                    c[i] = v.asInt();
                }
            } else {
                throw new IllegalArgumentException("RLE 'counts' is neither a string nor a list: " + abbreviate(counts));
            }
            CocoMasks.decodeInto(c, h, w, out);
            return;
        }
        throw new IllegalArgumentException("a segmentation must be a list of polygons or an RLE object, got "
                + abbreviate(seg));
    }

    private static double[] numbers(JsonNode poly, int index) {
        if (poly == null || !poly.isArray()) {
            throw new IllegalArgumentException("polygon " + index + " is not a list of numbers: " + abbreviate(poly));
        }
        double[] xy = new double[poly.size()];
        for (int i = 0; i < xy.length; i++) {
            JsonNode v = poly.get(i);
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw new IllegalArgumentException("polygon " + index + " value " + i + " is " + v
                        + ", expected a number");
            }
            xy[i] = v.asDouble();
        }
        return xy;
    }

    private static String abbreviate(JsonNode n) {
        String s = String.valueOf(n);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    // ----------------------------------------------------------------------------------------------------------

    /** A sentence of a ref: id and the chosen text. */
    private record RefSentence(long sentId, String text) {
    }

    /** A ref record of the pickle, checked. */
    private static final class Ref {
        final long refId;
        final long annId;
        final long imageId;
        final String split;
        final List<RefSentence> sentences;
        final String where;

        private Ref(long refId, long annId, long imageId, String split, List<RefSentence> sentences, String where) {
            this.refId = refId;
            this.annId = annId;
            this.imageId = imageId;
            this.split = split;
            this.sentences = sentences;
            this.where = where;
        }

        String sampleId(int s) {
            return "ref" + refId + "-sent" + sentences.get(s).sentId;
        }

        /** The ref at {@code index}, or null (with a problem added) when it is malformed. */
        static Ref parse(Object o, int index, String file, Sentence sentence, List<Skip> problems) {
            String where = "record " + index;
            if (!(o instanceof Map<?, ?> m)) {
                problems.add(new Skip(null, 0, file, where, "not a dict but "
                        + (o == null ? "None" : o.getClass().getSimpleName())));
                return null;
            }
            Long refId = number(m.get("ref_id"));
            if (refId != null) {
                where += " (ref_id " + refId + ")";
            }
            Object sents = m.get("sentences");
            int n = sents instanceof List<?> l ? l.size() : 0;
            Long annId = number(m.get("ann_id"));
            Long imageId = number(m.get("image_id"));
            String split = RefsPickle.text(m.get("split"));
            List<String> missing = new ArrayList<>();
            if (refId == null) {
                missing.add("ref_id");
            }
            if (annId == null) {
                missing.add("ann_id");
            }
            if (imageId == null) {
                missing.add("image_id");
            }
            if (split == null) {
                missing.add("split");
            }
            if (!(sents instanceof List<?>)) {
                missing.add("sentences");
            }
            if (!missing.isEmpty()) {
                problems.add(new Skip(null, n, file, where, "missing or mistyped " + String.join(", ", missing)));
                return null;
            }
            List<RefSentence> out = new ArrayList<>(n);
            for (int s = 0; s < n; s++) {
                Object so = ((List<?>) sents).get(s);
                Map<?, ?> sm = so instanceof Map<?, ?> mm ? mm : Collections.emptyMap();
                Long sentId = number(sm.get("sent_id"));
                String text = RefsPickle.text(sm.get(sentence.field()));
                if (text == null) {
                    text = RefsPickle.text(sm.get(sentence == Sentence.RAW ? "sent" : "raw"));
                }
                if (sentId == null || text == null) {
                    problems.add(new Skip(sentId == null ? null : "ref" + refId + "-sent" + sentId, 1, file,
                            where + " sentence " + s, "needs an integer 'sent_id' and a 'raw' or 'sent' text"));
                    continue;
                }
                out.add(new RefSentence(sentId, text));
            }
            return new Ref(refId, annId, imageId, split, out, where);
        }

        private static Long number(Object o) {
            if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
                return ((Number) o).longValue();
            }
            if (o instanceof java.math.BigInteger b && b.bitLength() < 63) {
                return b.longValue();
            }
            return null;
        }
    }
}
