package org.refam.examples.refshapes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Converts scenes to and from their index.json records (schema in the package documentation). Reading validates
 * every field and names the record in its errors.
 */
final class IndexJson {
    static final String FORMAT = "refshapes";
    static final int FORMAT_VERSION = 1;

    private IndexJson() {
    }

    static ObjectNode sceneNode(ObjectMapper mapper, Scene scene) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", scene.id());
        n.put("file", scene.imageFile());
        n.put("width", scene.width());
        n.put("height", scene.height());
        n.put("sceneSeed", scene.sceneSeed());
        ArrayNode objects = n.putArray("objects");
        for (ObjectInstance o : scene.objects()) {
            ObjectNode on = objects.addObject();
            on.put("id", o.id());
            on.put("shape", o.shape().word());
            on.put("colour", o.colour().word());
            on.put("size", o.size().word());
            on.put("cell", o.cell().id());
            on.putArray("centre").add(o.centreX()).add(o.centreY());
            Box b = o.bbox();
            on.putArray("bbox").add(b.x()).add(b.y()).add(b.width()).add(b.height());
            on.put("mask", o.maskFile());
            on.put("area", o.area());
        }
        ArrayNode captions = n.putArray("captions");
        for (Caption c : scene.captions()) {
            ObjectNode cn = captions.addObject();
            cn.put("text", c.text());
            ArrayNode ids = cn.putArray("objects");
            c.objects().forEach(ids::add);
        }
        ArrayNode expressions = n.putArray("expressions");
        for (Expression e : scene.expressions()) {
            ObjectNode en = expressions.addObject();
            en.put("text", e.text());
            en.put("target", e.target());
            en.put("template", e.template().id());
            if (e.anchor() >= 0) {
                en.put("anchor", e.anchor());
            } else {
                en.putNull("anchor");
            }
        }
        return n;
    }

    /**
     * Reads one image record.
     *
     * @param where how errors name the record ("index.json images[3]")
     * @throws RefShapesFormatException on a missing or mistyped field or an inconsistent record
     */
    static Scene scene(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new RefShapesFormatException(where + ": expected an object, got " + kind(n));
        }
        String id = text(n, "id", where);
        String at = where + " (id " + id + ")";
        String file = text(n, "file", at);
        int width = integer(n, "width", at);
        int height = integer(n, "height", at);
        long seed = longValue(n, "sceneSeed", at);
        List<ObjectInstance> objects = new ArrayList<>();
        JsonNode objs = array(n, "objects", at);
        for (int i = 0; i < objs.size(); i++) {
            objects.add(object(objs.get(i), at + " objects[" + i + "]"));
        }
        List<Caption> captions = new ArrayList<>();
        JsonNode caps = array(n, "captions", at);
        for (int i = 0; i < caps.size(); i++) {
            String cw = at + " captions[" + i + "]";
            JsonNode c = caps.get(i);
            List<Integer> ids = new ArrayList<>();
            JsonNode idsNode = array(c, "objects", cw);
            for (JsonNode x : idsNode) {
                if (!x.canConvertToInt()) {
                    throw new RefShapesFormatException(cw + ": object ids must be integers, got " + x);
                }
                ids.add(x.intValue());
            }
            captions.add(build(() -> new Caption(text(c, "text", cw), ids), cw));
        }
        List<Expression> expressions = new ArrayList<>();
        JsonNode exps = array(n, "expressions", at);
        for (int i = 0; i < exps.size(); i++) {
            String ew = at + " expressions[" + i + "]";
            JsonNode e = exps.get(i);
            JsonNode anchorNode = e.get("anchor");
            int anchor = anchorNode == null || anchorNode.isNull() ? -1 : integer(e, "anchor", ew);
            String template = text(e, "template", ew);
            expressions.add(build(() -> new Expression(text(e, "text", ew), integer(e, "target", ew),
                    ExpressionTemplate.fromId(template), anchor), ew));
        }
        return build(() -> new Scene(id, file, width, height, seed, objects, captions, expressions), at);
    }

    private static ObjectInstance object(JsonNode o, String where) {
        if (o == null || !o.isObject()) {
            throw new RefShapesFormatException(where + ": expected an object, got " + kind(o));
        }
        JsonNode centre = array(o, "centre", where);
        JsonNode bbox = array(o, "bbox", where);
        if (centre.size() != 2 || !centre.get(0).isNumber() || !centre.get(1).isNumber()) {
            throw new RefShapesFormatException(where + ": 'centre' must be [x, y], got " + centre);
        }
        if (bbox.size() != 4) {
            throw new RefShapesFormatException(where + ": 'bbox' must be [x, y, width, height], got " + bbox);
        }
        for (JsonNode v : bbox) {
            if (!v.canConvertToInt()) {
                throw new RefShapesFormatException(where + ": 'bbox' must hold integers, got " + bbox);
            }
        }
        return build(() -> new ObjectInstance(integer(o, "id", where), Shape.fromWord(text(o, "shape", where)),
                Colour.fromWord(text(o, "colour", where)), SizeWord.fromWord(text(o, "size", where)),
                Cell.fromId(text(o, "cell", where)), centre.get(0).doubleValue(), centre.get(1).doubleValue(),
                new Box(bbox.get(0).intValue(), bbox.get(1).intValue(), bbox.get(2).intValue(), bbox.get(3).intValue()),
                text(o, "mask", where), integer(o, "area", where)), where);
    }

    /** Runs a record constructor and turns its IllegalArgumentException into a format error naming the record. */
    static <T> T build(Supplier<T> constructor, String where) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            throw new RefShapesFormatException(where + ": " + e.getMessage(), e);
        }
    }

    static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new RefShapesFormatException(where + ": field '" + field + "' must be a string, got " + kind(v));
        }
        return v.textValue();
    }

    static int integer(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new RefShapesFormatException(where + ": field '" + field + "' must be an integer, got " + kind(v));
        }
        return v.intValue();
    }

    static long longValue(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new RefShapesFormatException(where + ": field '" + field + "' must be an integer, got " + kind(v));
        }
        return v.longValue();
    }

    static double number(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber()) {
            throw new RefShapesFormatException(where + ": field '" + field + "' must be a number, got " + kind(v));
        }
        return v.doubleValue();
    }

    static JsonNode array(JsonNode n, String field, String where) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || !v.isArray()) {
            throw new RefShapesFormatException(where + ": field '" + field + "' must be an array, got " + kind(v));
        }
        return v;
    }

    private static String kind(JsonNode v) {
        if (v == null) {
            return "nothing (missing)";
        }
        String s = v.toString();
        return v.getNodeType().name().toLowerCase(Locale.ROOT) + " "
                + (s.length() > 60 ? s.substring(0, 60) + "..." : s);
    }
}
