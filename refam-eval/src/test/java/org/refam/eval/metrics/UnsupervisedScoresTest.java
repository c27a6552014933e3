package org.refam.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class UnsupervisedScoresTest {
    private static final double[] NEVER_EMPTY = {0, 0};

    /** Proposal 0 fits object 2 and proposal 1 object 1: the assignment swaps them back and both score 1. */
    @Test
    void matchingRepairsSwappedPredictions() {
        UnsupervisedScores u = new UnsupervisedScores();
        double[] swapped = {0, 1, 1, 0};
        assertThat(u.add(0, 2, swapped, swapped, NEVER_EMPTY, NEVER_EMPTY)).containsExactly(1, 0);
        UnsupervisedSummary s = u.summary();
        assertThat(s.j()).isEqualTo(1.0);
        assertThat(s.f()).isEqualTo(1.0);
        assertThat(s.objects()).isEqualTo(2);
        assertThat(s.sequences()).isEqualTo(1);
    }

    /** One proposal for two objects: the second object gets an empty padding proposal, J = 0 unless its GT is empty. */
    @Test
    void aMissingProposalIsPaddedWithAnEmptyMask() {
        UnsupervisedScores u = new UnsupervisedScores();
        assertThat(u.add(0, 1, new double[] {0.8, 0.1}, new double[] {0.6, 0.1}, NEVER_EMPTY, NEVER_EMPTY))
                .containsExactly(0, 1);
        assertThat(u.summary().j()).isCloseTo(0.4, within(1e-12));
        assertThat(u.summary().f()).isCloseTo(0.3, within(1e-12));

        // object 2 empty in half of the frames: the padding scores 0.5 there
        UnsupervisedScores v = new UnsupervisedScores();
        v.add(0, 0, new double[0], new double[0], new double[] {0, 0.5}, new double[] {0, 0.5});
        assertThat(v.summary().j()).isCloseTo(0.25, within(1e-12));
        assertThat(v.summary().perRun().get(0).objects()).isEqualTo(2);
    }

    /** With more proposals than objects, the best one is matched and the others count for nothing. */
    @Test
    void extraProposalsAreLeftUnmatched() {
        UnsupervisedScores u = new UnsupervisedScores();
        assertThat(u.add(2, 3, new double[] {0.2, 0.9, 0.5}, new double[] {0.2, 0.7, 0.9}, new double[] {0},
                new double[] {0})).containsExactly(1);
        assertThat(u.summary().perRun()).containsOnlyKeys(2);
        assertThat(u.summary().jf()).isCloseTo(0.8, within(1e-12));
    }

    /** The pairing maximises the sum of (J + F) / 2, not of J alone. */
    @Test
    void matchingUsesTheMeanOfJAndF() {
        UnsupervisedScores u = new UnsupervisedScores();
        // J prefers the identity (0.6 + 0.6 > 0.5 + 0.5), J + F the swap (0.5+0.9)*2 > (0.6+0.1)*2
        double[] j = {0.6, 0.5, 0.5, 0.6};
        double[] f = {0.1, 0.9, 0.9, 0.1};
        assertThat(u.add(0, 2, j, f, NEVER_EMPTY, NEVER_EMPTY)).containsExactly(1, 0);
        assertThat(u.summary().j()).isCloseTo(0.5, within(1e-12));
        assertThat(u.summary().f()).isCloseTo(0.9, within(1e-12));
    }

    /**
     * Within a run every object of every sequence weighs the same (a 2-object sequence counts twice a 1-object one);
     * runs weigh the same whatever their object counts.
     */
    @Test
    void objectsAreAveragedWithinARunAndRunsAcrossRuns() {
        UnsupervisedScores u = new UnsupervisedScores();
        u.add(0, 2, new double[] {1, 0, 0, 1}, new double[] {1, 0, 0, 1}, NEVER_EMPTY, NEVER_EMPTY);
        u.add(0, 1, new double[] {0.1}, new double[] {0.1}, new double[] {0}, new double[] {0});
        u.add(1, 1, new double[] {0.5}, new double[] {0.3}, new double[] {0}, new double[] {0});
        u.leaveOut();
        UnsupervisedSummary s = u.summary();
        assertThat(s.perRun().get(0).j()).isCloseTo(2.1 / 3, within(1e-12));
        assertThat(s.perRun().get(0).sequences()).isEqualTo(2);
        assertThat(s.perRun().get(1).jf()).isCloseTo(0.4, within(1e-12));
        assertThat(s.j()).isCloseTo((2.1 / 3 + 0.5) / 2, within(1e-12));
        assertThat(s.f()).isCloseTo((2.1 / 3 + 0.3) / 2, within(1e-12));
        assertThat(s.jf()).isCloseTo((s.j() + s.f()) / 2, within(1e-15));
        assertThat(s.objects()).isEqualTo(4);
        assertThat(s.sequences()).isEqualTo(3);
        assertThat(s.leftOut()).isEqualTo(1);
    }

    @Test
    void emptyIsNaNAndBadInputIsRefused() {
        UnsupervisedScores u = new UnsupervisedScores();
        assertThat(u.summary().jf()).isNaN();
        assertThatThrownBy(() -> u.add(0, 21, new double[21], new double[21], new double[1], new double[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("21 proposals")
                .hasMessageContaining("0..20");
        assertThatThrownBy(() -> u.add(0, 1, new double[1], new double[2], new double[1], new double[1]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> u.add(0, 1, new double[] {1.5}, new double[1], new double[1], new double[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("J=1.5");
        assertThatThrownBy(() -> u.add(-1, 0, new double[0], new double[0], new double[0], new double[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }
}
