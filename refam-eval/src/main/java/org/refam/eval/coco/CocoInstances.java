package org.refam.eval.coco;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.refam.eval.DatasetFormatException;
import org.refam.eval.Skip;

/**
 * The parts of a COCO {@code instances.json} that an evaluation needs, read as a stream: the file is never held as
 * one tree (the full COCO train2014 file is about 450 MB). Every image record is kept (id, file name, size); of the
 * annotations only those whose id was asked for are kept, with their segmentation as a JSON tree. Other top-level
 * fields ({@code info}, {@code licenses}, {@code categories}) are skipped.
 *
 * <p>Malformed records (an image without an id, an annotation whose id is not an integer) are reported as
 * {@link Skip}s and left out; a file that is truncated or not JSON fails with a {@link DatasetFormatException} naming
 * the file, the line and column, and the record being read.
 *
 * <p>Thread-safety: immutable after {@link #read}.
 */
final class CocoInstances {
    /** One image record. */
    record Image(long id, String fileName, int width, int height, int index) {
        String where() {
            return "images[" + index + "] (id " + id + ")";
        }
    }

    /** One kept annotation record. */
    record Annotation(long id, Long imageId, JsonNode segmentation, int index) {
        String where() {
            return "annotations[" + index + "] (id " + id + ")";
        }
    }

    private final Path file;
    private final Map<Long, Image> images;
    private final Map<Long, Annotation> annotations;
    private final List<Skip> problems;

    private CocoInstances(Path file, Map<Long, Image> images, Map<Long, Annotation> annotations, List<Skip> problems) {
        this.file = file;
        this.images = images;
        this.annotations = annotations;
        this.problems = problems;
    }

    Path file() {
        return file;
    }

    /** The image with {@code id}, or null. */
    Image image(long id) {
        return images.get(id);
    }

    /** The kept annotation with {@code id}, or null (absent from the file, or not asked for). */
    Annotation annotation(long id) {
        return annotations.get(id);
    }

    /** Malformed records found while reading. */
    List<Skip> problems() {
        return problems;
    }

    /**
     * Streams {@code file}, keeping every image and the annotations in {@code annotationIds}.
     *
     * @throws DatasetFormatException if the file is missing, truncated or not JSON, or its top level is not an object
     *     or its {@code images}/{@code annotations} are not arrays
     */
    static CocoInstances read(Path file, Set<Long> annotationIds) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException("COCO annotations " + file + " do not exist");
        }
        ObjectMapper mapper = new ObjectMapper();
        Map<Long, Image> images = new HashMap<>();
        Map<Long, Annotation> annotations = new HashMap<>();
        List<Skip> problems = new ArrayList<>();
        String at = "the top level";
        try (JsonParser p = mapper.getFactory().createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new DatasetFormatException(file + ": expected a JSON object at the top level");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (value == null) {
                    throw truncated(file, p, "field '" + field + "'", null);
                }
                if (field.equals("images") || field.equals("annotations")) {
                    if (value != JsonToken.START_ARRAY) {
                        throw new DatasetFormatException(file + ": '" + field + "' is a " + value
                                + ", expected an array");
                    }
                    int index = 0;
                    JsonToken e;
                    while (true) {
                        at = field + "[" + index + "]";
                        e = p.nextToken();
                        if (e == JsonToken.END_ARRAY) {
                            break;
                        }
                        if (e == null) {
                            throw truncated(file, p, at, null);
                        }
                        JsonNode node = mapper.readTree(p);
                        if (field.equals("images")) {
                            image(file, node, index, images, problems);
                        } else {
                            annotation(file, node, index, annotationIds, annotations, problems);
                        }
                        index++;
                    }
                } else {
                    at = "field '" + field + "'";
                    p.skipChildren();
                }
                at = "the top level";
            }
            if (t != JsonToken.END_OBJECT) {
                throw truncated(file, p, at, null);
            }
        } catch (JsonProcessingException e) {
            throw truncated(file, e.getLocation(), at, e);
        } catch (IOException e) {
            throw new DatasetFormatException("cannot read COCO annotations " + file + ": " + e.getMessage(), e);
        }
        return new CocoInstances(file, images, annotations, List.copyOf(problems));
    }

    private static void image(Path file, JsonNode n, int index, Map<Long, Image> out, List<Skip> problems) {
        String where = "images[" + index + "]";
        Long id = integer(n, "id");
        if (id == null) {
            problems.add(new Skip(null, 0, file.toString(), where, "no integer 'id'"));
            return;
        }
        where += " (id " + id + ")";
        JsonNode name = n.get("file_name");
        Long w = integer(n, "width");
        Long h = integer(n, "height");
        if (name == null || !name.isTextual() || w == null || h == null || w < 1 || h < 1 || w > Integer.MAX_VALUE
                || h > Integer.MAX_VALUE) {
            problems.add(new Skip(null, 0, file.toString(), where,
                    "needs a 'file_name' and a positive integer 'width' and 'height', got " + n));
            return;
        }
        if (out.putIfAbsent(id, new Image(id, name.asText(), w.intValue(), h.intValue(), index)) != null) {
            problems.add(new Skip(null, 0, file.toString(), where, "duplicate image id " + id
                    + " (the first record is kept)"));
        }
    }

    private static void annotation(Path file, JsonNode n, int index, Set<Long> wanted, Map<Long, Annotation> out,
                                   List<Skip> problems) {
        Long id = integer(n, "id");
        if (id == null) {
            problems.add(new Skip(null, 0, file.toString(), "annotations[" + index + "]", "no integer 'id'"));
            return;
        }
        if (!wanted.contains(id)) {
            return;
        }
        Annotation a = new Annotation(id, integer(n, "image_id"), n.get("segmentation"), index);
        if (out.putIfAbsent(id, a) != null) {
            problems.add(new Skip(null, 0, file.toString(), a.where(), "duplicate annotation id " + id
                    + " (the first record is kept)"));
        }
    }

    /** An integral number field as a long, or null when absent or not integral. */
    static Long integer(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || !v.isNumber()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        double d = v.asDouble();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? (long) d : null;
    }

    private static DatasetFormatException truncated(Path file, JsonParser p, String at, Throwable cause) {
        return truncated(file, p.currentLocation(), at, cause);
    }

    private static DatasetFormatException truncated(Path file, JsonLocation loc, String at, Throwable cause) {
        String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        String why = cause instanceof JsonProcessingException j ? ": " + j.getOriginalMessage() : "";
        String msg = "COCO annotations " + file + " are truncated or malformed" + where + " (reading " + at + ")"
                + why;
        return cause == null ? new DatasetFormatException(msg) : new DatasetFormatException(msg, cause);
    }

    /** Ids of all images, for callers that check references. */
    Set<Long> imageIds() {
        return new HashSet<>(images.keySet());
    }
}
