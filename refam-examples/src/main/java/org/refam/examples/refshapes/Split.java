package org.refam.examples.refshapes;

import java.util.Locale;

/**
 * A dataset split, defined by a disjoint range of scene seeds.
 *
 * <p>Split {@code k} (train 0, val 1, test 2) owns the scene seeds {@code [k * 2^40, (k + 1) * 2^40)}. A
 * generator run with start seed {@code s} and count {@code n} draws scenes {@code base + s, ..., base + s + n - 1},
 * and {@code s + n} may not exceed {@code 2^40}, so no two splits ever share a scene, whatever seeds and counts
 * are chosen. A scene depends only on its scene seed and the rendering options (variant, size, object counts),
 * never on its position in a run.
 *
 * <p>Thread-safety: immutable.
 */
public enum Split {
    TRAIN,
    VAL,
    TEST;

    /** Number of scene seeds each split owns: {@code 2^40}. */
    public static final long SEEDS_PER_SPLIT = 1L << 40;

    /** First scene seed of this split's range. */
    public long seedBase() {
        return ordinal() * SEEDS_PER_SPLIT;
    }

    /** The identifier written to index.json and used in file names ("train", "val", "test"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The split with identifier {@code id}.
     *
     * @throws IllegalArgumentException if none has it
     */
    public static Split fromId(String id) {
        for (Split s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown split '" + id + "', expected train, val or test");
    }
}
