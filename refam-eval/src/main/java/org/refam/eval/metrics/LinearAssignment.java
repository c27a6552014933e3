package org.refam.eval.metrics;

import java.util.Arrays;

/**
 * Minimum-cost assignment of a rectangular cost matrix (the linear sum assignment problem), solved by the shortest
 * augmenting path method with dual variables (Jonker-Volgenant; the variant described by D. F. Crouse, "On
 * implementing 2D rectangular assignment algorithms", IEEE TAES 52(4), 2016), the method behind
 * {@code scipy.optimize.linear_sum_assignment}, which the DAVIS 2017 evaluation calls in its unsupervised mode.
 * Among assignments of equal cost the one found follows the same rules as that method: the smaller side is assigned
 * row by row (the matrix is transposed when it has more rows than columns), and among equally short paths a free
 * column is preferred. O(n^2 m) for an n x m matrix with n <= m.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class LinearAssignment {
    private LinearAssignment() {
    }

    /**
     * The assignment of least total cost: every row is matched to a distinct column when {@code rows <= cols}, every
     * column to a distinct row otherwise.
     *
     * @param cost {@code rows x cols} costs, row-major, all finite
     * @return for each row the column assigned to it, or -1 for a row left unassigned (only when rows > cols)
     * @throws IllegalArgumentException if a side is negative, the array is not {@code rows * cols} long or a cost is
     *     NaN or infinite
     */
    static int[] minimize(double[] cost, int rows, int cols) {
        if (rows < 0 || cols < 0 || cost.length != (long) rows * cols) {
            throw new IllegalArgumentException("a " + rows + "x" + cols + " cost matrix needs " + (long) rows * cols
                    + " entries, got " + cost.length);
        }
        for (int k = 0; k < cost.length; k++) {
            if (!Double.isFinite(cost[k])) {
                throw new IllegalArgumentException("cost (" + k / cols + ", " + k % cols + ") is " + cost[k]);
            }
        }
        if (rows <= cols) {
            return solve(cost, rows, cols);
        }
        double[] t = new double[cost.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = cost[r * cols + c];
            }
        }
        int[] rowOfCol = solve(t, cols, rows);
        int[] out = new int[rows];
        Arrays.fill(out, -1);
        for (int c = 0; c < cols; c++) {
            out[rowOfCol[c]] = c;
        }
        return out;
    }

    /** The wide case, {@code nr <= nc}: every row gets a column. */
    private static int[] solve(double[] cost, int nr, int nc) {
        double[] u = new double[nr];
        double[] v = new double[nc];
        double[] shortest = new double[nc];
        int[] path = new int[nc];
        int[] col4row = new int[nr];
        int[] row4col = new int[nc];
        boolean[] seenRow = new boolean[nr];
        boolean[] seenCol = new boolean[nc];
        int[] remaining = new int[nc];
        Arrays.fill(col4row, -1);
        Arrays.fill(row4col, -1);
        for (int cur = 0; cur < nr; cur++) {
            // Dijkstra-like search for the shortest augmenting path from row cur to a free column, on reduced costs
            Arrays.fill(seenRow, false);
            Arrays.fill(seenCol, false);
            Arrays.fill(shortest, Double.POSITIVE_INFINITY);
            Arrays.fill(path, -1);
            int left = nc;
            for (int k = 0; k < nc; k++) {
                remaining[k] = nc - 1 - k;
            }
            double minVal = 0;
            int sink = -1;
            int i = cur;
            while (sink < 0) {
                seenRow[i] = true;
                int index = -1;
                double lowest = Double.POSITIVE_INFINITY;
                for (int k = 0; k < left; k++) {
                    int j = remaining[k];
                    double r = minVal + cost[i * nc + j] - u[i] - v[j];
                    if (r < shortest[j]) {
                        path[j] = i;
                        shortest[j] = r;
                    }
                    if (shortest[j] < lowest || shortest[j] == lowest && row4col[j] < 0) {
                        lowest = shortest[j];
                        index = k;
                    }
                }
                minVal = lowest;
                int j = remaining[index];
                if (row4col[j] < 0) {
                    sink = j;
                } else {
                    i = row4col[j];
                }
                seenCol[j] = true;
                remaining[index] = remaining[--left];
            }
            u[cur] += minVal;
            for (int r = 0; r < nr; r++) {
                if (seenRow[r] && r != cur) {
                    u[r] += minVal - shortest[col4row[r]];
                }
            }
            for (int c = 0; c < nc; c++) {
                if (seenCol[c]) {
                    v[c] -= minVal - shortest[c];
                }
            }
            int j = sink;
            while (true) {
                int r = path[j];
                row4col[j] = r;
                int previous = col4row[r];
                col4row[r] = j;
                j = previous;
                if (r == cur) {
                    break;
                }
            }
        }
        return col4row;
    }
}
