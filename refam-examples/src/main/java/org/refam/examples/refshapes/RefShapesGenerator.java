package org.refam.examples.refshapes;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.refam.api.Mask;
import org.refam.api.ProgressListener;
import org.refam.api.RgbImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates RefShapes, a synthetic referring-segmentation dataset: scenes of a few flat-coloured shapes, each with
 * a pixel-exact instance mask, training captions that name every described object's grid cell, and referring
 * expressions that are verified to pick out exactly one object. The dataset serves both the training of a small
 * diffusion transformer and the evaluation of RefAM grounding (method.md sections 1 and 6), from one folder; the
 * folder layout and the index.json schema are documented in the package documentation.
 *
 * <p><b>Determinism.</b> A scene depends only on its scene seed and the rendering options (variant, size, object
 * counts, captions and expressions per scene), never on the order or number of scenes generated. The same options
 * give bit-identical pixels and records on any JVM (own random generator, {@link StrictMath}) and byte-identical
 * files on the same JDK (PNG bytes also depend on the JDK's zlib). Scene seeds of different {@link Split splits}
 * never overlap.
 *
 * <p><b>Objects.</b> Attributes are drawn so that distractors share attributes with one another: after the first
 * object, each next one copies the shape of an earlier object (30%), its colour (30%) or both with the other size
 * (10%), or is drawn freely (30%); no two objects of a scene share shape, colour and size, so "the small red
 * circle" always names one object. Rasterisation has no anti-aliasing: an object's mask is exactly the set of
 * pixels painted in its colour, and no background pixel has any object colour (see {@link Colour}).
 *
 * <p><b>Expressions.</b> Up to {@code expressionsPerObject} per object, each from a different
 * {@link ExpressionTemplate}. An expression is kept only when its target satisfies its constraints read strictly
 * and no other object satisfies them read loosely: "on the left" strictly means the left cell and loosely the left
 * column; "above" strictly means at least half a cell higher and at most half a cell aside, loosely more than a
 * quarter cell higher; a relation's anchor must itself be unique under its description; "the largest" needs 1.3
 * times the painted area of every other object that fits.
 *
 * <p>Thread-safety: immutable and thread-safe; {@link #write} may run concurrently for different folders.
 */
public final class RefShapesGenerator {
    /** Default image side in pixels. */
    public static final int DEFAULT_SIZE = 64;
    /** Smallest image side; shapes are recognisable from 48 pixels on. */
    public static final int MIN_SIZE = 32;
    /** Largest image side. */
    public static final int MAX_SIZE = 1024;
    /** Most objects per scene in the hard variant (free placement must find room for them). */
    public static final int MAX_HARD_OBJECTS = 5;
    /** The name of the index file in a dataset folder. */
    public static final String INDEX_FILE = "index.json";
    /** The name of the word list in a dataset folder. */
    public static final String VOCABULARY_FILE = "vocabulary.txt";
    /** The name of the HuggingFace tokenizer in a dataset folder. */
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private static final Logger LOG = LoggerFactory.getLogger(RefShapesGenerator.class);
    private static final String STAGE = "refshapes synth";
    private static final Pattern OWN_FILE = Pattern.compile("(train|val|test)-\\d+(-\\d+)?\\.png");
    /** Minimum gap in pixels between the extents of two objects in the hard variant. */
    private static final double HARD_GAP = 2.0;

    private final int size;
    private final int minObjects;
    private final int maxObjects;
    private final long seed;
    private final int count;
    private final Variant variant;
    private final Split split;
    private final double captionSubsetRatio;
    private final int captionsPerImage;
    private final int expressionsPerObject;
    private final ObjectMapper mapper = new ObjectMapper();

    private RefShapesGenerator(Builder b) {
        this.size = b.size;
        this.minObjects = b.minObjects;
        this.maxObjects = b.maxObjects;
        this.seed = b.seed;
        this.count = b.count;
        this.variant = b.variant;
        this.split = b.split;
        this.captionSubsetRatio = b.captionSubsetRatio;
        this.captionsPerImage = b.captionsPerImage;
        this.expressionsPerObject = b.expressionsPerObject;
    }

    /** A builder with the defaults: 64 px, 2..4 objects, seed 0, 1000 scenes, standard, train, 0.25, 2, 3. */
    public static Builder builder() {
        return new Builder();
    }

    /** Image side in pixels (images are square). */
    public int size() {
        return size;
    }

    /** Fewest objects per scene. */
    public int minObjects() {
        return minObjects;
    }

    /** Most objects per scene. */
    public int maxObjects() {
        return maxObjects;
    }

    /** Local seed of the first scene, within the split's range. */
    public long seed() {
        return seed;
    }

    /** Number of scenes {@link #write} produces. */
    public int count() {
        return count;
    }

    /** Layout and background variant. */
    public Variant variant() {
        return variant;
    }

    /** The split whose seed range the scenes come from. */
    public Split split() {
        return split;
    }

    /** Expected share of captions that describe only a subset of their scene's objects. */
    public double captionSubsetRatio() {
        return captionSubsetRatio;
    }

    /** Training captions per scene. */
    public int captionsPerImage() {
        return captionsPerImage;
    }

    /** Most referring expressions per object. */
    public int expressionsPerObject() {
        return expressionsPerObject;
    }

    /**
     * The full token list of the dataset's tokenizer in id order: {@code <pad>}, {@code </s>}, {@code <unk>},
     * punctuation, the default magnet words (".", "with", "a", "the", "pink"; method.md section 2), common stop words
     * and every word the generator writes.
     */
    public static List<String> vocabulary() {
        return Vocabulary.tokens();
    }

    /**
     * The image, masks (indexed by object id) and records of one scene, as {@link #write} would store them.
     *
     * <p>Thread-safety: immutable by contract (the pixel arrays are not copied).
     */
    public record RenderedScene(Scene scene, RgbImage image, List<Mask> masks) {
        public RenderedScene {
            masks = List.copyOf(masks);
        }
    }

    /**
     * What {@link #write} produced: the index file and the numbers of images, objects, captions and expressions.
     *
     * <p>Thread-safety: immutable.
     */
    public record Summary(Path index, int images, int objects, int captions, int expressions) {
    }

    /**
     * Renders the scene with local seed {@code localSeed} of this generator's split (scene seed
     * {@code split().seedBase() + localSeed}), in memory.
     *
     * @param localSeed in {@code [0, 2^40)}
     * @throws IllegalArgumentException if {@code localSeed} is outside the split's range
     */
    public RenderedScene render(long localSeed) {
        if (localSeed < 0 || localSeed >= Split.SEEDS_PER_SPLIT) {
            throw new IllegalArgumentException("local seed must be in [0, 2^40), got " + localSeed);
        }
        long sceneSeed = split.seedBase() + localSeed;
        // The variant goes into bits no scene seed uses (scene seeds are below 3 * 2^40), so the two variants of a
        // seed draw unrelated streams.
        SceneRandom rnd = new SceneRandom(sceneSeed ^ ((long) variant.ordinal() << 56));
        String id = String.format("%s-%08d", split.id(), localSeed);
        int n = rnd.nextInt(minObjects, maxObjects);
        List<int[]> attributes = attributes(rnd, n);
        double cellSide = size / 3.0;
        double[] cx = new double[n];
        double[] cy = new double[n];
        double[] extent = new double[n];
        if (variant == Variant.STANDARD) {
            layoutGrid(rnd, attributes, cellSide, cx, cy, extent);
        } else {
            layoutFree(rnd, attributes, cx, cy, extent);
        }
        byte[] rgb = new byte[3 * size * size];
        if (variant == Variant.STANDARD) {
            Backgrounds.gradient(rnd, size, size, rgb);
        } else {
            Backgrounds.texture(rnd, size, size, rgb);
        }
        boolean[] occupied = new boolean[size * size];
        List<ObjectInstance> objects = new ArrayList<>(n);
        List<Mask> masks = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            int[] a = attributes.get(k);
            Shape shape = Shape.values()[a[0]];
            Colour colour = Colour.values()[a[1]];
            boolean[] mask = new boolean[size * size];
            int area = ShapeRaster.rasterise(shape, cx[k], cy[k], extent[k], size, size, mask);
            int x0 = size;
            int y0 = size;
            int x1 = -1;
            int y1 = -1;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int p = y * size + x;
                    if (!mask[p]) {
                        continue;
                    }
                    if (occupied[p]) {
                        throw new IllegalStateException("scene " + id + ": object " + k + " overlaps another at ("
                                + x + ", " + y + ")");
                    }
                    occupied[p] = true;
                    rgb[3 * p] = (byte) colour.red();
                    rgb[3 * p + 1] = (byte) colour.green();
                    rgb[3 * p + 2] = (byte) colour.blue();
                    x0 = Math.min(x0, x);
                    y0 = Math.min(y0, y);
                    x1 = Math.max(x1, x);
                    y1 = Math.max(y1, y);
                }
            }
            if (area == 0) {
                throw new IllegalStateException("scene " + id + ": object " + k + " (" + shape.word() + ", extent "
                        + extent[k] + " px) covers no pixel centre");
            }
            objects.add(new ObjectInstance(k, shape, colour, SizeWord.values()[a[2]],
                    Cell.containing(cx[k], cy[k], size, size), cx[k], cy[k],
                    new Box(x0, y0, x1 - x0 + 1, y1 - y0 + 1), "masks/" + id + "-" + k + ".png", area));
            masks.add(new Mask(size, size, mask));
        }
        List<Expression> expressions = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            expressions.addAll(Phrases.choose(rnd, objects, k, cellSide, expressionsPerObject));
        }
        List<Caption> captions = new ArrayList<>();
        for (int c = 0; c < captionsPerImage; c++) {
            captions.add(Phrases.caption(rnd, objects, captionSubsetRatio));
        }
        checkVocabulary(id, captions, expressions);
        Scene scene = new Scene(id, "images/" + id + ".png", size, size, sceneSeed, objects, captions, expressions);
        return new RenderedScene(scene, new RgbImage(size, size, rgb), masks);
    }

    /**
     * Writes {@link #count()} scenes (local seeds {@code seed() .. seed() + count() - 1}) into {@code dir}: PNG images
     * under {@code images/}, one 0/255 PNG mask per object under {@code masks/}, {@code vocabulary.txt},
     * {@code tokenizer.json}, and last {@code index.json} (written to a temporary file and moved into place, so a
     * folder with an index.json holds a complete dataset). Reports progress per scene under the stage
     * {@code "refshapes synth"} and checks for cancellation before each scene.
     *
     * @param dir the dataset folder; created when missing
     * @param listener progress and cancellation; {@link ProgressListener#NONE} for neither
     * @param replace whether to replace a dataset already in {@code dir}: its index.json and the PNG files this
     *     generator names (other files are left alone)
     * @throws IllegalStateException if {@code dir} already holds an index.json and {@code replace} is false
     * @throws org.refam.api.CancelledException if the listener cancelled; no index.json is left behind
     * @throws UncheckedIOException if a file cannot be written
     */
    public Summary write(Path dir, ProgressListener listener, boolean replace) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(listener, "listener");
        Path index = dir.resolve(INDEX_FILE);
        Path part = dir.resolve(INDEX_FILE + ".part");
        int objects = 0;
        int captions = 0;
        int expressions = 0;
        try {
            if (Files.exists(index)) {
                if (!replace) {
                    throw new IllegalStateException(dir + " already holds a RefShapes dataset (" + INDEX_FILE
                            + "); choose another folder or replace it");
                }
                Files.delete(index);
                deleteOwnFiles(dir.resolve("images"));
                deleteOwnFiles(dir.resolve("masks"));
            }
            Files.createDirectories(dir.resolve("images"));
            Files.createDirectories(dir.resolve("masks"));
            Files.writeString(dir.resolve(VOCABULARY_FILE), Vocabulary.vocabularyText(), StandardCharsets.UTF_8);
            Files.write(dir.resolve(TOKENIZER_FILE),
                    prettyWriter().writeValueAsBytes(Vocabulary.tokenizerJson(mapper)));
            try (JsonGenerator g = mapper.getFactory().createGenerator(part.toFile(), JsonEncoding.UTF8)) {
                g.setPrettyPrinter(prettyPrinter());
                writeHeader(g);
                g.writeArrayFieldStart("images");
                for (int i = 0; i < count; i++) {
                    listener.checkCancelled(STAGE);
                    RenderedScene r = render(seed + i);
                    Scene s = r.scene();
                    Png.write(dir.resolve(s.imageFile()), Png.encodeRgb(size, size, r.image().rgb()));
                    for (int k = 0; k < s.objects().size(); k++) {
                        Png.write(dir.resolve(s.objects().get(k).maskFile()),
                                Png.encodeMask(size, size, r.masks().get(k).data()));
                    }
                    mapper.writeTree(g, IndexJson.sceneNode(mapper, s));
                    objects += s.objects().size();
                    captions += s.captions().size();
                    expressions += s.expressions().size();
                    listener.progress(STAGE, i + 1L, count);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            Files.move(part, index, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(part);
            throw new UncheckedIOException("cannot write RefShapes dataset to " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(part);
            throw e;
        }
        LOG.info("wrote {} {} {} scenes ({} objects, {} expressions) to {}", count, variant.id(), split.id(), objects,
                expressions, dir);
        return new Summary(index, count, objects, captions, expressions);
    }

    /** {@link #write(Path, ProgressListener, boolean)} that refuses to replace an existing dataset. */
    public Summary write(Path dir, ProgressListener listener) {
        return write(dir, listener, false);
    }

    private void writeHeader(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("format", IndexJson.FORMAT);
        g.writeNumberField("formatVersion", IndexJson.FORMAT_VERSION);
        g.writeStringField("variant", variant.id());
        g.writeStringField("split", split.id());
        g.writeNumberField("splitSeedBase", split.seedBase());
        g.writeNumberField("seedsPerSplit", Split.SEEDS_PER_SPLIT);
        g.writeNumberField("firstSeed", seed);
        g.writeNumberField("count", count);
        g.writeNumberField("width", size);
        g.writeNumberField("height", size);
        g.writeNumberField("minObjects", minObjects);
        g.writeNumberField("maxObjects", maxObjects);
        g.writeNumberField("captionsPerImage", captionsPerImage);
        g.writeNumberField("captionSubsetRatio", captionSubsetRatio);
        g.writeNumberField("expressionsPerObject", expressionsPerObject);
        g.writeStringField("vocabulary", VOCABULARY_FILE);
        g.writeStringField("tokenizer", TOKENIZER_FILE);
    }

    /**
     * Draws {@code n} distinct (shape, colour, size) triples, as ordinals, with shared attributes between objects
     * (see the class comment).
     */
    private static List<int[]> attributes(SceneRandom rnd, int n) {
        int shapes = Shape.values().length;
        int colours = Colour.values().length;
        List<int[]> out = new ArrayList<>(n);
        while (out.size() < n) {
            int[] next;
            if (out.isEmpty()) {
                next = new int[] {rnd.nextInt(shapes), rnd.nextInt(colours), rnd.nextInt(2)};
            } else {
                int[] base = rnd.pick(out);
                double r = rnd.nextDouble();
                if (r < 0.3) {
                    next = new int[] {base[0], rnd.nextInt(colours), rnd.nextInt(2)};
                } else if (r < 0.6) {
                    next = new int[] {rnd.nextInt(shapes), base[1], rnd.nextInt(2)};
                } else if (r < 0.7) {
                    next = new int[] {base[0], base[1], 1 - base[2]};
                } else {
                    next = new int[] {rnd.nextInt(shapes), rnd.nextInt(colours), rnd.nextInt(2)};
                }
            }
            boolean duplicate = false;
            for (int[] o : out) {
                duplicate |= o[0] == next[0] && o[1] == next[1] && o[2] == next[2];
            }
            if (!duplicate) {
                out.add(next);
            }
        }
        return out;
    }

    /** One object per grid cell: a large object spans 0.85..0.95 of the cell, a small one 0.52..0.6. */
    private void layoutGrid(SceneRandom rnd, List<int[]> attributes, double cellSide, double[] cx, double[] cy,
            double[] extent) {
        List<Cell> cells = new ArrayList<>(List.of(Cell.values()));
        rnd.shuffle(cells);
        for (int k = 0; k < attributes.size(); k++) {
            Cell cell = cells.get(k);
            boolean large = attributes.get(k)[2] == SizeWord.LARGE.ordinal();
            extent[k] = cellSide * (large ? rnd.uniform(0.85, 0.95) : rnd.uniform(0.52, 0.6));
            // Keep the shape's extent inside its cell (the 0.01 covers rounding the centre to 1/100 px).
            double room = Math.min(0.1 * cellSide, (cellSide - extent[k]) / 2 - 0.01);
            cx[k] = round2((cell.col() + 0.5) * cellSide + rnd.uniform(-room, room));
            cy[k] = round2((cell.row() + 0.5) * cellSide + rnd.uniform(-room, room));
        }
    }

    /**
     * Free placement by rejection sampling: a large object spans 0.27..0.31 of the image side, a small one
     * 0.17..0.2, and the extents of any two objects are at least {@link #HARD_GAP} pixels apart on one axis.
     */
    private void layoutFree(SceneRandom rnd, List<int[]> attributes, double[] cx, double[] cy, double[] extent) {
        int n = attributes.size();
        for (int k = 0; k < n; k++) {
            boolean large = attributes.get(k)[2] == SizeWord.LARGE.ordinal();
            extent[k] = size * (large ? rnd.uniform(0.27, 0.31) : rnd.uniform(0.17, 0.2));
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            int placed = 0;
            while (placed < n) {
                boolean ok = false;
                for (int tries = 0; tries < 200 && !ok; tries++) {
                    double margin = extent[placed] / 2 + 1;
                    cx[placed] = round2(rnd.uniform(margin, size - margin));
                    cy[placed] = round2(rnd.uniform(margin, size - margin));
                    ok = true;
                    for (int j = 0; j < placed && ok; j++) {
                        double gap = (extent[placed] + extent[j]) / 2 + HARD_GAP;
                        ok = Math.abs(cx[placed] - cx[j]) >= gap || Math.abs(cy[placed] - cy[j]) >= gap;
                    }
                }
                if (!ok) {
                    break;
                }
                placed++;
            }
            if (placed == n) {
                return;
            }
        }
        throw new IllegalStateException("could not place " + n + " objects without overlap in a " + size + "x" + size
                + " image after 100 attempts");
    }

    private static void checkVocabulary(String id, List<Caption> captions, List<Expression> expressions) {
        List<String> texts = new ArrayList<>();
        captions.forEach(c -> texts.add(c.text()));
        expressions.forEach(e -> texts.add(e.text()));
        for (String t : texts) {
            List<String> unknown = Vocabulary.unknownWords(t);
            if (!unknown.isEmpty()) {
                throw new IllegalStateException("scene " + id + ": '" + t + "' has words outside the vocabulary: "
                        + unknown);
            }
        }
    }

    private static double round2(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    private static DefaultPrettyPrinter prettyPrinter() {
        DefaultIndenter newlines = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter p = new DefaultPrettyPrinter();
        p.indentObjectsWith(newlines);
        return p;
    }

    private ObjectWriter prettyWriter() {
        return mapper.writer(prettyPrinter());
    }

    private static void deleteOwnFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                if (OWN_FILE.matcher(f.getFileName().toString()).matches()) {
                    Files.delete(f);
                }
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("could not delete the partial index {}: {}", p, e.getMessage());
        }
    }

    /**
     * Builds a {@link RefShapesGenerator}; every setter validates its argument and says which value is wrong.
     *
     * <p>Thread-safety: not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private int size = DEFAULT_SIZE;
        private int minObjects = 2;
        private int maxObjects = 4;
        private long seed;
        private int count = 1000;
        private Variant variant = Variant.STANDARD;
        private Split split = Split.TRAIN;
        private double captionSubsetRatio = 0.25;
        private int captionsPerImage = 2;
        private int expressionsPerObject = 3;

        private Builder() {
        }

        /** Image side in pixels, 32..1024; default 64. */
        public Builder size(int pixels) {
            if (pixels < MIN_SIZE || pixels > MAX_SIZE) {
                throw new IllegalArgumentException("image size must be in [" + MIN_SIZE + ", " + MAX_SIZE
                        + "] pixels, got " + pixels);
            }
            this.size = pixels;
            return this;
        }

        /** Objects per scene, drawn uniformly from {@code [min, max]}; default 2..4. */
        public Builder objects(int min, int max) {
            if (min < 1 || max < min || max > Cell.values().length) {
                throw new IllegalArgumentException("objects per scene must satisfy 1 <= min <= max <= 9, got min " + min
                        + ", max " + max);
            }
            this.minObjects = min;
            this.maxObjects = max;
            return this;
        }

        /** Local seed of the first scene, in {@code [0, 2^40)} minus the count; default 0. */
        public Builder seed(long seed) {
            if (seed < 0 || seed >= Split.SEEDS_PER_SPLIT) {
                throw new IllegalArgumentException("seed must be in [0, 2^40), got " + seed);
            }
            this.seed = seed;
            return this;
        }

        /** Number of scenes to write, at least 1; default 1000. */
        public Builder count(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("count must be at least 1, got " + count);
            }
            this.count = count;
            return this;
        }

        /** Layout and background variant; default {@link Variant#STANDARD}. */
        public Builder variant(Variant variant) {
            this.variant = Objects.requireNonNull(variant, "variant");
            return this;
        }

        /** Split whose seed range is used; default {@link Split#TRAIN}. */
        public Builder split(Split split) {
            this.split = Objects.requireNonNull(split, "split");
            return this;
        }

        /** Probability, in {@code [0, 1]}, that a caption describes a proper subset of the objects; default 0.25. */
        public Builder captionSubsetRatio(double ratio) {
            if (!(ratio >= 0 && ratio <= 1)) {
                throw new IllegalArgumentException("caption subset ratio must be in [0, 1], got " + ratio);
            }
            this.captionSubsetRatio = ratio;
            return this;
        }

        /** Training captions per scene, 1..16; default 2. */
        public Builder captionsPerImage(int n) {
            if (n < 1 || n > 16) {
                throw new IllegalArgumentException("captions per image must be in [1, 16], got " + n);
            }
            this.captionsPerImage = n;
            return this;
        }

        /** Most referring expressions per object, 1..11 (one per template); default 3. */
        public Builder expressionsPerObject(int n) {
            if (n < 1 || n > ExpressionTemplate.values().length) {
                throw new IllegalArgumentException("expressions per object must be in [1, "
                        + ExpressionTemplate.values().length + "], got " + n);
            }
            this.expressionsPerObject = n;
            return this;
        }

        /**
         * The generator.
         *
         * @throws IllegalArgumentException if the seed range runs past the split's or the hard variant is asked for
         *     more than {@value RefShapesGenerator#MAX_HARD_OBJECTS} objects
         */
        public RefShapesGenerator build() {
            if (seed + count > Split.SEEDS_PER_SPLIT) {
                throw new IllegalArgumentException("seeds " + seed + " .. " + (seed + count - 1)
                        + " run past the split's range [0, 2^40)");
            }
            if (variant == Variant.HARD && maxObjects > MAX_HARD_OBJECTS) {
                throw new IllegalArgumentException("the hard variant places at most " + MAX_HARD_OBJECTS
                        + " objects per scene, got max " + maxObjects);
            }
            return new RefShapesGenerator(this);
        }
    }
}
