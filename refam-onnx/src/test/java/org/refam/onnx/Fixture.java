package org.refam.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The tiny fixtures written by {@code tools/refam_tools/make_fixture.py} (see the README next to them): a bundle,
 * {@code fixture.json} and the PyTorch reference tensors in {@code fixture.safetensors}.
 */
final class Fixture {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A tensor from the safetensors file: shape and values (int64 values widened to double exactly enough). */
    record Tensor(long[] shape, float[] floats, long[] longs) {
        int size() {
            return floats != null ? floats.length : longs.length;
        }
    }

    final Path root;
    final JsonNode json;
    private final Map<String, Tensor> tensors;

    private Fixture(Path root) throws IOException {
        this.root = root;
        this.json = JSON.readTree(root.resolve("fixture.json").toFile());
        this.tensors = readSafetensors(root.resolve(json.get("tensors").asText()));
    }

    /** The fixture under {@code src/test/resources/fixtures/<name>}. */
    static Fixture load(String name) {
        try {
            return load(Path.of(Fixture.class.getResource("/fixtures/" + name + "/fixture.json").toURI()).getParent());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fixture in folder {@code root} (holding fixture.json). */
    static Fixture load(Path root) {
        try {
            return new Fixture(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path bundle() {
        return root.resolve(json.get("bundle").asText());
    }

    Tensor tensor(String key) {
        Tensor t = tensors.get(key);
        if (t == null) {
            throw new IllegalArgumentException("no tensor " + key + " in " + tensors.keySet());
        }
        return t;
    }

    JsonNode testCase(String name) {
        for (JsonNode c : json.get("cases")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no case " + name);
    }

    double tolerance() {
        return json.get("tolerance").asDouble();
    }

    /** A writable copy of the bundle in {@code dir}. */
    Path copyBundle(Path dir) throws IOException {
        Path out = dir.resolve("bundle");
        Files.createDirectories(out);
        try (Stream<Path> files = Files.list(bundle())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, out.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return out;
    }

    static ObjectNode manifest(Path bundle) throws IOException {
        return (ObjectNode) JSON.readTree(bundle.resolve(ModelBundle.MANIFEST).toFile());
    }

    static void writeManifest(Path bundle, JsonNode manifest) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(bundle.resolve(ModelBundle.MANIFEST).toFile(), manifest);
    }

    /** Updates the listed size and SHA-256 of {@code file} in the bundle's manifest to the file's current state. */
    static void relist(Path bundle, String file) throws IOException {
        ObjectNode m = manifest(bundle);
        for (JsonNode e : m.get("files")) {
            if (e.get("path").asText().equals(file)) {
                ((ObjectNode) e).put("sha256", Checksums.sha256(bundle.resolve(file)));
                ((ObjectNode) e).put("bytes", Files.size(bundle.resolve(file)));
            }
        }
        writeManifest(bundle, m);
    }

    /** Reads F32 and I64 tensors of a safetensors file (8-byte little-endian header length, JSON header, data). */
    static Map<String, Tensor> readSafetensors(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int n = Math.toIntExact(b.getLong(0));
        JsonNode header = JSON.readTree(new String(all, 8, n, java.nio.charset.StandardCharsets.UTF_8));
        int base = 8 + n;
        Map<String, Tensor> out = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode v = e.getValue();
            long[] shape = new long[v.get("shape").size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = v.get("shape").get(i).asLong();
                count *= shape[i];
            }
            int start = base + v.get("data_offsets").get(0).asInt();
            String dtype = v.get("dtype").asText();
            if (dtype.equals("F32")) {
                float[] f = new float[(int) count];
                b.slice(start, 4 * (int) count).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
                out.put(e.getKey(), new Tensor(shape, f, null));
            } else if (dtype.equals("I64")) {
                long[] l = new long[(int) count];
                b.slice(start, 8 * (int) count).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(l);
                out.put(e.getKey(), new Tensor(shape, null, l));
            } else {
                throw new IOException("unsupported dtype " + dtype + " of " + e.getKey());
            }
        }
        return out;
    }
}
