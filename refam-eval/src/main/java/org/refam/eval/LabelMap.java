package org.refam.eval;

import org.refam.api.Mask;

/**
 * An object-id annotation of one video frame (a DAVIS palette PNG): each pixel holds the id of the object it belongs
 * to, 0 for background, row-major.
 *
 * @param height rows
 * @param width columns
 * @param labels {@code height * width} ids as unsigned bytes (0..255), owned by the map: callers must not modify them
 *
 * <p>Thread-safety: immutable by contract (the array is not copied).
 */
public record LabelMap(int height, int width, byte[] labels) {
    public LabelMap {
        if (height < 1 || width < 1 || labels == null || (long) labels.length != (long) height * width) {
            throw new IllegalArgumentException("a " + height + "x" + width + " label map needs " + (long) height * width
                    + " labels, got " + (labels == null ? "null" : labels.length));
        }
    }

    /** The mask of object {@code id} (1..255): the pixels labelled {@code id}. */
    public Mask mask(int id) {
        boolean[] d = new boolean[labels.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (labels[i] & 0xFF) == id;
        }
        return new Mask(height, width, d);
    }
}
