package org.refam.examples.refshapes;

import java.util.Arrays;
import java.util.Locale;

/**
 * The shapes RefShapes draws, each rasterised upright, without anti-aliasing, inside a square of side
 * {@code extent} pixels centred on the object's centre (see {@link ObjectInstance}).
 *
 * <p>Thread-safety: immutable.
 */
public enum Shape {
    /** A disc of diameter {@code extent}. */
    CIRCLE("circle"),
    /** An axis-aligned square of side {@code 0.85 * extent} (so that its area is close to the circle's). */
    SQUARE("square"),
    /** An isosceles triangle pointing up, {@code extent} wide and {@code 0.925 * extent} tall. */
    TRIANGLE("triangle"),
    /** A five-pointed star pointing up, inner radius {@code 0.45} of the outer one. */
    STAR("star"),
    /** A rhombus standing on a vertex, {@code 0.75 * extent} wide and {@code extent} tall. */
    DIAMOND("diamond"),
    /** A plus sign whose arms are {@code 0.3 * extent} thick. */
    CROSS("cross");

    private final String word;

    Shape(String word) {
        this.word = word;
    }

    /** The English noun used in expressions, captions and index.json ("circle"). */
    public String word() {
        return word;
    }

    /**
     * The shape named by {@code word} (case-insensitive).
     *
     * @throws IllegalArgumentException if no shape has that word; the message lists the known words
     */
    public static Shape fromWord(String word) {
        for (Shape s : values()) {
            if (s.word.equals(word == null ? null : word.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown shape '" + word + "', expected one of "
                + Arrays.stream(values()).map(v -> v.word).toList());
    }
}
