package org.refam.eval.coco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.refam.eval.TestData.pixels;
import static org.refam.eval.TestData.rects;
import static org.refam.eval.TestData.setPixels;

import org.junit.jupiter.api.Test;
import org.refam.api.Mask;

/** COCO rasterisation and RLE decoding on shapes worked out by hand from the pycocotools algorithm. */
class CocoMasksTest {
    private static Mask decode(int[] counts, int h, int w) {
        boolean[] d = new boolean[h * w];
        CocoMasks.decodeInto(counts, h, w, d);
        return new Mask(h, w, d);
    }

    @Test
    void rectangleWithIntegerCornersCoversTheHalfOpenPixelRange() {
        // worked by hand: transitions at (1,1) (2,1) (3,1) and (1,3) (2,3) (3,3) -> counts 7,2,4,2,4,2,15 on 6x6
        int[] counts = CocoMasks.polygonCounts(new double[] {1, 1, 4, 1, 4, 3, 1, 3}, 6, 6);
        assertThat(counts).containsExactly(7, 2, 4, 2, 4, 2, 15);
        assertThat(setPixels(decode(counts, 6, 6))).isEqualTo(setPixels(rects(6, 6, new int[] {1, 1, 4, 3})));
    }

    @Test
    void verticesAreRoundedOnTheFiveTimesGrid() {
        // 0.95 -> (int)(4.75 + .5) = 5 = 1.0 on the 5x grid; 3.92 -> 20 = 4.0; the same rectangle as above
        Mask m = decode(CocoMasks.polygonCounts(new double[] {0.95, 1.05, 3.92, 1.05, 3.92, 2.95, 0.95, 2.95}, 6, 6),
                6, 6);
        assertThat(setPixels(m)).isEqualTo(setPixels(rects(6, 6, new int[] {1, 1, 4, 3})));
        // 1.3 -> 7 on the 5x grid: the left edge passes the centre of column 1 at 7.5 -> column 1 is still inside
        Mask n = decode(CocoMasks.polygonCounts(new double[] {1.3, 1, 4, 1, 4, 3, 1.3, 3}, 6, 6), 6, 6);
        assertThat(setPixels(n)).isEqualTo(setPixels(rects(6, 6, new int[] {1, 1, 4, 3})));
        // 1.6 -> 8 lies right of 7.5: column 1 drops out
        Mask o = decode(CocoMasks.polygonCounts(new double[] {1.6, 1, 4, 1, 4, 3, 1.6, 3}, 6, 6), 6, 6);
        assertThat(setPixels(o)).isEqualTo(setPixels(rects(6, 6, new int[] {2, 1, 4, 3})));
    }

    @Test
    void triangleKeepsOnlyPixelsWhoseCentresAreInside() {
        // (0,0) (2,0) (0,2) on 3x3, worked by hand: counts 0, 1, 8 -> only pixel (0,0); the centres (1.5, 0.5) and
        // (0.5, 1.5) lie on the hypotenuse and are out
        int[] counts = CocoMasks.polygonCounts(new double[] {0, 0, 2, 0, 0, 2}, 3, 3);
        assertThat(counts).containsExactly(0, 1, 8);
        assertThat(setPixels(decode(counts, 3, 3))).containsExactly("0,0");
    }

    @Test
    void polygonsAreClippedToTheImage() {
        Mask m = decode(CocoMasks.polygonCounts(new double[] {-3, -2, 3, -2, 3, 2, -3, 2}, 4, 5), 4, 5);
        assertThat(setPixels(m)).isEqualTo(setPixels(rects(4, 5, new int[] {0, 0, 3, 2})));
        Mask beyond = decode(CocoMasks.polygonCounts(new double[] {3, 1, 9, 1, 9, 9, 3, 9}, 4, 5), 4, 5);
        assertThat(setPixels(beyond)).isEqualTo(setPixels(rects(4, 5, new int[] {3, 1, 5, 4})));
    }

    @Test
    void degeneratePolygonsAreEmpty() {
        assertThat(CocoMasks.polygonCounts(new double[] {2, 2}, 4, 4)).containsExactly(16);
        assertThat(CocoMasks.polygonCounts(new double[] {}, 4, 4)).containsExactly(16);
        // a repeated vertex (zero-length edge) does not change the rectangle
        Mask m = decode(CocoMasks.polygonCounts(new double[] {1, 1, 4, 1, 4, 1, 4, 3, 1, 3}, 6, 6), 6, 6);
        assertThat(setPixels(m)).isEqualTo(setPixels(rects(6, 6, new int[] {1, 1, 4, 3})));
    }

    @Test
    void boxIsThePolygonThroughItsCorners() {
        Mask m = decode(CocoMasks.boxCounts(new double[] {1, 2, 3, 4}, 8, 8), 8, 8);
        assertThat(setPixels(m)).isEqualTo(setPixels(rects(8, 8, new int[] {1, 2, 4, 6})));
    }

    @Test
    void countsRunDownTheColumnsFirst() {
        // 2 rows x 3 columns: skip 1 -> (x0,y0); 2 ones -> (x0,y1) and (x1,y0); 3 zeros
        Mask m = decode(new int[] {1, 2, 3}, 2, 3);
        assertThat(setPixels(m)).isEqualTo(setPixels(pixels(2, 3, 1, 0, 0, 1)));
        assertThat(setPixels(decode(new int[] {0, 6}, 2, 3))).hasSize(6);
        assertThat(setPixels(decode(new int[] {6}, 2, 3))).isEmpty();
    }

    @Test
    void countsMustCoverTheImage() {
        assertThatThrownBy(() -> decode(new int[] {1, 2}, 2, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 pixels").hasMessageContaining("has 6");
        assertThatThrownBy(() -> decode(new int[] {7, -1}, 2, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
    }

    @Test
    void compressedStringsDecodeByHand() {
        // 7,2,4 stored as is; from the fourth count on, differences to two before: 2-2, 4-4, 2-2, 15-4 = 0,0,0,11
        assertThat(CocoMasks.countsFromString("724000;")).containsExactly(7, 2, 4, 2, 4, 2, 15);
        // 20 has bit 0x10 set in its low group, so it needs a second group: 'd' (52 | 0x20 ... ) then '0';
        // the fourth count 2 is stored as 2 - 20 = -18: groups 14 | 0x20 ('^') and 31 ('O', sign bit set)
        assertThat(CocoMasks.countsFromString("3d05^O")).containsExactly(3, 20, 5, 2);
        assertThat(CocoMasks.countsFromString("")).isEmpty();
    }

    @Test
    void badCompressedStringsAreRejected() {
        assertThatThrownBy(() -> CocoMasks.countsFromString("72 4")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("character 2");
        assertThatThrownBy(() -> CocoMasks.countsFromString("3d")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ends inside a count");
        // a negative first count
        assertThatThrownBy(() -> CocoMasks.countsFromString("O")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("decodes to -1");
    }

    @Test
    void truncationFollowsCOnX86() {
        assertThat(CocoMasks.truncate(-0.5)).isZero();
        assertThat(CocoMasks.truncate(2.9)).isEqualTo(2);
        assertThat(CocoMasks.truncate(Double.NaN)).isEqualTo(Integer.MIN_VALUE);
    }
}
