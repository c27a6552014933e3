package org.refam.examples.refshapes;

import java.util.Arrays;
import java.util.Locale;

/**
 * A cell of the coarse 3x3 grid that positions objects and that expressions and captions name.
 *
 * <p>In the standard variant each object occupies one cell; in the hard variant an object's cell is the one that
 * contains its centre. In image coordinates (pixel {@code x} spans {@code [x, x + 1)}), cell {@code (row, col)} of a
 * {@code W x H} image covers {@code [col * W / 3, (col + 1) * W / 3) x [row * H / 3, (row + 1) * H / 3)}.
 *
 * <p>Thread-safety: immutable.
 */
public enum Cell {
    TOP_LEFT(0, 0, "top left", "in the top left"),
    TOP(0, 1, "top", "at the top"),
    TOP_RIGHT(0, 2, "top right", "in the top right"),
    LEFT(1, 0, "left", "on the left"),
    CENTER(1, 1, "center", "in the center"),
    RIGHT(1, 2, "right", "on the right"),
    BOTTOM_LEFT(2, 0, "bottom left", "in the bottom left"),
    BOTTOM(2, 1, "bottom", "at the bottom"),
    BOTTOM_RIGHT(2, 2, "bottom right", "in the bottom right");

    private final int row;
    private final int col;
    private final String words;
    private final String phrase;

    Cell(int row, int col, String words, String phrase) {
        this.row = row;
        this.col = col;
        this.words = words;
        this.phrase = phrase;
    }

    /** Grid row, 0 (top) to 2 (bottom). */
    public int row() {
        return row;
    }

    /** Grid column, 0 (left) to 2 (right). */
    public int col() {
        return col;
    }

    /** The cell's name in words ("top left"). */
    public String words() {
        return words;
    }

    /** The prepositional phrase that places an object in this cell ("in the top left", "on the left"). */
    public String phrase() {
        return phrase;
    }

    /** The identifier written to index.json ("top_left"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether an object in cell {@code other} is described by this cell's phrase when the phrase is read loosely:
     * a side phrase ("on the left", "at the top") covers its whole column or row, "in the center" and the corners
     * cover only themselves. Uniqueness checks use this reading so that an expression stays unambiguous whichever
     * way a reader takes "on the left".
     */
    public boolean looselyCovers(Cell other) {
        return switch (this) {
            case TOP -> other.row == 0;
            case BOTTOM -> other.row == 2;
            case LEFT -> other.col == 0;
            case RIGHT -> other.col == 2;
            default -> other == this;
        };
    }

    /** The cell at grid position ({@code row}, {@code col}), both in 0..2. */
    public static Cell at(int row, int col) {
        if (row < 0 || row > 2 || col < 0 || col > 2) {
            throw new IllegalArgumentException("grid position must be in 0..2, got row " + row + ", col " + col);
        }
        return values()[row * 3 + col];
    }

    /**
     * The cell containing point ({@code x}, {@code y}), in pixel units, of a {@code width x height} image; points
     * outside the image fall in the nearest border cell.
     */
    public static Cell containing(double x, double y, int width, int height) {
        int col = Math.min(2, Math.max(0, (int) Math.floor(x * 3 / width)));
        int row = Math.min(2, Math.max(0, (int) Math.floor(y * 3 / height)));
        return at(row, col);
    }

    /**
     * The cell with identifier {@code id} ("top_left"), as written by {@link #id()}.
     *
     * @throws IllegalArgumentException if no cell has that identifier
     */
    public static Cell fromId(String id) {
        for (Cell c : values()) {
            if (c.id().equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown cell '" + id + "', expected one of "
                + Arrays.stream(values()).map(Cell::id).toList());
    }
}
