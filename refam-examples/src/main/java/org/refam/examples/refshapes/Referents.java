package org.refam.examples.refshapes;

import java.util.ArrayList;
import java.util.List;

/**
 * The meaning of a referring expression as checkable constraints, and the rule that decides whether an expression
 * is unambiguous in a scene.
 *
 * <p>Every constraint has a <em>strict</em> reading, which the target must satisfy, and a <em>loose</em> reading,
 * which is at least as permissive ("on the left" strictly means the left cell, loosely the whole left column;
 * "above" strictly means directly above, loosely anywhere higher). An expression is valid for a target when the
 * target satisfies the strict reading and no other object satisfies the loose one: whichever way a reader takes
 * the words, exactly one object fits.
 */
final class Referents {
    /** A superlative must beat every competitor's painted area by this factor, so that it is visible. */
    static final double SUPERLATIVE_MARGIN = 1.3;

    private Referents() {
    }

    /** Attribute and location constraints; {@code null} leaves that attribute free. */
    record Description(Shape shape, Colour colour, SizeWord size, Cell cell) {
        static final Description ANY = new Description(null, null, null, null);

        boolean strict(ObjectInstance o) {
            return attributes(o) && (cell == null || cell == o.cell());
        }

        boolean loose(ObjectInstance o) {
            return attributes(o) && (cell == null || cell.looselyCovers(o.cell()));
        }

        private boolean attributes(ObjectInstance o) {
            return (shape == null || shape == o.shape()) && (colour == null || colour == o.colour())
                    && (size == null || size == o.size());
        }
    }

    /** Spatial relations of a target to an anchor, judged on object centres. */
    enum Relation {
        ABOVE("above"), BELOW("below"), LEFT_OF("to the left of"), RIGHT_OF("to the right of");

        final String phrase;

        Relation(String phrase) {
            this.phrase = phrase;
        }

        /**
         * Strict: the target is at least half a grid cell further along the relation's direction and within half a
         * cell across it ("directly above").
         */
        boolean strict(ObjectInstance target, ObjectInstance anchor, double cell) {
            return along(target, anchor) >= cell / 2 && Math.abs(across(target, anchor)) <= cell / 2;
        }

        /** Loose: the target is more than a quarter cell further along the direction, at any offset across it. */
        boolean loose(ObjectInstance target, ObjectInstance anchor, double cell) {
            return along(target, anchor) > cell / 4;
        }

        private double along(ObjectInstance t, ObjectInstance a) {
            return switch (this) {
                case ABOVE -> a.centreY() - t.centreY();
                case BELOW -> t.centreY() - a.centreY();
                case LEFT_OF -> a.centreX() - t.centreX();
                case RIGHT_OF -> t.centreX() - a.centreX();
            };
        }

        private double across(ObjectInstance t, ObjectInstance a) {
            return (this == ABOVE || this == BELOW) ? t.centreX() - a.centreX() : t.centreY() - a.centreY();
        }
    }

    enum Superlative {
        LARGEST("largest"), SMALLEST("smallest");

        final String word;

        Superlative(String word) {
            this.word = word;
        }
    }

    /**
     * The constraints of one expression: a description of the target, optionally a superlative over the objects
     * that fit the description, or a relation to an anchor that its own description must identify uniquely.
     */
    record Query(Description target, Superlative superlative, Relation relation, Description anchor) {
        Query {
            if (target == null || (relation == null) != (anchor == null) || (superlative != null && relation != null)) {
                throw new IllegalArgumentException("inconsistent query " + target + " " + superlative + " " + relation
                        + " " + anchor);
            }
        }

        static Query of(Description target) {
            return new Query(target, null, null, null);
        }
    }

    /**
     * The ids of the objects that the query admits under its loose reading, plus the target when it satisfies the
     * strict reading; the query is unambiguous for {@code target} exactly when this returns {@code [target]}.
     *
     * @param cell the side of a grid cell in pixels, {@code min(width, height) / 3}
     */
    static List<Integer> candidates(Query q, List<ObjectInstance> objects, int target, double cell) {
        List<Integer> out = new ArrayList<>();
        ObjectInstance t = objects.get(target);
        if (strict(q, objects, t, cell)) {
            out.add(target);
        }
        for (ObjectInstance o : objects) {
            if (o.id() != target && loose(q, objects, o, cell)) {
                out.add(o.id());
            }
        }
        return out;
    }

    /** True when exactly {@code target} fits the query (see the class comment). */
    static boolean unambiguous(Query q, List<ObjectInstance> objects, int target, double cell) {
        List<Integer> c = candidates(q, objects, target, cell);
        return c.size() == 1 && c.get(0) == target;
    }

    /** The single object that {@code d} identifies under its loose reading, or -1 when none or several do. */
    static int identify(Description d, List<ObjectInstance> objects) {
        int found = -1;
        for (ObjectInstance o : objects) {
            if (d.loose(o)) {
                if (found >= 0) {
                    return -1;
                }
                found = o.id();
            }
        }
        return found;
    }

    private static boolean strict(Query q, List<ObjectInstance> objects, ObjectInstance o, double cell) {
        if (!q.target().strict(o)) {
            return false;
        }
        if (q.relation() != null) {
            int a = identify(q.anchor(), objects);
            return a >= 0 && a != o.id() && q.relation().strict(o, objects.get(a), cell);
        }
        if (q.superlative() != null) {
            return beatsAll(q, objects, o);
        }
        return true;
    }

    private static boolean loose(Query q, List<ObjectInstance> objects, ObjectInstance o, double cell) {
        if (!q.target().loose(o)) {
            return false;
        }
        if (q.relation() != null) {
            // Without a uniquely identified anchor nothing is excluded: every object that fits the target's
            // description might be meant.
            int a = identify(q.anchor(), objects);
            return a < 0 || (a != o.id() && q.relation().loose(o, objects.get(a), cell));
        }
        if (q.superlative() != null) {
            // Loosely, any object that no other fitting object clearly beats could be meant.
            return beatenBy(q, objects, o) == 0;
        }
        return true;
    }

    /** Whether {@code o} beats every other object fitting the description by the margin; needs a competitor. */
    private static boolean beatsAll(Query q, List<ObjectInstance> objects, ObjectInstance o) {
        int rivals = 0;
        for (ObjectInstance other : objects) {
            if (other.id() == o.id() || !q.target().loose(other)) {
                continue;
            }
            rivals++;
            boolean beats = q.superlative() == Superlative.LARGEST
                    ? o.area() >= SUPERLATIVE_MARGIN * other.area()
                    : SUPERLATIVE_MARGIN * o.area() <= other.area();
            if (!beats) {
                return false;
            }
        }
        return rivals > 0;
    }

    /** Number of other objects fitting the description that clearly beat {@code o} (by the margin). */
    private static int beatenBy(Query q, List<ObjectInstance> objects, ObjectInstance o) {
        int n = 0;
        for (ObjectInstance other : objects) {
            if (other.id() == o.id() || !q.target().loose(other)) {
                continue;
            }
            boolean beaten = q.superlative() == Superlative.LARGEST
                    ? other.area() >= SUPERLATIVE_MARGIN * o.area()
                    : SUPERLATIVE_MARGIN * other.area() <= o.area();
            if (beaten) {
                n++;
            }
        }
        return n;
    }
}
