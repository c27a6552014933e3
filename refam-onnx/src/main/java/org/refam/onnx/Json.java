package org.refam.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.refam.api.ModelException;

/**
 * Typed, path-aware reads from a manifest's JSON tree: every failure is a {@link ModelException} that names the
 * file, the key path, what was expected and what was found.
 *
 * <p>Thread-safety: immutable and thread-safe.
 */
final class Json {
    private final String file;
    private final JsonNode node;
    private final String path;

    Json(String file, JsonNode node, String path) {
        this.file = file;
        this.node = node;
        this.path = path;
    }

    String path() {
        return path;
    }

    JsonNode node() {
        return node;
    }

    private String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    ModelException error(String key, String expected, JsonNode found) {
        String shown = found == null || found.isMissingNode() ? "nothing (the key is missing)" : abbreviate(found);
        return new ModelException(file + ": " + at(key) + " must be " + expected + ", got " + shown);
    }

    ModelException error(String message) {
        return new ModelException(file + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    Json object(String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isObject()) {
            throw error(key, "an object", v);
        }
        return new Json(file, v, at(key));
    }

    /** The object under {@code key}, or {@code null} when the key is absent or null. */
    Json optionalObject(String key) {
        return has(key) ? object(key) : null;
    }

    String string(String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw error(key, "a non-empty string", v);
        }
        return v.asText();
    }

    String optionalString(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    /** A string that must be one of {@code allowed} (compared exactly). */
    String oneOf(String key, String... allowed) {
        String v = string(key);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw error(key, "one of " + String.join(", ", allowed), node.get(key));
    }

    int integer(String key, int min, int max) {
        JsonNode v = node.get(key);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw error(key, "an integer in [" + min + ", " + max + "]", v);
        }
        return v.asInt();
    }

    long longValue(String key, long min) {
        JsonNode v = node.get(key);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min) {
            throw error(key, "an integer of at least " + min, v);
        }
        return v.asLong();
    }

    double number(String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw error(key, "a finite number", v);
        }
        return v.asDouble();
    }

    boolean bool(String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isBoolean()) {
            throw error(key, "true or false", v);
        }
        return v.asBoolean();
    }

    /** A list of integers in [min, max]; {@code nonEmpty} requires at least one. */
    List<Integer> integers(String key, int min, int max, boolean nonEmpty) {
        JsonNode v = node.get(key);
        String what = (nonEmpty ? "a non-empty" : "a") + " list of integers in [" + min + ", " + max + "]";
        if (v == null || !v.isArray() || (nonEmpty && v.isEmpty())) {
            throw error(key, what, v);
        }
        List<Integer> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (!e.isIntegralNumber() || !e.canConvertToInt() || e.asInt() < min || e.asInt() > max) {
                throw error(key, what, v);
            }
            out.add(e.asInt());
        }
        return out;
    }

    double[] numbers(String key, int count) {
        JsonNode v = node.get(key);
        String what = "a list of " + count + " finite numbers";
        if (v == null || !v.isArray() || v.size() != count) {
            throw error(key, what, v);
        }
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            JsonNode e = v.get(i);
            if (!e.isNumber() || !Double.isFinite(e.asDouble())) {
                throw error(key, what, v);
            }
            out[i] = e.asDouble();
        }
        return out;
    }

    List<String> strings(String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isArray()) {
            throw error(key, "a list of strings", v);
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (!e.isTextual() || e.asText().isBlank()) {
                throw error(key, "a list of non-empty strings", v);
            }
            out.add(e.asText());
        }
        return out;
    }

    /** The array under {@code key} as objects. */
    List<Json> objects(String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isArray()) {
            throw error(key, "a list of objects", v);
        }
        List<Json> out = new ArrayList<>(v.size());
        int i = 0;
        for (JsonNode e : v) {
            if (!e.isObject()) {
                throw error(key + "[" + i + "]", "an object", e);
            }
            out.add(new Json(file, e, at(key) + "[" + i + "]"));
            i++;
        }
        return out;
    }

    /** Lower-case hex SHA-256 under {@code key}. */
    String sha256(String key) {
        String v = string(key);
        if (!v.matches("[0-9a-fA-F]{64}")) {
            throw error(key, "64 hex digits (a SHA-256)", node.get(key));
        }
        return v.toLowerCase(Locale.ROOT);
    }
}
