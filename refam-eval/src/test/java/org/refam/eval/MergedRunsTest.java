package org.refam.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.refam.eval.TestData.rects;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.refam.api.Mask;

/** How the objects of an annotation run are merged and scored against the ground-truth objects. */
class MergedRunsTest {
    /** The ground-truth objects are ids 1..max of the first annotated frame; 255 is not an object. */
    @Test
    void groundTruthObjectsComeFromTheFirstAnnotatedFrame() {
        byte[] first = new byte[6];
        first[0] = 2;
        first[1] = (byte) 255;
        byte[] later = new byte[6];
        later[0] = 5;
        LabelMap[] frames = {null, new LabelMap(2, 3, first), new LabelMap(2, 3, later)};
        MergedRuns runs = new MergedRuns(frames);
        assertThat(runs.objects()).isEqualTo(2);
        // object 1 never appears: an empty proposal scores 1 on it; object 2 is there in frame 1 only
        double[][] empty = runs.empty();
        assertThat(empty[0]).containsExactly(1.0, 0.5);
    }

    /** Within a run the first object keeps a contested pixel; runs do not interact. */
    @Test
    void theFirstObjectOfARunKeepsContestedPixels() {
        byte[] labels = new byte[12];
        labels[0] = 1;
        labels[1] = 1;
        labels[2] = 2;
        LabelMap[] frames = {new LabelMap(3, 4, labels)};
        MergedRuns runs = new MergedRuns(frames);
        Mask wide = rects(3, 4, new int[] {0, 0, 3, 1});
        Mask right = rects(3, 4, new int[] {1, 0, 3, 1});
        double[][] a = runs.add(0, List.of(wide), true);
        assertThat(a[0]).containsExactly(2.0 / 3, 1.0 / 3);
        double[][] b = runs.add(0, List.of(right), true);
        assertThat(b[0]).as("every pixel of the second object was taken").containsExactly(0.0, 0.0);
        double[][] c = runs.add(1, List.of(right), true);
        assertThat(c[0]).as("another run starts empty").containsExactly(1.0 / 3, 1.0 / 2);
    }
}
