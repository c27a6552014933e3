package org.refam.onnx;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.refam.api.ModelException;
import org.refam.api.ModelInfo;

/**
 * A model bundle: a folder with {@code manifest.json} (format {@code refam-model-bundle}, version 1, written by
 * {@code tools/refam_tools/build_bundle.py} and documented in {@code docs/model-bundle.md}), the ONNX graphs of
 * the transformer, text encoder, optional CLIP pooled-text encoder and image encoder, and the tokenizer files.
 *
 * <p>{@link #load} reads and validates the manifest: every key the Java side uses is checked for presence, type
 * and range, the components are checked against each other (text length, widths, token channels, attention
 * rows), and every file the manifest refers to must be listed under {@code files} with its size and SHA-256, stay
 * inside the folder and exist with the listed size. {@link #verifyChecksums()} then hashes every listed file
 * (streamed, so multi-GB weights do not load into memory); the extractor calls it before creating any session.
 * Every problem is a {@link ModelException} naming the file and key.
 *
 * <p>Thread-safety: immutable after {@link #load}; safe to share.
 */
public final class ModelBundle {
    /** The manifest's file name inside the bundle folder. */
    public static final String MANIFEST = "manifest.json";
    static final String FORMAT = "refam-model-bundle";
    static final int FORMAT_VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path folder;
    private final String name;
    private final String description;
    private final String manifestSha256;
    private final Map<String, FileEntry> files;
    private final TransformerSpec transformer;
    private final TextEncoderSpec textEncoder;
    private final PooledTextSpec pooledText;
    private final ImageEncoderSpec imageEncoder;
    private final ImageSpec image;

    /** One listed file: path relative to the bundle, SHA-256 (lower-case hex) and size in bytes. */
    record FileEntry(String path, String sha256, long bytes) {
    }

    /** A graph input or output: tensor name, element type and shape (Integer for fixed, String for symbolic). */
    record TensorSpec(String role, String name, String dtype, List<Object> shape) {
        int rank() {
            return shape.size();
        }

        /** The fixed size of {@code axis}, or -1 when it is symbolic. */
        int fixed(int axis) {
            Object d = shape.get(axis);
            return d instanceof Integer i ? i : -1;
        }
    }

    record TransformerSpec(Path file, int blocks, int heads, int textLength, Map<String, TensorSpec> inputs,
                           Map<String, TensorSpec> outputs, List<Integer> attentionBlocks,
                           List<Integer> defaultBlocks, boolean perHead, Float guidance, double timestepMin,
                           double timestepMax) {
        TensorSpec input(String role) {
            return inputs.get(role);
        }

        TensorSpec output(String role) {
            return outputs.get(role);
        }
    }

    /**
     * The text encoder. {@code padded}: prompts are padded to {@code maxLength} with {@code padTokenId} (manifest
     * {@code padding: "max-length"}, FLUX: pads are live keys); otherwise ({@code padding: "none"}) they run at their
     * own length, which for a model trained with padded keys masked out is the same computation without the pads.
     */
    record TextEncoderSpec(Path file, TensorSpec inputIds, TensorSpec hidden, Path tokenizer, int maxLength,
                           int padTokenId, int hiddenSize, boolean padded) {
    }

    /** Where the pooled vector y comes from: {@code clip} (graph + tokenizer), {@code zeros} or {@code constant}. */
    record PooledTextSpec(String source, int dim, float[] values, Path file, TensorSpec inputIds, TensorSpec pooled,
                          Path tokenizer, int maxLength, int padTokenId) {
    }

    record ImageEncoderSpec(Path file, TensorSpec pixels, TensorSpec tokens, int channels, int cellPixels,
                            int tokenChannels, float latentScale, float latentShift, boolean scaleShiftInGraph) {
    }

    record ImageSpec(int size, String resize, int sizeMultiple, float pixelLow, float pixelHigh, float padValue) {
    }

    private ModelBundle(Path folder, String name, String description, String manifestSha256,
                        Map<String, FileEntry> files,
                        TransformerSpec transformer, TextEncoderSpec textEncoder, PooledTextSpec pooledText,
                        ImageEncoderSpec imageEncoder, ImageSpec image) {
        this.folder = folder;
        this.name = name;
        this.description = description;
        this.manifestSha256 = manifestSha256;
        this.files = files;
        this.transformer = transformer;
        this.textEncoder = textEncoder;
        this.pooledText = pooledText;
        this.imageEncoder = imageEncoder;
        this.image = image;
    }

    /**
     * Reads and validates {@code folder/manifest.json}; does not hash the files (see {@link #verifyChecksums()}).
     *
     * @throws ModelException if the folder or manifest is missing or unreadable, the JSON is malformed, a key is
     *     missing, mistyped or out of range, the components disagree, or a referenced file is unlisted, outside the
     *     folder, missing or of another size than listed
     */
    public static ModelBundle load(Path folder) {
        if (folder == null) {
            throw new ModelException("no model bundle folder given");
        }
        Path dir = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new ModelException("model bundle folder " + dir + " does not exist or is not a folder");
        }
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new ModelException("model bundle " + dir + " has no " + MANIFEST);
        }
        JsonNode root;
        String digest;
        try {
            byte[] bytes = Files.readAllBytes(manifest);
            digest = Checksums.sha256(bytes);
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ModelException(manifest + " is not valid JSON: " + e.getOriginalMessage() + " at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()), e);
        } catch (IOException e) {
            throw new ModelException("cannot read " + manifest + ": " + e, e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelException(manifest + ": the manifest must be a JSON object");
        }
        return new Parser(dir, new Json(manifest.toString(), root, ""), digest).parse();
    }

    /**
     * Hashes every listed file (SHA-256, streamed in 1 MiB chunks) and compares with the manifest.
     *
     * @throws ModelException naming the first file whose digest differs, with the expected and actual digest
     */
    public void verifyChecksums() {
        for (FileEntry f : files.values()) {
            Checksums.verify(folder.resolve(f.path()), f.sha256());
        }
    }

    /** The bundle folder (absolute, normalised). */
    public Path folder() {
        return folder;
    }

    /** The model's name from the manifest. */
    public String name() {
        return name;
    }

    /** The manifest's free-text description (may be empty). */
    public String description() {
        return description;
    }

    /**
     * Lower-case hex SHA-256 of {@code manifest.json}: the manifest lists every file's SHA-256, so this identifies
     * the whole bundle (weights, tokenizer and conventions).
     */
    public String manifestSha256() {
        return manifestSha256;
    }

    /** Listed files, relative to {@link #folder()}, in manifest order. */
    public List<String> files() {
        return List.copyOf(files.keySet());
    }

    /**
     * What an extractor over this bundle can report (no video, no batching); the version is {@code "sha256:"} and
     * the first 16 hex digits of {@link #manifestSha256()} (the embedded model's cache folder carries the same).
     */
    public ModelInfo info() {
        return new ModelInfo(name, transformer.blocks(), transformer.heads(), transformer.attentionBlocks(),
                transformer.defaultBlocks(), transformer.textLength(), false, false,
                "sha256:" + manifestSha256.substring(0, 16));
    }

    TransformerSpec transformer() {
        return transformer;
    }

    TextEncoderSpec textEncoder() {
        return textEncoder;
    }

    PooledTextSpec pooledText() {
        return pooledText;
    }

    ImageEncoderSpec imageEncoder() {
        return imageEncoder;
    }

    ImageSpec image() {
        return image;
    }

    @Override
    public String toString() {
        return "ModelBundle{" + name + " at " + folder + "}";
    }

    /** One parse of one manifest. */
    private static final class Parser {
        private static final int MAX_DIM = 1 << 24;
        private final Path dir;
        private final Json root;
        private final String digest;
        private final Map<String, FileEntry> files = new LinkedHashMap<>();

        Parser(Path dir, Json root, String digest) {
            this.dir = dir;
            this.root = root;
            this.digest = digest;
        }

        ModelBundle parse() {
            String format = root.string("format");
            if (!FORMAT.equals(format)) {
                throw root.error("format", "\"" + FORMAT + "\"", root.node().get("format"));
            }
            int version = root.integer("formatVersion", 0, Integer.MAX_VALUE);
            if (version != FORMAT_VERSION) {
                throw root.error("formatVersion " + version + " is not supported: this library reads version "
                        + FORMAT_VERSION + " (update refam-onnx or re-export the bundle)");
            }
            String name = root.string("name");
            String description = root.has("description") && root.node().get("description").isTextual()
                    ? root.node().get("description").asText() : "";
            for (Json f : root.objects("files")) {
                String rel = f.string("path");
                inside(f, rel);
                FileEntry e = new FileEntry(rel, f.sha256("sha256"), f.longValue("bytes", 0));
                if (files.put(rel, e) != null) {
                    throw f.error("file " + rel + " is listed twice");
                }
            }
            if (files.isEmpty()) {
                throw root.error("files", "a non-empty list", root.node().get("files"));
            }
            TextEncoderSpec te = textEncoder(root.object("textEncoder"));
            PooledTextSpec pt = pooledText(root.object("pooledText"));
            ImageEncoderSpec ie = imageEncoder(root.object("imageEncoder"));
            ImageSpec im = image(root.object("image"));
            TransformerSpec tr = transformer(root.object("transformer"));
            crossCheck(tr, te, pt, ie, im);
            for (FileEntry f : files.values()) {
                Path p = dir.resolve(f.path());
                if (!Files.isRegularFile(p)) {
                    throw new ModelException("model bundle " + dir + ": listed file " + f.path() + " is missing");
                }
                long size;
                try {
                    size = Files.size(p);
                } catch (IOException e) {
                    throw new ModelException("cannot read the size of " + p + ": " + e, e);
                }
                if (size != f.bytes()) {
                    throw new ModelException("model bundle " + dir + ": " + f.path() + " has " + size
                            + " bytes, the manifest lists " + f.bytes() + " (truncated or replaced file)");
                }
            }
            return new ModelBundle(dir, name, description, digest, Collections.unmodifiableMap(files), tr, te, pt, ie, im);
        }

        private void inside(Json where, String rel) {
            Path p = dir.resolve(rel).normalize();
            if (Path.of(rel).isAbsolute() || !p.startsWith(dir) || p.equals(dir)) {
                throw where.error("file path '" + rel + "' must be relative and stay inside the bundle " + dir);
            }
        }

        /** A file named under {@code key} of a section, which must be listed in {@code files}. */
        private Path listedFile(Json section, String key) {
            String rel = section.string(key);
            inside(section, rel);
            if (!files.containsKey(rel)) {
                throw section.error(key + " '" + rel + "' is not listed in files, so its checksum cannot be verified");
            }
            return dir.resolve(rel);
        }

        private Path graphFile(Json section) {
            Path file = listedFile(section, "file");
            if (section.has("externalData")) {
                for (String extra : section.strings("externalData")) {
                    inside(section, extra);
                    if (!files.containsKey(extra)) {
                        throw section.error("external data file '" + extra
                                + "' is not listed in files, so its checksum cannot be verified");
                    }
                }
            }
            return file;
        }

        private Map<String, TensorSpec> tensors(Json section, String key) {
            Json group = section.object(key);
            Map<String, TensorSpec> out = new LinkedHashMap<>();
            group.node().fieldNames().forEachRemaining(role -> {
                Json t = group.object(role);
                String dtype = t.oneOf("dtype", "float32", "int64");
                if (!t.node().path("shape").isArray() || t.node().path("shape").isEmpty()) {
                    throw t.error("shape", "a non-empty list of sizes and symbolic names", t.node().get("shape"));
                }
                List<Object> shape = new ArrayList<>();
                for (JsonNode d : t.node().get("shape")) {
                    if (d.isIntegralNumber() && d.canConvertToInt() && d.asInt() >= 1 && d.asInt() <= MAX_DIM) {
                        shape.add(d.asInt());
                    } else if (d.isTextual() && !d.asText().isBlank()) {
                        shape.add(d.asText());
                    } else {
                        throw t.error("shape", "a list of positive sizes and symbolic names", t.node().get("shape"));
                    }
                }
                out.put(role, new TensorSpec(role, t.string("name"), dtype, List.copyOf(shape)));
            });
            return Collections.unmodifiableMap(out);
        }

        private static TensorSpec need(Json section, Map<String, TensorSpec> group, String groupKey, String role,
                                       String dtype, int rank) {
            TensorSpec s = group.get(role);
            if (s == null) {
                throw section.error(groupKey + " has no '" + role + "' entry (roles present: " + group.keySet() + ")");
            }
            if (!s.dtype().equals(dtype) || s.rank() != rank) {
                throw section.error(groupKey + "." + role + " (" + s.name() + ") must be " + dtype + " of rank " + rank
                        + ", got " + s.dtype() + " " + s.shape());
            }
            return s;
        }

        private static void dims(Json section, TensorSpec s, Object... expected) {
            for (int i = 0; i < expected.length; i++) {
                Object e = expected[i];
                if (e == null) {
                    continue;
                }
                Object actual = s.shape().get(i);
                boolean ok = e instanceof Integer ? e.equals(actual) : actual instanceof String;
                if (!ok) {
                    throw section.error(s.role() + " (" + s.name() + ") has shape " + s.shape() + ", expected "
                            + java.util.Arrays.toString(expected).replace("null", "*")
                            + " (strings stand for symbolic sizes)");
                }
            }
        }

        private TextEncoderSpec textEncoder(Json s) {
            Path file = graphFile(s);
            Map<String, TensorSpec> in = tensors(s, "inputs");
            Map<String, TensorSpec> out = tensors(s, "outputs");
            TensorSpec ids = need(s, in, "inputs", "inputIds", "int64", 2);
            TensorSpec hidden = need(s, out, "outputs", "hidden", "float32", 3);
            if (in.size() != 1) {
                throw s.error("inputs must hold only inputIds (no attention mask: FLUX runs T5 without one), got "
                        + in.keySet());
            }
            if (s.has("attentionMask") && s.bool("attentionMask")) {
                throw s.error("attentionMask true is not supported (no mask input is fed): FLUX feeds padding as live "
                        + "keys; a model trained with padding masked out runs unpadded, declare padding \"none\"");
            }
            boolean padded = !s.has("padding") || "max-length".equals(s.oneOf("padding", "max-length", "none"));
            if (s.has("feeds") && !"txt".equals(s.string("feeds"))) {
                throw s.error("feeds", "\"txt\"", s.node().get("feeds"));
            }
            if (!s.has("tokenizer")) {
                throw s.error("tokenizer", "the file name of a tokenizer.json listed in files",
                        s.node().get("tokenizer"));
            }
            Path tok = listedFile(s, "tokenizer");
            int maxLength = s.integer("maxLength", 2, MAX_DIM);
            int hiddenSize = s.integer("hiddenSize", 1, MAX_DIM);
            int pad = s.integer("padTokenId", 0, Integer.MAX_VALUE);
            dims(s, ids, 1, null);
            dims(s, hidden, 1, null, hiddenSize);
            return new TextEncoderSpec(file, ids, hidden, tok, maxLength, pad, hiddenSize, padded);
        }

        private PooledTextSpec pooledText(Json s) {
            String source = s.oneOf("source", "clip", "zeros", "constant");
            int dim = s.integer("dim", 1, MAX_DIM);
            switch (source) {
                case "zeros":
                    return new PooledTextSpec(source, dim, new float[dim], null, null, null, null, 0, 0);
                case "constant": {
                    double[] v = s.numbers("values", dim);
                    float[] f = new float[dim];
                    for (int i = 0; i < dim; i++) {
                        f[i] = (float) v[i];
                    }
                    return new PooledTextSpec(source, dim, f, null, null, null, null, 0, 0);
                }
                default: {
                    Path file = graphFile(s);
                    Map<String, TensorSpec> in = tensors(s, "inputs");
                    Map<String, TensorSpec> out = tensors(s, "outputs");
                    TensorSpec ids = need(s, in, "inputs", "inputIds", "int64", 2);
                    TensorSpec pooled = need(s, out, "outputs", "pooled", "float32", 2);
                    if (!s.has("tokenizer")) {
                        throw s.error("tokenizer", "the file name of the CLIP tokenizer.json listed in files",
                                s.node().get("tokenizer"));
                    }
                    Path tok = listedFile(s, "tokenizer");
                    int maxLength = s.integer("maxLength", 2, MAX_DIM);
                    int pad = s.integer("padTokenId", 0, Integer.MAX_VALUE);
                    dims(s, ids, 1, maxLength);
                    dims(s, pooled, 1, dim);
                    return new PooledTextSpec(source, dim, null, file, ids, pooled, tok, maxLength, pad);
                }
            }
        }

        private ImageEncoderSpec imageEncoder(Json s) {
            Path file = graphFile(s);
            Map<String, TensorSpec> in = tensors(s, "inputs");
            Map<String, TensorSpec> out = tensors(s, "outputs");
            TensorSpec pixels = need(s, in, "inputs", "pixels", "float32", 4);
            TensorSpec tokens = need(s, out, "outputs", "tokens", "float32", 3);
            if (in.size() != 1) {
                throw s.error("inputs must hold only pixels, got " + in.keySet());
            }
            int channels = s.integer("channels", 1, 4);
            if (channels != 3) {
                throw s.error("channels", "3 (RGB)", s.node().get("channels"));
            }
            int cell = s.integer("cellPixels", 1, 4096);
            int tokenChannels = s.integer("tokenChannels", 1, MAX_DIM);
            double[] range = s.numbers("pixelRange", 2);
            if (!(range[0] == -1.0 && range[1] == 1.0)) {
                throw s.error("pixelRange", "[-1.0, 1.0] (the range the image section also declares)",
                        s.node().get("pixelRange"));
            }
            boolean inGraph = s.bool("scaleShiftInGraph");
            float scale = (float) s.number("latentScale");
            float shift = (float) s.number("latentShift");
            if (s.has("packing") && !s.strings("packing").equals(List.of("channel", "patchRow", "patchCol"))) {
                throw s.error("packing", "[\"channel\", \"patchRow\", \"patchCol\"]", s.node().get("packing"));
            }
            dims(s, pixels, 1, 3, null, null);
            dims(s, tokens, 1, null, tokenChannels);
            return new ImageEncoderSpec(file, pixels, tokens, channels, cell, tokenChannels, scale, shift, inGraph);
        }

        private ImageSpec image(Json s) {
            int mult = s.integer("sizeMultiple", 1, 4096);
            int size = s.integer("size", mult, 1 << 16);
            String resize = s.oneOf("resize", "fit", "pad", "stretch");
            if (s.has("colorOrder")) {
                s.oneOf("colorOrder", "RGB");
            }
            if (s.has("layout")) {
                s.oneOf("layout", "NCHW");
            }
            double[] range = s.has("pixelRange") ? s.numbers("pixelRange", 2) : new double[] {-1, 1};
            if (!(range[0] < range[1])) {
                throw s.error("pixelRange", "[low, high] with low < high", s.node().get("pixelRange"));
            }
            double pad = s.has("padValue") ? s.number("padValue") : 0.0;
            return new ImageSpec(size, resize, mult, (float) range[0], (float) range[1], (float) pad);
        }

        private TransformerSpec transformer(Json s) {
            Path file = graphFile(s);
            if (s.has("architecture")) {
                s.oneOf("architecture", "flux");
            }
            int blocks = s.integer("blocks", 1, 4096);
            int heads = s.integer("heads", 1, 4096);
            int textLength = s.integer("textLength", 2, MAX_DIM);
            Map<String, TensorSpec> in = tensors(s, "inputs");
            Map<String, TensorSpec> out = tensors(s, "outputs");
            need(s, in, "inputs", "img", "float32", 3);
            need(s, in, "inputs", "imgIds", "float32", 3);
            need(s, in, "inputs", "txt", "float32", 3);
            need(s, in, "inputs", "txtIds", "float32", 3);
            need(s, in, "inputs", "timesteps", "float32", 1);
            need(s, in, "inputs", "y", "float32", 2);
            if (!s.has("attention")) {
                throw s.error("attention", "an object (null means the graph was exported without attention outputs "
                        + "and cannot serve RefAM: re-export it with --blocks)", s.node().get("attention"));
            }
            Json att = s.object("attention");
            List<Integer> attBlocks = att.integers("blocks", 0, blocks - 1, true);
            for (int i = 1; i < attBlocks.size(); i++) {
                if (attBlocks.get(i) <= attBlocks.get(i - 1)) {
                    throw att.error("blocks", "ascending distinct block indices", att.node().get("blocks"));
                }
            }
            List<Integer> defaults = att.has("defaultBlocks")
                    ? att.integers("defaultBlocks", 0, blocks - 1, true) : attBlocks;
            if (!attBlocks.containsAll(defaults)) {
                throw att.error("defaultBlocks " + defaults + " are not all among the exported blocks " + attBlocks);
            }
            boolean perHead = "all".equals(att.oneOf("heads", "all", "mean"));
            if (att.has("textToTextHeads")) {
                att.oneOf("textToTextHeads", "mean");
            }
            if (att.has("tokenOrder") && !att.strings("tokenOrder").equals(List.of("text", "image"))) {
                throw att.error("tokenOrder", "[\"text\", \"image\"]", att.node().get("tokenOrder"));
            }
            if (att.has("probabilities")) {
                att.oneOf("probabilities", "joint-softmax");
            }
            int rows = attBlocks.size();
            TensorSpec i2t = need(s, out, "outputs", "attnImg2Txt", "float32", perHead ? 4 : 3);
            if (perHead) {
                dims(s, i2t, rows, heads, null, null);
            } else {
                dims(s, i2t, rows, null, null);
            }
            TensorSpec t2t = out.get("attnTxt2Txt");
            if (t2t != null) {
                need(s, out, "outputs", "attnTxt2Txt", "float32", 3);
                dims(s, t2t, rows, null, null);
            }
            Float guidance = null;
            Json g = s.optionalObject("guidance");
            if (g != null) {
                String input = g.string("input");
                TensorSpec gs = need(s, in, "inputs", "guidance", "float32", 1);
                if (!gs.name().equals(input)) {
                    throw g.error("input '" + input + "' differs from inputs.guidance.name '" + gs.name() + "'");
                }
                guidance = (float) g.number("default");
            } else if (in.containsKey("guidance")) {
                throw s.error("inputs has a guidance input but the guidance section (with its default) is missing");
            }
            double tMin = 0;
            double tMax = 1;
            Json ts = s.optionalObject("timestep");
            if (ts != null) {
                tMin = ts.number("min");
                tMax = ts.number("max");
                if (!(tMin < tMax)) {
                    throw ts.error("min " + tMin + " must be below max " + tMax);
                }
            }
            Json noise = s.optionalObject("noise");
            if (noise != null) {
                noise.oneOf("kind", "rectified-flow");
                if (noise.has("space")) {
                    noise.oneOf("space", "tokens");
                }
            }
            Json pos = s.optionalObject("positions");
            if (pos != null) {
                if (pos.has("text") && !pos.integers("text", 0, 0, true).equals(List.of(0, 0, 0))) {
                    throw pos.error("text", "[0, 0, 0]", pos.node().get("text"));
                }
                if (pos.has("image") && !pos.strings("image").equals(List.of("frame", "row", "col"))) {
                    throw pos.error("image", "[\"frame\", \"row\", \"col\"]", pos.node().get("image"));
                }
                if (pos.has("order")) {
                    pos.oneOf("order", "row-major");
                }
            }
            return new TransformerSpec(file, blocks, heads, textLength, in, out, List.copyOf(attBlocks),
                    List.copyOf(defaults), perHead, guidance, tMin, tMax);
        }

        private void crossCheck(TransformerSpec tr, TextEncoderSpec te, PooledTextSpec pt, ImageEncoderSpec ie,
                                ImageSpec im) {
            Json s = root;
            if (tr.textLength() != te.maxLength()) {
                throw s.error("transformer.textLength " + tr.textLength() + " differs from textEncoder.maxLength "
                        + te.maxLength());
            }
            TensorSpec img = tr.input("img");
            TensorSpec txt = tr.input("txt");
            TensorSpec y = tr.input("y");
            if (!te.padded() && !(txt.shape().get(1) instanceof String)) {
                throw s.error("textEncoder.padding \"none\" runs prompts at their own length, but transformer input "
                        + txt.name() + " has the fixed shape " + txt.shape() + " (export it with a symbolic T)");
            }
            dims(s, img, 1, null, ie.tokenChannels());
            dims(s, tr.input("imgIds"), 1, null, 3);
            dims(s, txt, 1, null, te.hiddenSize());
            dims(s, tr.input("txtIds"), 1, null, 3);
            dims(s, tr.input("timesteps"), 1);
            dims(s, y, 1, pt.dim());
            if (im.sizeMultiple() != ie.cellPixels()) {
                throw s.error("image.sizeMultiple " + im.sizeMultiple() + " differs from imageEncoder.cellPixels "
                        + ie.cellPixels());
            }
        }
    }
}
