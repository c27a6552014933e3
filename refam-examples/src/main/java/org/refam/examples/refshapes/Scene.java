package org.refam.examples.refshapes;

import java.util.List;

/**
 * One RefShapes image with its objects, training captions and referring expressions.
 *
 * @param id unique name within the dataset, also the stem of its files ("train-00000042")
 * @param imageFile path of the RGB PNG relative to the dataset folder ("images/train-00000042.png")
 * @param width image width in pixels
 * @param height image height in pixels
 * @param sceneSeed the seed the scene was drawn from; it lies in its split's range (see {@link Split})
 * @param objects the painted objects, indexed by {@link ObjectInstance#id()}
 * @param captions training captions
 * @param expressions referring expressions, each unambiguous in this scene
 *
 * <p>Thread-safety: immutable.
 */
public record Scene(String id, String imageFile, int width, int height, long sceneSeed, List<ObjectInstance> objects,
        List<Caption> captions, List<Expression> expressions) {
    public Scene {
        if (id == null || imageFile == null || width < 1 || height < 1 || objects == null || captions == null
                || expressions == null) {
            throw new IllegalArgumentException("incomplete scene '" + id + "' (" + imageFile + ", " + width + "x"
                    + height + ")");
        }
        objects = List.copyOf(objects);
        captions = List.copyOf(captions);
        expressions = List.copyOf(expressions);
        for (int i = 0; i < objects.size(); i++) {
            if (objects.get(i).id() != i) {
                throw new IllegalArgumentException("scene '" + id + "': object at position " + i + " has id "
                        + objects.get(i).id());
            }
        }
        for (Expression e : expressions) {
            if (e.target() >= objects.size() || e.anchor() >= objects.size()) {
                throw new IllegalArgumentException("scene '" + id + "': expression '" + e.text() + "' refers to object "
                        + Math.max(e.target(), e.anchor()) + " but the scene has " + objects.size() + " objects");
            }
        }
        for (Caption c : captions) {
            for (int o : c.objects()) {
                if (o < 0 || o >= objects.size()) {
                    throw new IllegalArgumentException("scene '" + id + "': caption '" + c.text()
                            + "' refers to object " + o + " but the scene has " + objects.size() + " objects");
                }
            }
        }
    }

    /** The object with id {@code id}. */
    public ObjectInstance object(int id) {
        return objects.get(id);
    }
}
