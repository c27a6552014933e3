package org.refam.examples.refshapes;

import java.util.Locale;

/**
 * How a scene is laid out and painted.
 *
 * <p>Thread-safety: immutable.
 */
public enum Variant {
    /**
     * One object per cell of the 3x3 grid, on a smooth two-colour gradient with at most one level of pixel noise.
     * For training and the main evaluation.
     */
    STANDARD,
    /**
     * Free placement (no grid; objects kept at least 2 pixels apart, never overlapping) on textured backgrounds
     * (stripes, plaid or blotches, with pixel noise of up to 6 levels). An object's cell is the one containing its
     * centre, so two objects can share a cell. For the harder evaluation.
     */
    HARD;

    /** The identifier written to index.json ("standard", "hard"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The variant with identifier {@code id}.
     *
     * @throws IllegalArgumentException if none has it
     */
    public static Variant fromId(String id) {
        for (Variant v : values()) {
            if (v.id().equals(id)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown variant '" + id + "', expected standard or hard");
    }
}
