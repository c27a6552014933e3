package org.refam.examples.refshapes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.refam.examples.refshapes.Referents.Description;
import org.refam.examples.refshapes.Referents.Query;
import org.refam.examples.refshapes.Referents.Relation;
import org.refam.examples.refshapes.Referents.Superlative;

/** The uniqueness rule for referring expressions, on hand-built 90x90 scenes (grid cells of 30 pixels). */
class ReferentsTest {
    private static final double CELL = 30;

    /** An object centred in {@code cell} with the given area (the geometry the rule reads). */
    private static ObjectInstance obj(int id, Shape s, Colour c, SizeWord z, Cell cell, int area) {
        return at(id, s, c, z, cell.col() * CELL + 15, cell.row() * CELL + 15, area);
    }

    private static ObjectInstance at(int id, Shape s, Colour c, SizeWord z, double cx, double cy, int area) {
        return new ObjectInstance(id, s, c, z, Cell.containing(cx, cy, 90, 90), cx, cy,
                new Box((int) cx - 5, (int) cy - 5, 10, 10), "masks/x-" + id + ".png", area);
    }

    private static Query q(Shape s, Colour c, SizeWord z, Cell cell) {
        return Query.of(new Description(s, c, z, cell));
    }

    @Test
    void attributesAloneMustSingleOutTheTarget() {
        List<ObjectInstance> scene = List.of(
                obj(0, Shape.CIRCLE, Colour.RED, SizeWord.SMALL, Cell.TOP_LEFT, 100),
                obj(1, Shape.CIRCLE, Colour.BLUE, SizeWord.SMALL, Cell.TOP, 100),
                obj(2, Shape.SQUARE, Colour.RED, SizeWord.LARGE, Cell.CENTER, 200));
        assertThat(Referents.candidates(q(Shape.CIRCLE, null, null, null), scene, 0, CELL)).containsExactly(0, 1);
        assertThat(Referents.unambiguous(q(Shape.CIRCLE, Colour.RED, null, null), scene, 0, CELL)).isTrue();
        assertThat(Referents.unambiguous(q(null, Colour.RED, null, null), scene, 0, CELL)).isFalse();
        assertThat(Referents.unambiguous(q(null, null, SizeWord.LARGE, null), scene, 2, CELL)).isTrue();
        // A description the target does not satisfy is never valid for it, even when it singles out another object.
        assertThat(Referents.unambiguous(q(Shape.SQUARE, null, null, null), scene, 0, CELL)).isFalse();
    }

    @Test
    void sidePhrasesAreReadAsTheWholeColumnOrRow() {
        List<ObjectInstance> scene = List.of(
                obj(0, Shape.CIRCLE, Colour.RED, SizeWord.SMALL, Cell.LEFT, 100),
                obj(1, Shape.CIRCLE, Colour.BLUE, SizeWord.SMALL, Cell.TOP_LEFT, 100),
                obj(2, Shape.STAR, Colour.RED, SizeWord.LARGE, Cell.BOTTOM_RIGHT, 100));
        // "the circle on the left": the top-left circle is also on the left, loosely.
        assertThat(Referents.candidates(q(Shape.CIRCLE, null, null, Cell.LEFT), scene, 0, CELL)).containsExactly(0, 1);
        // "the circle in the top left": a corner covers only itself.
        assertThat(Referents.unambiguous(q(Shape.CIRCLE, null, null, Cell.TOP_LEFT), scene, 1, CELL)).isTrue();
        // "the object at the bottom" covers the bottom row, where only the star is.
        assertThat(Referents.unambiguous(q(null, null, null, Cell.BOTTOM), scene, 2, CELL)).isFalse();
        assertThat(Referents.unambiguous(q(null, null, null, Cell.BOTTOM_RIGHT), scene, 2, CELL)).isTrue();
        assertThat(Cell.BOTTOM.looselyCovers(Cell.BOTTOM_RIGHT)).isTrue();
        assertThat(Cell.CENTER.looselyCovers(Cell.TOP)).isFalse();
    }

    @Test
    void relationsNeedADirectRelationAndNoLooseRival() {
        List<ObjectInstance> scene = new ArrayList<>(List.of(
                obj(0, Shape.TRIANGLE, Colour.RED, SizeWord.SMALL, Cell.TOP, 100),
                obj(1, Shape.STAR, Colour.GREEN, SizeWord.SMALL, Cell.CENTER, 100),
                obj(2, Shape.TRIANGLE, Colour.BLUE, SizeWord.SMALL, Cell.BOTTOM_RIGHT, 100)));
        Query above = new Query(new Description(Shape.TRIANGLE, null, null, null), null, Relation.ABOVE,
                new Description(Shape.STAR, Colour.GREEN, null, null));
        assertThat(Referents.unambiguous(above, scene, 0, CELL)).isTrue();
        Query below = new Query(new Description(Shape.TRIANGLE, null, null, null), null, Relation.BELOW,
                new Description(Shape.STAR, null, null, null));
        // The bottom-right triangle is lower than the star but not directly below it: strictly false.
        assertThat(Referents.unambiguous(below, scene, 2, CELL)).isFalse();
        // A second triangle up and to the right is loosely "above the green star" as well.
        scene.set(2, obj(2, Shape.TRIANGLE, Colour.BLUE, SizeWord.SMALL, Cell.TOP_RIGHT, 100));
        assertThat(Referents.candidates(above, scene, 0, CELL)).containsExactly(0, 2);
        // ...but the colour tells them apart.
        Query redAbove = new Query(new Description(Shape.TRIANGLE, Colour.RED, null, null), null, Relation.ABOVE,
                new Description(Shape.STAR, Colour.GREEN, null, null));
        assertThat(Referents.unambiguous(redAbove, scene, 0, CELL)).isTrue();
    }

    @Test
    void relationsFailWhenTheAnchorIsNotUnique() {
        List<ObjectInstance> scene = List.of(
                obj(0, Shape.TRIANGLE, Colour.RED, SizeWord.SMALL, Cell.TOP, 100),
                obj(1, Shape.STAR, Colour.GREEN, SizeWord.SMALL, Cell.CENTER, 100),
                obj(2, Shape.STAR, Colour.GREEN, SizeWord.LARGE, Cell.BOTTOM_LEFT, 100));
        Query q = new Query(new Description(Shape.TRIANGLE, null, null, null), null, Relation.ABOVE,
                new Description(Shape.STAR, Colour.GREEN, null, null));
        assertThat(Referents.identify(new Description(Shape.STAR, Colour.GREEN, null, null), scene)).isEqualTo(-1);
        assertThat(Referents.unambiguous(q, scene, 0, CELL)).isFalse();
    }

    @Test
    void strictRelationsToleratePositionJitterButNotADiagonal() {
        ObjectInstance anchor = at(1, Shape.STAR, Colour.GREEN, SizeWord.SMALL, 45, 45, 100);
        ObjectInstance nearlyAbove = at(0, Shape.CIRCLE, Colour.RED, SizeWord.SMALL, 48, 16, 100);
        ObjectInstance diagonal = at(2, Shape.CIRCLE, Colour.RED, SizeWord.SMALL, 75, 16, 100);
        ObjectInstance sameRow = at(3, Shape.CIRCLE, Colour.RED, SizeWord.SMALL, 75, 42, 100);
        assertThat(Relation.ABOVE.strict(nearlyAbove, anchor, CELL)).isTrue();
        assertThat(Relation.ABOVE.strict(diagonal, anchor, CELL)).isFalse();
        assertThat(Relation.ABOVE.loose(diagonal, anchor, CELL)).isTrue();
        assertThat(Relation.ABOVE.loose(sameRow, anchor, CELL)).isFalse();
        assertThat(Relation.RIGHT_OF.strict(sameRow, anchor, CELL)).isTrue();
        assertThat(Relation.LEFT_OF.loose(sameRow, anchor, CELL)).isFalse();
        assertThat(Relation.BELOW.strict(anchor, nearlyAbove, CELL)).isTrue();
    }

    @Test
    void superlativesNeedAClearMargin() {
        List<ObjectInstance> scene = List.of(
                obj(0, Shape.CIRCLE, Colour.RED, SizeWord.LARGE, Cell.TOP, 130),
                obj(1, Shape.SQUARE, Colour.BLUE, SizeWord.LARGE, Cell.CENTER, 100),
                obj(2, Shape.CIRCLE, Colour.GREEN, SizeWord.SMALL, Cell.BOTTOM, 40));
        Query largest = new Query(Description.ANY, Superlative.LARGEST, null, null);
        assertThat(Referents.unambiguous(largest, scene, 0, CELL)).isTrue(); // 130 >= 1.3 * 100
        Query smallest = new Query(Description.ANY, Superlative.SMALLEST, null, null);
        assertThat(Referents.unambiguous(smallest, scene, 2, CELL)).isTrue();
        Query largestCircle = new Query(new Description(Shape.CIRCLE, null, null, null), Superlative.LARGEST, null,
                null);
        assertThat(Referents.unambiguous(largestCircle, scene, 0, CELL)).isTrue();
        List<ObjectInstance> close = List.of(scene.get(0),
                obj(1, Shape.SQUARE, Colour.BLUE, SizeWord.LARGE, Cell.CENTER, 101), scene.get(2));
        assertThat(Referents.candidates(largest, close, 0, CELL)).containsExactly(1);
        // "the largest square" with one square has no competitor and is not used.
        Query largestSquare = new Query(new Description(Shape.SQUARE, null, null, null), Superlative.LARGEST, null,
                null);
        assertThat(Referents.unambiguous(largestSquare, scene, 1, CELL)).isFalse();
    }

    @Test
    void everyCandidateTheGeneratorKeepsIsUnambiguousAndEveryObjectGetsOne() {
        List<ObjectInstance> scene = List.of(
                obj(0, Shape.CIRCLE, Colour.RED, SizeWord.SMALL, Cell.LEFT, 60),
                obj(1, Shape.CIRCLE, Colour.RED, SizeWord.LARGE, Cell.TOP_LEFT, 150),
                obj(2, Shape.SQUARE, Colour.RED, SizeWord.SMALL, Cell.CENTER, 70),
                obj(3, Shape.CIRCLE, Colour.BLUE, SizeWord.SMALL, Cell.RIGHT, 60));
        for (int target = 0; target < scene.size(); target++) {
            List<Expression> chosen = Phrases.choose(new SceneRandom(target), scene, target, CELL, 11);
            assertThat(chosen).as("expressions for object %d", target).isNotEmpty();
            assertThat(chosen).extracting(Expression::template).doesNotHaveDuplicates();
            assertThat(chosen).extracting(Expression::target).containsOnly(target);
        }
        List<String> forSmallRedCircle = Phrases.choose(new SceneRandom(7), scene, 0, CELL, 11).stream()
                .map(Expression::text).toList();
        assertThat(forSmallRedCircle).contains("the small red circle")
                .doesNotContain("the red circle", "the circle", "the red one", "the circle on the left");
    }
}
