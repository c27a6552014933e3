package org.refam.examples.refshapes;

import java.util.List;

/**
 * A training caption: a description of the scene, or of a subset of its objects, naming each described object's
 * cell ("a red circle in the top left, a small blue star in the center and a green square at the bottom").
 *
 * @param text the caption in lower-case English
 * @param objects ids of the described objects, in the order the caption mentions them
 *
 * <p>Thread-safety: immutable.
 */
public record Caption(String text, List<Integer> objects) {
    public Caption {
        if (text == null || text.isBlank() || objects == null || objects.isEmpty()) {
            throw new IllegalArgumentException("a caption needs text and at least one object, got '" + text + "' "
                    + objects);
        }
        objects = List.copyOf(objects);
    }
}
