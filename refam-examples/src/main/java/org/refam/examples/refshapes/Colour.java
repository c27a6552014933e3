package org.refam.examples.refshapes;

import java.util.Arrays;
import java.util.Locale;
import org.refam.api.RgbImage;

/**
 * The flat fill colours of RefShapes objects, as 8-bit sRGB.
 *
 * <p>Every colour has at least one channel outside {@code [50, 205]}, the range the backgrounds are clamped to,
 * so no background pixel can ever have an object's exact colour; that keeps masks recoverable from the painted
 * image. "pink" is deliberately absent: it is one of the pipeline's default attention-magnet words
 * (method.md section 2, step 1) and must not name an object.
 *
 * <p>Thread-safety: immutable.
 */
public enum Colour {
    RED("red", 215, 35, 35),
    GREEN("green", 35, 165, 60),
    BLUE("blue", 35, 75, 215),
    YELLOW("yellow", 240, 215, 35),
    ORANGE("orange", 245, 135, 25),
    PURPLE("purple", 130, 40, 190),
    WHITE("white", 245, 245, 245),
    BLACK("black", 20, 20, 20);

    private final String word;
    private final int r;
    private final int g;
    private final int b;

    Colour(String word, int r, int g, int b) {
        this.word = word;
        this.r = r;
        this.g = g;
        this.b = b;
    }

    /** The English adjective used in expressions, captions and index.json ("red"). */
    public String word() {
        return word;
    }

    /** Red channel, 0..255. */
    public int red() {
        return r;
    }

    /** Green channel, 0..255. */
    public int green() {
        return g;
    }

    /** Blue channel, 0..255. */
    public int blue() {
        return b;
    }

    /** True when pixel {@code (x, y)} of {@code image} has exactly this colour. */
    public boolean matches(RgbImage image, int x, int y) {
        return image.channel(x, y, 0) == r && image.channel(x, y, 1) == g && image.channel(x, y, 2) == b;
    }

    /**
     * The colour named by {@code word} (case-insensitive).
     *
     * @throws IllegalArgumentException if no colour has that word; the message lists the known words
     */
    public static Colour fromWord(String word) {
        for (Colour c : values()) {
            if (c.word.equals(word == null ? null : word.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown colour '" + word + "', expected one of "
                + Arrays.stream(values()).map(v -> v.word).toList());
    }
}
