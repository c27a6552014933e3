package org.refam.examples.refshapes;

import java.util.Arrays;
import java.util.Locale;

/**
 * The size class of an object. In the standard variant a large object spans 0.85..0.95 of its grid cell and a
 * small one 0.52..0.6; in the hard variant 0.27..0.31 and 0.17..0.2 of the image side. Large is therefore always at
 * least 1.4 times as wide as small.
 *
 * <p>Thread-safety: immutable.
 */
public enum SizeWord {
    SMALL("small"),
    LARGE("large");

    private final String word;

    SizeWord(String word) {
        this.word = word;
    }

    /** The English adjective ("small", "large"). */
    public String word() {
        return word;
    }

    /**
     * The size named by {@code word} (case-insensitive).
     *
     * @throws IllegalArgumentException if no size has that word
     */
    public static SizeWord fromWord(String word) {
        for (SizeWord s : values()) {
            if (s.word.equals(word == null ? null : word.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown size '" + word + "', expected one of "
                + Arrays.stream(values()).map(v -> v.word).toList());
    }
}
