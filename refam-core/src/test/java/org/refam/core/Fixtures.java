package org.refam.core;

import org.refam.api.GroundingResult;
import org.refam.api.HeatMap;
import org.refam.api.PixelPoint;
import org.refam.api.RgbImage;
import org.refam.core.fixture.PlantedAttentionExtractor;

/** Shared inputs and measurements for the pipeline tests. */
final class Fixtures {
    /** A non-square test image (96 wide, 64 high); the fixture ignores its pixels. */
    static final RgbImage IMAGE = new RgbImage(96, 64, new byte[96 * 64 * 3]);
    static final String EXPRESSION = "the red ball";
    /** Default target sigma of the fixture, relative to the image side. */
    static final double TARGET_SIGMA = 0.08;

    private Fixtures() {
    }

    /** Distance from {@code p} to the relative point {@code c}, in units of the target sigma per axis. */
    static double sigmas(PixelPoint p, double[] c) {
        double dx = (p.x() + 0.5 - c[0] * IMAGE.width()) / (TARGET_SIGMA * IMAGE.width());
        double dy = (p.y() + 0.5 - c[1] * IMAGE.height()) / (TARGET_SIGMA * IMAGE.height());
        return Math.sqrt(dx * dx + dy * dy);
    }

    /** The grid heat map's value at the relative point {@code c}. */
    static float at(HeatMap m, double[] c) {
        return m.get((int) (c[1] * m.height()), (int) (c[0] * m.width()));
    }

    /** Heat at the target centre over heat at the background centre, on the grid. */
    static double targetToBackground(GroundingResult r, PlantedAttentionExtractor ex) {
        double[] t = ex.targetCentre(r.expression());
        return at(r.gridHeatMap(), t) / at(r.gridHeatMap(), PlantedAttentionExtractor.backgroundCentre(t));
    }

    /** Smallest over largest value of a heat map: the flat floor a sink leaves. */
    static double floor(HeatMap m) {
        float min = Float.MAX_VALUE;
        for (float v : m.values()) {
            min = Math.min(min, v);
        }
        return min / m.max();
    }
}
