package org.refam.eval;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.refam.api.Mask;

/** Paths of the committed fixtures (written by tools/fixtures/write_eval_fixtures.py) and mask helpers. */
public final class TestData {
    private TestData() {
    }

    /** A folder under src/test/resources/fixtures. */
    public static Path fixture(String name) {
        try {
            return Path.of(TestData.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The REFER data folder of the fixture. */
    public static Path refer() {
        return fixture("refer");
    }

    /** The fixture's COCO train2014 folder. */
    public static Path cocoImages() {
        return refer().resolve("images/mscoco/images/train2014");
    }

    /** A mask with the rectangles {x0, y0, x1, y1} (x0 <= x < x1, y0 <= y < y1) set. */
    public static Mask rects(int h, int w, int[]... rects) {
        boolean[] d = new boolean[h * w];
        for (int[] r : rects) {
            for (int y = r[1]; y < r[3]; y++) {
                for (int x = r[0]; x < r[2]; x++) {
                    d[y * w + x] = true;
                }
            }
        }
        return new Mask(h, w, d);
    }

    /** A mask with the listed pixels (x, y pairs) set. */
    public static Mask pixels(int h, int w, int... xy) {
        boolean[] d = new boolean[h * w];
        for (int k = 0; k < xy.length; k += 2) {
            d[xy[k + 1] * w + xy[k]] = true;
        }
        return new Mask(h, w, d);
    }

    /** The set pixels of a mask as "x,y" strings, for readable assertion failures. */
    public static java.util.List<String> setPixels(Mask m) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int y = 0; y < m.height(); y++) {
            for (int x = 0; x < m.width(); x++) {
                if (m.get(x, y)) {
                    out.add(x + "," + y);
                }
            }
        }
        return out;
    }
}
