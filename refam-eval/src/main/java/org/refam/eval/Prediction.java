package org.refam.eval;

import org.refam.api.Mask;
import org.refam.api.PixelPoint;

/**
 * What a grounder predicted for one sample: a point and a mask, or why it could not ground the sample.
 *
 * @param point the predicted point (heat-map peak, or a baseline's point) in image pixels; null when failed
 * @param mask the predicted mask at image size; null when failed
 * @param failure why the sample could not be grounded (an unusable expression, ...); null on success
 *
 * <p>Thread-safety: immutable.
 */
public record Prediction(PixelPoint point, Mask mask, String failure) {
    public Prediction {
        if (failure == null && (point == null || mask == null)) {
            throw new IllegalArgumentException("a prediction needs a point and a mask, or a failure reason");
        }
    }

    /** A successful prediction. */
    public static Prediction of(PixelPoint point, Mask mask) {
        return new Prediction(point, mask, null);
    }

    /** A sample that could not be grounded, and why. */
    public static Prediction failed(String reason) {
        return new Prediction(null, null, reason);
    }

    /** True when the sample could not be grounded. */
    public boolean failed() {
        return failure != null;
    }
}
