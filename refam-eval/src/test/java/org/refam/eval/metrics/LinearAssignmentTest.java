package org.refam.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class LinearAssignmentTest {

    /** The example of scipy's linear_sum_assignment documentation: rows 0, 1, 2 to columns 1, 0, 2, cost 5. */
    @Test
    void scipyDocumentationExample() {
        double[] cost = {4, 1, 3, 2, 0, 5, 3, 2, 2};
        assertThat(LinearAssignment.minimize(cost, 3, 3)).containsExactly(1, 0, 2);
    }

    /**
     * On seeded random matrices, square and rectangular both ways, the assignment is valid (each row of the smaller
     * side gets its own column) and its cost equals the least cost over all injective assignments. Small integer costs
     * make ties frequent.
     */
    @ParameterizedTest
    @CsvSource({"1,1", "1,4", "4,1", "2,3", "3,2", "3,3", "4,4", "5,5", "3,6", "6,3", "2,7", "6,6", "7,5"})
    void optimalAgainstBruteForce(int rows, int cols) {
        Random rnd = new Random(31L * rows + cols);
        for (int trial = 0; trial < 40; trial++) {
            boolean ties = trial % 2 == 0;
            double[] cost = new double[rows * cols];
            for (int k = 0; k < cost.length; k++) {
                cost[k] = ties ? rnd.nextInt(3) : rnd.nextDouble() * 10 - 5;
            }
            int[] a = LinearAssignment.minimize(cost, rows, cols);
            assertThat(a).hasSize(rows);
            int assigned = 0;
            boolean[] used = new boolean[cols];
            double total = 0;
            for (int r = 0; r < rows; r++) {
                if (a[r] < 0) {
                    continue;
                }
                assertThat(used[a[r]]).as("column %d used twice in %s", a[r], Arrays.toString(a)).isFalse();
                used[a[r]] = true;
                assigned++;
                total += cost[r * cols + a[r]];
            }
            assertThat(assigned).isEqualTo(Math.min(rows, cols));
            assertThat(total).as("cost of %s for %s", Arrays.toString(a), Arrays.toString(cost))
                    .isCloseTo(bruteForce(cost, rows, cols), within(1e-9));
        }
    }

    /**
     * A constant matrix gives the identity, as scipy's solver does (it scans the columns in reverse order for this
     * reason, scipy issue 11602); a tall matrix is solved transposed, so its last rows stay unassigned.
     */
    @Test
    void constantCostsGiveTheIdentity() {
        assertThat(LinearAssignment.minimize(new double[16], 4, 4)).containsExactly(0, 1, 2, 3);
        assertThat(LinearAssignment.minimize(new double[12], 3, 4)).containsExactly(0, 1, 2);
        assertThat(LinearAssignment.minimize(new double[12], 4, 3)).containsExactly(0, 1, 2, -1);
    }

    @Test
    void emptyAndBadMatrices() {
        assertThat(LinearAssignment.minimize(new double[0], 0, 3)).isEmpty();
        assertThat(LinearAssignment.minimize(new double[0], 2, 0)).containsExactly(-1, -1);
        assertThatThrownBy(() -> LinearAssignment.minimize(new double[5], 2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2x3").hasMessageContaining("got 5");
        assertThatThrownBy(() -> LinearAssignment.minimize(new double[] {0, Double.NaN}, 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 1) is NaN");
    }

    /** The least cost over all injective maps of the smaller side into the larger one. */
    private static double bruteForce(double[] cost, int rows, int cols) {
        boolean transpose = rows > cols;
        int n = transpose ? cols : rows;
        int m = transpose ? rows : cols;
        return search(cost, cols, transpose, 0, n, new boolean[m]);
    }

    private static double search(double[] cost, int cols, boolean transpose, int i, int n, boolean[] used) {
        if (i == n) {
            return 0;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < used.length; j++) {
            if (!used[j]) {
                used[j] = true;
                double c = transpose ? cost[j * cols + i] : cost[i * cols + j];
                best = Math.min(best, c + search(cost, cols, transpose, i + 1, n, used));
                used[j] = false;
            }
        }
        return best;
    }
}
