package org.refam.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.refam.api.BackendNotFoundException;

/** Segmenter lookup by name. */
class SegmentersTest {
    @Test
    void noneMeansTheBuiltInMask() {
        assertThat(Segmenters.open("none", null)).isNull();
        assertThat(Segmenters.open(" NONE ", null)).isNull();
        assertThat(Segmenters.open(null, null)).isNull();
    }

    @Test
    void unknownNameListsWhatIsAvailable() {
        assertThat(Segmenters.available()).as("no segmenter jar on this module's test class path").isEmpty();
        assertThatThrownBy(() -> Segmenters.open("sam2", null)).isInstanceOf(BackendNotFoundException.class)
                .hasMessageContaining("'sam2'").hasMessageContaining("refam-onnx").hasMessageContaining("'none'");
    }
}
