package org.refam.examples.refshapes;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.refam.examples.refshapes.Referents.Description;
import org.refam.examples.refshapes.Referents.Query;
import org.refam.examples.refshapes.Referents.Relation;
import org.refam.examples.refshapes.Referents.Superlative;

/** Writes referring expressions and training captions for a laid-out scene. */
final class Phrases {
    /** Nouns that stand for "any object" in expressions. */
    static final List<String> GENERIC_NOUNS = List.of("one", "object", "shape");

    private Phrases() {
    }

    /** A possible expression with the constraints it states. */
    record Candidate(ExpressionTemplate template, String text, Query query, int anchor) {
    }

    /**
     * Every expression the templates can make for {@code target}, unambiguous or not, in a fixed order.
     *
     * @param cell the side of a grid cell in pixels
     */
    static List<Candidate> candidates(List<ObjectInstance> objects, int target, double cell) {
        ObjectInstance t = objects.get(target);
        String s = t.shape().word();
        String c = t.colour().word();
        String z = t.size().word();
        List<Candidate> out = new ArrayList<>();
        out.add(plain(ExpressionTemplate.SIZE_COLOUR_SHAPE, "the " + z + " " + c + " " + s,
                new Description(t.shape(), t.colour(), t.size(), null)));
        out.add(plain(ExpressionTemplate.COLOUR_SHAPE, "the " + c + " " + s,
                new Description(t.shape(), t.colour(), null, null)));
        out.add(plain(ExpressionTemplate.SIZE_SHAPE, "the " + z + " " + s,
                new Description(t.shape(), null, t.size(), null)));
        out.add(plain(ExpressionTemplate.SHAPE, "the " + s, new Description(t.shape(), null, null, null)));
        for (String noun : GENERIC_NOUNS) {
            out.add(plain(ExpressionTemplate.COLOUR_ONE, "the " + c + " " + noun,
                    new Description(null, t.colour(), null, null)));
        }
        for (String noun : GENERIC_NOUNS) {
            out.add(plain(ExpressionTemplate.SIZE_ONE, "the " + z + " " + noun,
                    new Description(null, null, t.size(), null)));
        }
        String where = t.cell().phrase();
        for (String noun : GENERIC_NOUNS) {
            out.add(plain(ExpressionTemplate.CELL, "the " + noun + " " + where,
                    new Description(null, null, null, t.cell())));
        }
        out.add(plain(ExpressionTemplate.SHAPE_CELL, "the " + s + " " + where,
                new Description(t.shape(), null, null, t.cell())));
        for (String article : List.of("a", "the")) {
            out.add(plain(ExpressionTemplate.COLOUR_SHAPE_CELL, article + " " + c + " " + s + " " + where,
                    new Description(t.shape(), t.colour(), null, t.cell())));
        }
        for (ObjectInstance a : objects) {
            if (a.id() == target) {
                continue;
            }
            for (Relation r : Relation.values()) {
                if (!r.strict(t, a, cell)) {
                    continue;
                }
                for (Description ad : List.of(new Description(a.shape(), null, null, null),
                        new Description(a.shape(), a.colour(), null, null),
                        new Description(a.shape(), a.colour(), a.size(), null))) {
                    String anchorText = words(ad, null);
                    for (Description td : List.of(Description.ANY, new Description(t.shape(), null, null, null),
                            new Description(t.shape(), t.colour(), null, null))) {
                        String text = "the " + words(td, "object") + " " + r.phrase + " the " + anchorText;
                        out.add(new Candidate(ExpressionTemplate.RELATION, text, new Query(td, null, r, ad), a.id()));
                    }
                }
            }
        }
        for (Superlative sup : Superlative.values()) {
            for (Description d : List.of(Description.ANY, new Description(t.shape(), null, null, null))) {
                out.add(new Candidate(ExpressionTemplate.SUPERLATIVE, "the " + sup.word + " " + words(d, "object"),
                        new Query(d, sup, null, null), -1));
            }
        }
        return out;
    }

    /**
     * Up to {@code perObject} unambiguous expressions for {@code target}, each from a different template: the
     * templates that have an unambiguous candidate are shuffled, and one candidate is drawn from each of the first
     * {@code perObject}.
     */
    static List<Expression> choose(SceneRandom rnd, List<ObjectInstance> objects, int target, double cell,
            int perObject) {
        Map<ExpressionTemplate, List<Candidate>> valid = new EnumMap<>(ExpressionTemplate.class);
        for (Candidate cand : candidates(objects, target, cell)) {
            if (Referents.unambiguous(cand.query(), objects, target, cell)) {
                valid.computeIfAbsent(cand.template(), k -> new ArrayList<>()).add(cand);
            }
        }
        List<ExpressionTemplate> templates = new ArrayList<>(valid.keySet());
        rnd.shuffle(templates);
        List<Expression> out = new ArrayList<>();
        for (ExpressionTemplate tpl : templates.subList(0, Math.min(perObject, templates.size()))) {
            Candidate cand = rnd.pick(valid.get(tpl));
            out.add(new Expression(cand.text(), target, tpl, cand.anchor()));
        }
        return out;
    }

    /**
     * One training caption: all objects, or with probability {@code subsetRatio} (scenes of two or more objects) a
     * random non-empty proper subset of them, in random order, each as "a [size] colour shape cell-phrase", joined
     * as "x, y and z"; sometimes opened with "an image with" and closed with a full stop.
     */
    static Caption caption(SceneRandom rnd, List<ObjectInstance> objects, double subsetRatio) {
        List<Integer> ids = new ArrayList<>();
        for (ObjectInstance o : objects) {
            ids.add(o.id());
        }
        rnd.shuffle(ids);
        int n = ids.size();
        if (n > 1 && rnd.chance(subsetRatio)) {
            n = rnd.nextInt(1, ids.size() - 1);
        }
        List<Integer> described = List.copyOf(ids.subList(0, n));
        StringBuilder sb = new StringBuilder();
        if (rnd.chance(0.25)) {
            sb.append("an image with ");
        }
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                sb.append(k == n - 1 ? " and " : ", ");
            }
            ObjectInstance o = objects.get(described.get(k));
            sb.append("a ");
            if (rnd.chance(0.5)) {
                sb.append(o.size().word()).append(' ');
            }
            sb.append(o.colour().word()).append(' ').append(o.shape().word()).append(' ').append(o.cell().phrase());
        }
        if (rnd.chance(0.5)) {
            sb.append(".");
        }
        return new Caption(sb.toString(), described);
    }

    private static Candidate plain(ExpressionTemplate template, String text, Description d) {
        return new Candidate(template, text, Query.of(d), -1);
    }

    /** "size colour shape" with the free attributes left out, or {@code noun} when all are free. */
    private static String words(Description d, String noun) {
        List<String> w = new ArrayList<>();
        if (d.size() != null) {
            w.add(d.size().word());
        }
        if (d.colour() != null) {
            w.add(d.colour().word());
        }
        w.add(d.shape() != null ? d.shape().word() : noun);
        return String.join(" ", w);
    }
}
