package org.refam.examples.refshapes;

import java.util.Arrays;
import java.util.Locale;

/**
 * The templates of RefShapes referring expressions. Each fixes which constraints the expression states; the
 * generator keeps an expression only when exactly one object of its scene satisfies those constraints (see
 * {@link RefShapesGenerator} for the precise rules).
 *
 * <p>Thread-safety: immutable.
 */
public enum ExpressionTemplate {
    /** Size, colour and shape: "the small red circle". */
    SIZE_COLOUR_SHAPE,
    /** Colour and shape: "the red circle". */
    COLOUR_SHAPE,
    /** Size and shape: "the large star". */
    SIZE_SHAPE,
    /** Shape alone: "the triangle". */
    SHAPE,
    /** Colour alone: "the red one". */
    COLOUR_ONE,
    /** Size alone: "the small one". */
    SIZE_ONE,
    /** Location alone: "the object in the center", "the shape on the left". */
    CELL,
    /** Shape and location: "the circle in the top right". */
    SHAPE_CELL,
    /** Colour, shape and location: "a blue square on the left". */
    COLOUR_SHAPE_CELL,
    /** Relation to a uniquely described anchor object: "the triangle above the green star". */
    RELATION,
    /** Largest or smallest by painted area: "the largest object", "the smallest circle". */
    SUPERLATIVE;

    /** The identifier written to index.json ("colour_shape"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The template with identifier {@code id}.
     *
     * @throws IllegalArgumentException if none has it
     */
    public static ExpressionTemplate fromId(String id) {
        for (ExpressionTemplate t : values()) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown expression template '" + id + "', expected one of "
                + Arrays.stream(values()).map(ExpressionTemplate::id).toList());
    }
}
