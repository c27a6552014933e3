package org.refam.examples.refshapes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.refam.api.Mask;
import org.refam.api.RgbImage;

/**
 * A RefShapes folder read back: the records of index.json, with the images and masks decoded on demand.
 *
 * <p>{@link #open} checks the whole index (every field, ids, references between records) and that every image
 * and mask file it names exists inside the folder; {@link #image} and {@link #mask} check the decoded pixels
 * against the record (size; mask values 0/255, area and bounding box). Errors are
 * {@link RefShapesFormatException}s naming the file and the record.
 *
 * <p>Thread-safety: immutable and thread-safe; images and masks are read from disk on each call.
 */
public final class RefShapesDataset {
    private final Path root;
    private final Variant variant;
    private final Split split;
    private final int width;
    private final int height;
    private final List<Scene> scenes;
    private final Map<String, Scene> byId;

    private RefShapesDataset(Path root, Variant variant, Split split, int width, int height, List<Scene> scenes) {
        this.root = root;
        this.variant = variant;
        this.split = split;
        this.width = width;
        this.height = height;
        this.scenes = List.copyOf(scenes);
        Map<String, Scene> map = new HashMap<>();
        for (Scene s : scenes) {
            map.put(s.id(), s);
        }
        this.byId = Map.copyOf(map);
    }

    /**
     * Reads and validates {@code dir/index.json}.
     *
     * @throws RefShapesFormatException if the index is missing, unreadable, malformed or names a file that does not
     *     exist; the message names the file and the record
     */
    public static RefShapesDataset open(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        Path index = root.resolve(RefShapesGenerator.INDEX_FILE);
        if (!Files.isRegularFile(index)) {
            throw new RefShapesFormatException("no " + RefShapesGenerator.INDEX_FILE + " in " + root
                    + " (not a RefShapes folder, or its generation did not finish)");
        }
        JsonNode top;
        try {
            top = new ObjectMapper().readTree(index.toFile());
        } catch (JsonProcessingException e) {
            throw new RefShapesFormatException(index + " is not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        } catch (IOException e) {
            throw new RefShapesFormatException("cannot read " + index + ": " + e.getMessage(), e);
        }
        String where = index.toString();
        if (top == null || !top.isObject()) {
            throw new RefShapesFormatException(where + ": expected a JSON object at the top");
        }
        String format = IndexJson.text(top, "format", where);
        int version = IndexJson.integer(top, "formatVersion", where);
        if (!IndexJson.FORMAT.equals(format) || version != IndexJson.FORMAT_VERSION) {
            throw new RefShapesFormatException(where + ": expected format '" + IndexJson.FORMAT + "' version "
                    + IndexJson.FORMAT_VERSION + ", got '" + format + "' version " + version);
        }
        Variant variant = IndexJson.build(() -> Variant.fromId(IndexJson.text(top, "variant", where)), where);
        Split split = IndexJson.build(() -> Split.fromId(IndexJson.text(top, "split", where)), where);
        int width = IndexJson.integer(top, "width", where);
        int height = IndexJson.integer(top, "height", where);
        for (String field : List.of("vocabulary", "tokenizer")) {
            requireFile(root, IndexJson.text(top, field, where), where + " field '" + field + "'");
        }
        JsonNode images = IndexJson.array(top, "images", where);
        List<Scene> scenes = new ArrayList<>(images.size());
        Set<String> ids = new HashSet<>();
        long base = split.seedBase();
        for (int i = 0; i < images.size(); i++) {
            String at = where + " images[" + i + "]";
            Scene s = IndexJson.scene(images.get(i), at);
            at += " (id " + s.id() + ")";
            if (!ids.add(s.id())) {
                throw new RefShapesFormatException(at + ": duplicate image id");
            }
            if (s.width() != width || s.height() != height) {
                throw new RefShapesFormatException(at + ": size " + s.width() + "x" + s.height()
                        + " differs from the dataset's " + width + "x" + height);
            }
            if (s.sceneSeed() < base || s.sceneSeed() >= base + Split.SEEDS_PER_SPLIT) {
                throw new RefShapesFormatException(at + ": scene seed " + s.sceneSeed() + " lies outside the "
                        + split.id() + " range [" + base + ", " + (base + Split.SEEDS_PER_SPLIT) + ")");
            }
            requireFile(root, s.imageFile(), at + " image");
            for (ObjectInstance o : s.objects()) {
                String ow = at + " objects[" + o.id() + "]";
                Box b = o.bbox();
                if (b.x() + b.width() > width || b.y() + b.height() > height) {
                    throw new RefShapesFormatException(ow + ": bbox " + b + " leaves the " + width + "x" + height
                            + " image");
                }
                requireFile(root, o.maskFile(), ow + " mask");
            }
            scenes.add(s);
        }
        return new RefShapesDataset(root, variant, split, width, height, scenes);
    }

    /** The dataset folder (absolute). */
    public Path root() {
        return root;
    }

    /** Layout and background variant the dataset was generated with. */
    public Variant variant() {
        return variant;
    }

    /** The split the dataset's scene seeds come from. */
    public Split split() {
        return split;
    }

    /** Image width in pixels. */
    public int width() {
        return width;
    }

    /** Image height in pixels. */
    public int height() {
        return height;
    }

    /** The scenes in index order. */
    public List<Scene> scenes() {
        return scenes;
    }

    /** Number of scenes. */
    public int size() {
        return scenes.size();
    }

    /**
     * The scene with id {@code id}.
     *
     * @throws IllegalArgumentException if there is none
     */
    public Scene scene(String id) {
        Scene s = byId.get(id);
        if (s == null) {
            throw new IllegalArgumentException("no scene '" + id + "' in " + root);
        }
        return s;
    }

    /** The tokenizer file (HuggingFace tokenizer.json) of the dataset. */
    public Path tokenizerFile() {
        return root.resolve(RefShapesGenerator.TOKENIZER_FILE);
    }

    /**
     * The word list of the dataset's tokenizer in id order (vocabulary.txt).
     *
     * @throws RefShapesFormatException if the file cannot be read
     */
    public List<String> vocabulary() {
        Path file = root.resolve(RefShapesGenerator.VOCABULARY_FILE);
        try {
            return List.copyOf(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RefShapesFormatException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes the scene's image.
     *
     * @throws RefShapesFormatException if the file cannot be decoded or its size differs from the record's
     */
    public RgbImage image(Scene scene) {
        Path file = root.resolve(scene.imageFile());
        BufferedImage img = decode(file, "image of scene " + scene.id());
        checkSize(img, scene, file);
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] rgb = new byte[3 * w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int i = 3 * (y * w + x);
                rgb[i] = (byte) (p >> 16);
                rgb[i + 1] = (byte) (p >> 8);
                rgb[i + 2] = (byte) p;
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /**
     * Decodes the mask of {@code object} in {@code scene}.
     *
     * @throws RefShapesFormatException if the file cannot be decoded, its size differs from the scene's, it holds a
     *     value other than 0 and 255, or its area or bounding box differs from the record's
     */
    public Mask mask(Scene scene, ObjectInstance object) {
        Path file = root.resolve(object.maskFile());
        String what = "mask of object " + object.id() + " of scene " + scene.id();
        BufferedImage img = decode(file, what);
        checkSize(img, scene, file);
        int w = img.getWidth();
        int h = img.getHeight();
        Raster raster = img.getRaster();
        boolean[] data = new boolean[w * h];
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        int area = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = raster.getSample(x, y, 0);
                for (int band = 1; band < raster.getNumBands(); band++) {
                    if (raster.getSample(x, y, band) != v) {
                        throw new RefShapesFormatException(file + " (" + what + "): pixel (" + x + ", " + y
                                + ") is not grey");
                    }
                }
                if (v != 0 && v != 255) {
                    throw new RefShapesFormatException(file + " (" + what + "): pixel (" + x + ", " + y + ") is " + v
                            + ", expected 0 or 255");
                }
                if (v == 255) {
                    data[y * w + x] = true;
                    area++;
                    x0 = Math.min(x0, x);
                    y0 = Math.min(y0, y);
                    x1 = Math.max(x1, x);
                    y1 = Math.max(y1, y);
                }
            }
        }
        if (area != object.area()) {
            throw new RefShapesFormatException(file + " (" + what + "): " + area + " pixels set, the index says "
                    + object.area());
        }
        Box box = new Box(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
        if (!box.equals(object.bbox())) {
            throw new RefShapesFormatException(file + " (" + what + "): bounding box " + box + ", the index says "
                    + object.bbox());
        }
        return new Mask(h, w, data);
    }

    private static BufferedImage decode(Path file, String what) {
        try {
            return Png.read(file);
        } catch (IOException e) {
            throw new RefShapesFormatException("cannot decode " + file + " (" + what + "): " + e.getMessage(), e);
        }
    }

    private static void checkSize(BufferedImage img, Scene scene, Path file) {
        if (img.getWidth() != scene.width() || img.getHeight() != scene.height()) {
            throw new RefShapesFormatException(file + " (scene " + scene.id() + ") is " + img.getWidth() + "x"
                    + img.getHeight() + ", the index says " + scene.width() + "x" + scene.height());
        }
    }

    /** The file {@code relative} must lie inside {@code root} and exist. */
    private static void requireFile(Path root, String relative, String where) {
        Path p = root.resolve(relative).normalize();
        if (!p.startsWith(root)) {
            throw new RefShapesFormatException(where + ": file " + relative + " lies outside the dataset folder "
                    + root);
        }
        if (!Files.isRegularFile(p)) {
            throw new RefShapesFormatException(where + ": file " + relative + " does not exist (" + p + ")");
        }
    }
}
