package org.refam.eval.davis;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.refam.eval.DatasetFormatException;
import org.refam.eval.LabelMap;

/**
 * Reads a DAVIS annotation PNG as object ids: the pixel values of an 8-bit palette image (the palette's colours are
 * ignored), or of an 8-bit grey image.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class IndexedPng {
    private IndexedPng() {
    }

    /**
     * @throws DatasetFormatException if the file cannot be decoded or is not a one-band image of at most 8 bits
     */
    static LabelMap read(Path file) {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new DatasetFormatException("cannot decode annotation " + file + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new DatasetFormatException("annotation " + file + " is not an image ImageIO can read");
        }
        Raster r = img.getRaster();
        int bits = r.getSampleModel().getSampleSize(0);
        if (r.getNumBands() != 1 || bits > 8) {
            throw new DatasetFormatException("annotation " + file + " has " + r.getNumBands() + " bands of " + bits
                    + " bits; expected an 8-bit palette (or grey) image whose values are object ids"
                    + (img.getColorModel() instanceof IndexColorModel ? "" : " (it has no palette)"));
        }
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] labels = new byte[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            r.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                labels[y * w + x] = (byte) row[x];
            }
        }
        return new LabelMap(h, w, labels);
    }
}
