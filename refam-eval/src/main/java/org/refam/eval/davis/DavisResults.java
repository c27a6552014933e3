package org.refam.eval.davis;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.refam.api.Mask;
import org.refam.eval.LabelMap;
import org.refam.eval.VideoEntry;
import org.refam.eval.VideoPredictions;
import org.refam.eval.VideoSampleEntry;

/**
 * Writes referring-video predictions in the layout ReferFormer's {@code inference_davis.py} writes and the DAVIS 2017
 * evaluation code ({@code davis2017-evaluation}, {@code eval_davis.py --results_path ROOT/anno_A}) scores:
 * {@code ROOT/anno_A/VIDEO/FRAME.png}, one 8-bit palette PNG per frame whose pixel values are object ids, one folder
 * per annotation run {@code A} = 0..3 (expression {@code 4k + A} of object k: annotator 1 first-frame, annotator 1
 * full-video, annotator 2 first-frame, annotator 2 full-video).
 *
 * <p>The objects of a run are merged into one label map per frame as ReferFormer does with its per-object
 * probabilities (below 0.5 set to 0, background 0.1, per-pixel argmax): with binary masks a pixel goes to the first
 * object, in the order the samples arrive (the expression file's order), that claims it. Each call reads the run's
 * current maps, adds one object and writes them back, so a resumed evaluation keeps what an earlier run wrote; a
 * fresh evaluation should start from an empty folder.
 *
 * <p>Thread-safety: not thread-safe; one evaluation writes a folder.
 */
public final class DavisResults implements VideoPredictions {
    private static final IndexColorModel PALETTE = palette();
    private final Path root;

    /** Predictions under {@code root} (created when needed). */
    public DavisResults(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /** The annotation run 0..3 of a Ref-DAVIS17 sample ({@link RefDavisDataset}'s annotator and kind). */
    public static int run(VideoSampleEntry sample) {
        return sample.run();
    }

    /** The file of frame {@code index} of {@code video} in annotation run {@code run}. */
    public Path file(int run, VideoEntry video, int index) {
        return root.resolve("anno_" + run).resolve(video.name()).resolve(video.frames().get(index) + ".png");
    }

    /**
     * Adds {@code sample}'s masks (one per frame of {@code video}, all of size {@code height x width}) to its run's
     * label maps under id {@link VideoSampleEntry#objectId()}, where no earlier object of the run claimed the pixel.
     * An empty list writes no object but makes sure every frame has a map (all background when new).
     *
     * @throws IllegalArgumentException if the mask count is neither 0 nor the frame count, or a mask's size differs
     * @throws java.io.UncheckedIOException if a map cannot be read or written
     */
    @Override
    public void accept(VideoEntry video, VideoSampleEntry sample, List<Mask> masks, int height, int width) {
        int n = video.frames().size();
        if (!masks.isEmpty() && masks.size() != n) {
            throw new IllegalArgumentException(masks.size() + " masks for the " + n + " frames of " + video.name());
        }
        int run = run(sample);
        byte id = (byte) sample.objectId();
        for (int t = 0; t < n; t++) {
            Path f = file(run, video, t);
            byte[] labels = Files.isRegularFile(f) ? IndexedPng.read(f).labels().clone() : new byte[height * width];
            if (labels.length != height * width) {
                throw new IllegalArgumentException(f + " is not " + width + "x" + height + "; start from an empty "
                        + "predictions folder");
            }
            if (!masks.isEmpty()) {
                Mask m = masks.get(t);
                if (m.height() != height || m.width() != width) {
                    throw new IllegalArgumentException("mask " + t + " of " + sample.id() + " is " + m.width() + "x"
                            + m.height() + ", the frames are " + width + "x" + height);
                }
                boolean[] d = m.data();
                for (int i = 0; i < labels.length; i++) {
                    if (d[i] && labels[i] == 0) {
                        labels[i] = id;
                    }
                }
            }
            write(f, new LabelMap(height, width, labels));
        }
    }

    /** Writes {@code map} as an 8-bit palette PNG (values = object ids; DAVIS-style colours). */
    static void write(Path file, LabelMap map) {
        BufferedImage img = new BufferedImage(map.width(), map.height(), BufferedImage.TYPE_BYTE_INDEXED, PALETTE);
        WritableRaster r = img.getRaster();
        r.setDataElements(0, 0, map.width(), map.height(), map.labels());
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(img, "png", file.toFile())) {
                throw new IOException("no PNG writer");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The PASCAL VOC colour map that DAVIS annotations use (bit-interleaved: 1 = (128, 0, 0), 2 = (0, 128, 0), 3 =
     * (128, 128, 0), ...); the evaluation reads the indices only.
     */
    private static IndexColorModel palette() {
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        for (int i = 0; i < 256; i++) {
            int c = i;
            int red = 0;
            int green = 0;
            int blue = 0;
            for (int j = 0; j < 8; j++) {
                red |= (c & 1) << (7 - j);
                green |= ((c >> 1) & 1) << (7 - j);
                blue |= ((c >> 2) & 1) << (7 - j);
                c >>= 3;
            }
            r[i] = (byte) red;
            g[i] = (byte) green;
            b[i] = (byte) blue;
        }
        return new IndexColorModel(8, 256, r, g, b);
    }
}
