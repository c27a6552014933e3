package org.refam.eval;

import java.util.Objects;
import org.refam.api.Mask;

/**
 * An object of an image, for the trivial baselines of the RefShapes ablation: its centre and its mask.
 *
 * @param id the object's id within its image
 * @param centreX x of the object's centre in pixel units (pixel {@code x} spans {@code [x, x + 1)})
 * @param centreY y of the centre
 * @param mask the object's mask at image size
 *
 * <p>Thread-safety: immutable.
 */
public record SceneObject(String id, double centreX, double centreY, Mask mask) {
    public SceneObject {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(mask, "mask");
    }
}
