package org.refam.examples.refshapes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SplitTest {
    @Test
    void seedRangesAreAdjacentAndDisjoint() {
        assertThat(Split.TRAIN.seedBase()).isZero();
        assertThat(Split.VAL.seedBase()).isEqualTo(Split.TRAIN.seedBase() + Split.SEEDS_PER_SPLIT);
        assertThat(Split.TEST.seedBase()).isEqualTo(Split.VAL.seedBase() + Split.SEEDS_PER_SPLIT);
    }

    @Test
    void theSameLocalSeedsGiveDifferentScenesInEachSplit() {
        Set<Long> seeds = new HashSet<>();
        Set<String> ids = new HashSet<>();
        Set<Integer> images = new HashSet<>();
        for (Split split : Split.values()) {
            RefShapesGenerator g = RefShapesGenerator.builder().split(split).build();
            for (int i = 0; i < 40; i++) {
                Scene s = g.render(i).scene();
                assertThat(seeds.add(s.sceneSeed())).as("scene seed %d reused", s.sceneSeed()).isTrue();
                assertThat(ids.add(s.id())).isTrue();
                assertThat(s.id()).startsWith(split.id() + "-");
                assertThat(images.add(Arrays.hashCode(g.render(i).image().rgb()))).as("%s image repeats", s.id())
                        .isTrue();
            }
        }
        assertThat(seeds).hasSize(120);
    }

    @Test
    void aRunMayNotLeaveItsSplitsRange() {
        long last = Split.SEEDS_PER_SPLIT - 1;
        RefShapesGenerator g = RefShapesGenerator.builder().split(Split.VAL).seed(last).count(1).build();
        assertThat(g.render(last).scene().sceneSeed()).isLessThan(Split.TEST.seedBase());
        assertThatThrownBy(() -> RefShapesGenerator.builder().seed(last).count(2).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(last));
        assertThatThrownBy(() -> g.render(Split.SEEDS_PER_SPLIT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Split.fromId("dev")).hasMessageContaining("dev").hasMessageContaining("train");
    }
}
