package org.refam.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.refam.api.GroundingResult;
import org.refam.api.HeatMap;
import org.refam.api.RgbImage;
import org.refam.core.fixture.PlantedAttentionExtractor;

/** The averaged text-to-text attention a result carries for inspection (the picture where sinks are columns). */
class TextAttentionTest {
    private static final RgbImage IMAGE = new RgbImage(32, 32, new byte[3 * 32 * 32]);

    @Test
    void carriedOnlyWhenTokenMapsAreKeptAndShowsTheSinkAsTheBrightestColumn() {
        PlantedAttentionExtractor fixture = PlantedAttentionExtractor.create();
        GroundingResult plain = new RefAM(fixture, RefAMConfig.defaults()).ground(IMAGE, "the red circle");
        assertThat(plain.textAttention()).isNull();

        GroundingResult r = new RefAM(fixture, RefAMConfig.defaults().toBuilder().keepTokenMaps(true).build())
                .ground(IMAGE, "the red circle");
        HeatMap text = r.textAttention();
        int t = r.prompt().size();
        assertThat(text).isNotNull();
        assertThat(text.height()).isEqualTo(t);
        assertThat(text.width()).isEqualTo(t);
        double[] column = new double[t];
        for (int q = 0; q < t; q++) {
            for (int k = 0; k < t; k++) {
                column[k] += text.get(q, k);
            }
        }
        int brightest = 0;
        for (int k = 1; k < t; k++) {
            if (column[k] > column[brightest]) {
                brightest = k;
            }
        }
        // raw attention, before sink handling: the planted sink's column dominates
        assertThat(brightest).isEqualTo(fixture.sinkPosition());
    }
}
