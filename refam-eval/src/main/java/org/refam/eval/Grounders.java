package org.refam.eval;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.refam.api.GroundingResult;
import org.refam.api.InvalidExpressionException;
import org.refam.api.Mask;
import org.refam.api.PixelPoint;
import org.refam.api.PromptTooLongException;
import org.refam.api.RgbImage;
import org.refam.core.RefAM;

/**
 * The grounders an evaluation compares: the RefAM pipeline, and two trivial baselines for the RefShapes ablation.
 *
 * <p>Baselines predict a point without looking at the expression; their mask is the mask of the object the point
 * falls in (the last object in the data set's order whose mask contains the point, i.e. the one painted on top), or an
 * empty mask when it falls on the background. They need {@link ImageDataset#objects}; on a data set without objects
 * every sample fails with a reason.
 *
 * <p>Thread-safety: the returned grounders are thread-safe when the RefAM pipeline is.
 */
public final class Grounders {
    private Grounders() {
    }

    /**
     * RefAM: all samples of an image in one {@link RefAM#groundAll} call (batching backends batch them); the point is
     * the heat-map peak, the mask the configured segmenter's or the built-in threshold mask. If an expression is
     * unusable (empty, every token filtered, too long without truncation) the samples are grounded one by one and
     * only the unusable ones fail.
     */
    public static ImageGrounder refam(RefAM refam) {
        Objects.requireNonNull(refam, "refam");
        return (dataset, entry, image, samples) -> {
            List<String> expressions = samples.stream().map(SampleEntry::expression).toList();
            List<Prediction> out = new ArrayList<>(samples.size());
            try {
                for (GroundingResult r : refam.groundAll(image, expressions)) {
                    out.add(Prediction.of(r.peak(), r.mask()));
                }
                return out;
            } catch (InvalidExpressionException | PromptTooLongException batchFailed) {
                out.clear();
            }
            for (String e : expressions) {
                try {
                    GroundingResult r = refam.ground(image, e);
                    out.add(Prediction.of(r.peak(), r.mask()));
                } catch (InvalidExpressionException | PromptTooLongException ex) {
                    out.add(Prediction.failed(ex.getMessage()));
                }
            }
            return out;
        };
    }

    /**
     * Baseline: the centre of an object drawn at random from the image's objects, seeded per sample (the same sample
     * gets the same object in every run, resumed or not): {@code seed} mixed with a hash of the sample id. The centre
     * is floored to a pixel and clamped into the image.
     */
    public static ImageGrounder randomObject(long seed) {
        return (dataset, entry, image, samples) -> {
            List<SceneObject> objects = dataset.objects(entry);
            List<Prediction> out = new ArrayList<>(samples.size());
            for (SampleEntry s : samples) {
                if (objects.isEmpty()) {
                    out.add(Prediction.failed("the data set lists no objects for image " + entry.key()));
                    continue;
                }
                SplittableRandom rnd = new SplittableRandom(seed ^ stableHash(s.id()));
                SceneObject o = objects.get(rnd.nextInt(objects.size()));
                PixelPoint p = clamp((int) Math.floor(o.centreX()), (int) Math.floor(o.centreY()), image);
                out.add(Prediction.of(p, objectAt(objects, p, image)));
            }
            return out;
        };
    }

    /** Baseline: the image centre, pixel {@code (floor(W / 2), floor(H / 2))}. */
    public static ImageGrounder imageCentre() {
        return (dataset, entry, image, samples) -> {
            List<SceneObject> objects = dataset.objects(entry);
            List<Prediction> out = new ArrayList<>(samples.size());
            PixelPoint p = new PixelPoint(image.width() / 2, image.height() / 2);
            for (int i = 0; i < samples.size(); i++) {
                out.add(objects.isEmpty()
                        ? Prediction.failed("the data set lists no objects for image " + entry.key())
                        : Prediction.of(p, objectAt(objects, p, image)));
            }
            return out;
        };
    }

    /** The mask of the last object containing {@code p}, or an empty mask. */
    static Mask objectAt(List<SceneObject> objects, PixelPoint p, RgbImage image) {
        for (int i = objects.size() - 1; i >= 0; i--) {
            Mask m = objects.get(i).mask();
            if (m.width() == image.width() && m.height() == image.height() && m.get(p.x(), p.y())) {
                return m;
            }
        }
        return Mask.empty(image.height(), image.width());
    }

    private static PixelPoint clamp(int x, int y, RgbImage image) {
        return new PixelPoint(Math.max(0, Math.min(image.width() - 1, x)),
                Math.max(0, Math.min(image.height() - 1, y)));
    }

    /** FNV-1a 64 of the UTF-8 bytes: stable across JVMs (String.hashCode would do, but is only 32 bits). */
    static long stableHash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
