package org.refam.examples.refshapes;

/**
 * One painted object of a scene.
 *
 * @param id index of the object in its scene, 0..n-1; expressions and captions refer to it
 * @param shape what was drawn
 * @param colour its flat fill colour
 * @param size its size class
 * @param cell the grid cell it occupies (standard variant) or that contains its centre (hard variant)
 * @param centreX x of the shape's geometric centre in pixel units (pixel {@code x} spans {@code [x, x + 1)})
 * @param centreY y of the centre, likewise
 * @param bbox the tight bounding box of the painted pixels
 * @param maskFile path of the mask PNG relative to the dataset folder ("masks/train-00000042-1.png"): 8-bit grey,
 *     255 exactly on the painted pixels, 0 elsewhere
 * @param area number of painted pixels, at least 1
 *
 * <p>Thread-safety: immutable.
 */
public record ObjectInstance(int id, Shape shape, Colour colour, SizeWord size, Cell cell, double centreX,
        double centreY, Box bbox, String maskFile, int area) {
    public ObjectInstance {
        if (id < 0 || shape == null || colour == null || size == null || cell == null || bbox == null
                || maskFile == null || area < 1) {
            throw new IllegalArgumentException("incomplete object: id=" + id + " shape=" + shape + " colour=" + colour
                    + " size=" + size + " cell=" + cell + " bbox=" + bbox + " mask=" + maskFile + " area=" + area);
        }
    }

    /** The object in words, without article: "small red circle". */
    public String describe() {
        return size.word() + " " + colour.word() + " " + shape.word();
    }
}
