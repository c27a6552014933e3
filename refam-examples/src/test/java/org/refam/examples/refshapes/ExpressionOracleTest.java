package org.refam.examples.refshapes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checks every generated referring expression against an oracle that reads only the expression's text and the
 * objects' recorded geometry, independently of the generator's constraint objects: the words must be true of the
 * target, and no other object may fit them under the loose reading (side phrases cover a whole row or column,
 * "above" covers anything more than a quarter cell higher).
 */
class ExpressionOracleTest {

    /** What a part of an expression says about one object. */
    private record Said(Shape shape, Colour colour, SizeWord size, String place) {
        boolean fitsAttributes(ObjectInstance o) {
            return (shape == null || o.shape() == shape) && (colour == null || o.colour() == colour)
                    && (size == null || o.size() == size);
        }

        boolean fitsLoosely(ObjectInstance o) {
            if (!fitsAttributes(o)) {
                return false;
            }
            if (place == null) {
                return true;
            }
            return switch (place) {
                case "on the left" -> o.cell().col() == 0;
                case "on the right" -> o.cell().col() == 2;
                case "at the top" -> o.cell().row() == 0;
                case "at the bottom" -> o.cell().row() == 2;
                default -> o.cell().words().equals(place.substring("in the ".length()));
            };
        }

        boolean fitsStrictly(ObjectInstance o) {
            return fitsAttributes(o) && (place == null || o.cell().phrase().equals(place));
        }
    }

    private static final List<String> PLACES = List.of("in the top left", "in the top right", "in the bottom left",
            "in the bottom right", "at the top", "at the bottom", "on the left", "on the right", "in the center");
    private static final List<String> RELATIONS = List.of(" above the ", " below the ", " to the left of the ",
            " to the right of the ");

    private static Said parse(String part) {
        String place = null;
        for (String p : PLACES) {
            if (part.endsWith(" " + p)) {
                place = p;
                part = part.substring(0, part.length() - p.length()).trim();
            }
        }
        Shape shape = null;
        Colour colour = null;
        SizeWord size = null;
        for (String w : part.split(" ")) {
            for (Shape s : Shape.values()) {
                shape = s.word().equals(w) ? s : shape;
            }
            for (Colour c : Colour.values()) {
                colour = c.word().equals(w) ? c : colour;
            }
            size = w.equals("small") ? SizeWord.SMALL : w.equals("large") ? SizeWord.LARGE : size;
        }
        return new Said(shape, colour, size, place);
    }

    @ParameterizedTest
    @CsvSource({"STANDARD, 64", "STANDARD, 48", "HARD, 64", "HARD, 48"})
    void everyExpressionIsTrueOfItsTargetAndOfNoOtherObject(Variant variant, int size) {
        RefShapesGenerator g = RefShapesGenerator.builder().variant(variant).size(size).objects(2, 5)
                .expressionsPerObject(11).build();
        double cell = size / 3.0;
        int checked = 0;
        int relations = 0;
        int superlatives = 0;
        for (int seed = 0; seed < 150; seed++) {
            Scene scene = g.render(seed).scene();
            List<ObjectInstance> objs = scene.objects();
            for (Expression e : scene.expressions()) {
                String text = e.text();
                ObjectInstance target = objs.get(e.target());
                String where = scene.id() + ": '" + text + "' -> " + target.describe() + " " + target.cell().id();
                String relation = RELATIONS.stream().filter(text::contains).findFirst().orElse(null);
                if (relation != null) {
                    relations++;
                    String targetPart = text.substring(0, text.indexOf(relation));
                    Said t = parse(targetPart);
                    Said a = parse(text.substring(text.indexOf(relation) + relation.length()));
                    List<ObjectInstance> anchors = objs.stream().filter(a::fitsAttributes).toList();
                    assertThat(anchors).as(where + " anchor").hasSize(1);
                    ObjectInstance anchor = anchors.get(0);
                    assertThat(e.anchor()).as(where).isEqualTo(anchor.id());
                    assertThat(t.fitsStrictly(target)).as(where).isTrue();
                    double[] d = offset(relation, target, anchor);
                    assertThat(d[0]).as(where + " along").isGreaterThanOrEqualTo(cell / 2);
                    assertThat(Math.abs(d[1])).as(where + " across").isLessThanOrEqualTo(cell / 2);
                    List<ObjectInstance> rivals = new ArrayList<>();
                    for (ObjectInstance o : objs) {
                        boolean further = offset(relation, o, anchor)[0] > cell / 4;
                        if (o != target && o != anchor && t.fitsLoosely(o) && further) {
                            rivals.add(o);
                        }
                    }
                    assertThat(rivals).as(where + " rivals").isEmpty();
                } else if (text.startsWith("the largest ") || text.startsWith("the smallest ")) {
                    superlatives++;
                    boolean largest = text.startsWith("the largest ");
                    Said t = parse(text);
                    List<ObjectInstance> pool = objs.stream().filter(t::fitsAttributes).toList();
                    assertThat(pool).as(where).contains(target).hasSizeGreaterThan(1);
                    for (ObjectInstance o : pool) {
                        if (o != target) {
                            double ratio = largest ? (double) target.area() / o.area()
                                    : (double) o.area() / target.area();
                            assertThat(ratio).as(where + " vs " + o.describe()).isGreaterThanOrEqualTo(1.3);
                        }
                    }
                } else {
                    Said t = parse(text);
                    assertThat(t.fitsStrictly(target)).as(where).isTrue();
                    assertThat(objs.stream().filter(t::fitsLoosely).toList()).as(where).containsExactly(target);
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(1000);
        assertThat(relations).isGreaterThan(50);
        assertThat(superlatives).isGreaterThan(50);
    }

    /** Distance of {@code o} from {@code anchor} along the relation's direction and across it, in pixels. */
    private static double[] offset(String relation, ObjectInstance o, ObjectInstance anchor) {
        double dx = o.centreX() - anchor.centreX();
        double dy = o.centreY() - anchor.centreY();
        return switch (relation.trim()) {
            case "above the" -> new double[] {-dy, dx};
            case "below the" -> new double[] {dy, dx};
            case "to the left of the" -> new double[] {-dx, dy};
            default -> new double[] {dx, dy};
        };
    }
}
