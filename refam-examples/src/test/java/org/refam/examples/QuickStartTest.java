package org.refam.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.refam.api.GroundingResult;

/** The README example runs on the embedded model through the automatically chosen (onnx) backend. */
class QuickStartTest {
    @Test
    void groundsTheSampleWithTheDefaultBackend() {
        GroundingResult r = QuickStart.ground(Path.of("../samples/shapes.png"), "the large yellow circle");
        assertThat(r.provider()).isEqualTo("CPU");
        assertThat(r.imageHeatMap().width()).isEqualTo(48);
        assertThat(r.peak().x()).isBetween(0, 47);
        assertThat(r.selection().keptPositions()).hasSize(3);
        assertThat(r.prompt().magnets()).hasSize(5);
    }
}
