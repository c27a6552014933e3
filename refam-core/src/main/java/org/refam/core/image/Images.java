package org.refam.core.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.refam.api.InvalidImageException;
import org.refam.api.RgbImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads images into {@link RgbImage}s and writes them as PNG, with {@code javax.imageio} (PNG, JPEG, BMP, GIF,
 * WBMP and TIFF out of the box, more through ImageIO plug-ins on the class path).
 *
 * <p>Reading is guarded: the size the file declares is read from its header ({@link ImageReader#getWidth} /
 * {@link ImageReader#getHeight}) before any pixel is decoded and checked against an {@link ImageLimits} pixel
 * budget ({@link ImageLimits#DEFAULT}: 64 Mi pixels), so a tiny file that claims 100000 x 100000 pixels fails fast
 * without allocating. Only the first image of a multi-image file (an animated GIF, a multi-page TIFF) is read.
 *
 * <p>Conversion to 8-bit RGB:
 * <ul>
 *   <li>grayscale (1 to 16 bits): the sample is used as the display value of all three channels, as PNG and
 *       every viewer treat it (ImageIO's {@code BufferedImage.getRGB} would instead treat it as linear light and
 *       brighten mid-grays);</li>
 *   <li>samples wider than 8 bits (16-bit PNG) are rounded to the nearest 8-bit value,
 *       {@code round(v * 255 / 65535)};</li>
 *   <li>palette (indexed) images are looked up in their palette;</li>
 *   <li>transparency (RGBA, gray + alpha, palette with transparent entries, premultiplied or not) is composited
 *       over <b>white</b>, {@code out = a * c + (1 - a) * 255}, as an image viewer on a white page shows it: a
 *       fully transparent pixel becomes white whatever colour it stores;</li>
 *   <li>other colour spaces (CMYK JPEG, ICC profiles) go through Java 2D's conversion to sRGB.</li>
 * </ul>
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
public final class Images {
    private static final Logger LOG = LoggerFactory.getLogger(Images.class);

    private Images() {
    }

    /** Reads {@code file} within {@link ImageLimits#DEFAULT}; see {@link #read(Path, ImageLimits)}. */
    public static RgbImage read(Path file) {
        return read(file, ImageLimits.DEFAULT);
    }

    /**
     * Reads the first image of {@code file} as 8-bit sRGB.
     *
     * @throws InvalidImageException naming the file and the problem: missing, a directory, unreadable, empty
     *     (0 bytes), not a recognised image format, larger than {@code limits} (with its declared size), truncated or
     *     corrupt (including a JPEG whose reader reports a truncated file, which ImageIO would otherwise fill in
     *     with gray); other decoder warnings are logged, not thrown
     */
    public static RgbImage read(Path file, ImageLimits limits) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(limits, "limits");
        String source = file.toString();
        if (Files.isDirectory(file)) {
            throw new InvalidImageException("cannot read image " + source + ": it is a directory");
        }
        long bytes;
        try {
            bytes = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new InvalidImageException("cannot read image " + source + ": no such file", e);
        } catch (IOException e) {
            throw new InvalidImageException("cannot read image " + source + ": " + e, e);
        }
        if (bytes == 0) {
            throw new InvalidImageException("cannot read image " + source + ": the file is empty (0 bytes)");
        }
        File asFile;
        try {
            asFile = file.toFile();
        } catch (UnsupportedOperationException notDefaultFileSystem) {
            try (InputStream in = Files.newInputStream(file)) {
                return read(in, source, limits);
            } catch (IOException e) {
                throw new InvalidImageException("cannot read image " + source + ": " + e, e);
            }
        }
        try (ImageInputStream iis = new FileImageInputStream(asFile)) {
            return decode(iis, source, limits);
        } catch (IOException e) {
            throw new InvalidImageException("cannot read image " + source + ": " + e, e);
        }
    }

    /**
     * Reads from {@code in} within {@link ImageLimits#DEFAULT}; see {@link #read(InputStream, String, ImageLimits)}.
     */
    public static RgbImage read(InputStream in, String sourceName) {
        return read(in, sourceName, ImageLimits.DEFAULT);
    }

    /**
     * Reads the first image in {@code in} as 8-bit sRGB. The bytes read are buffered in memory (no temporary
     * file); the stream is not closed.
     *
     * @param sourceName what to call the stream in error messages (a file name or URL); {@code null} for
     *     {@code "<stream>"}
     * @throws InvalidImageException naming the source and the problem, as {@link #read(Path, ImageLimits)}
     */
    public static RgbImage read(InputStream in, String sourceName, ImageLimits limits) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(limits, "limits");
        String source = sourceName == null ? "<stream>" : sourceName;
        try (ImageInputStream iis = new MemoryCacheImageInputStream(in)) {
            if (iis.read() < 0) {
                throw new InvalidImageException("cannot read image " + source + ": the stream is empty (0 bytes)");
            }
            iis.seek(0);
            return decode(iis, source, limits);
        } catch (IOException e) {
            throw new InvalidImageException("cannot read image " + source + ": " + e, e);
        }
    }

    private static RgbImage decode(ImageInputStream iis, String source, ImageLimits limits) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
        if (!readers.hasNext()) {
            throw new InvalidImageException("cannot read image " + source + ": not a recognised image format"
                    + " (first bytes " + firstBytes(iis) + "; readable formats: "
                    + String.join(", ", ImageIO.getReaderFormatNames()) + ")");
        }
        ImageReader reader = readers.next();
        String format = reader.getFormatName();
        try {
            reader.setInput(iis, true, true);
            int width;
            int height;
            try {
                width = reader.getWidth(0);
                height = reader.getHeight(0);
            } catch (IOException | RuntimeException e) {
                throw new InvalidImageException("cannot read image " + source + " (" + format
                        + "): corrupt or truncated header: " + describe(e), e);
            }
            if (width < 1 || height < 1) {
                throw new InvalidImageException("cannot read image " + source + " (" + format
                        + "): it declares a size of " + width + "x" + height + " (width x height)");
            }
            long pixels = (long) width * height;
            if (pixels > limits.maxPixels()) {
                throw new InvalidImageException("image " + source + " (" + format + ") is " + width + "x" + height
                        + " (width x height) = " + pixels + " pixels, above the limit of " + limits.maxPixels()
                        + " pixels; raise ImageLimits.maxPixels to read it");
            }
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
            BufferedImage decoded;
            try {
                decoded = reader.read(0);
            } catch (IOException | RuntimeException e) {
                throw new InvalidImageException("cannot decode image " + source + " (" + format + ", " + width + "x"
                        + height + "): truncated or corrupt data: " + describe(e), e);
            }
            if (decoded.getWidth() != width || decoded.getHeight() != height) {
                throw new InvalidImageException("image " + source + " (" + format + ") declares " + width + "x" + height
                        + " but decodes to " + decoded.getWidth() + "x" + decoded.getHeight());
            }
            for (String warning : warnings) {
                // Readers that decode a cut file without failing say so only in a warning (JPEG: "Truncated File -
                // Missing EOI marker"); the missing part would come back as filler pixels.
                if (warning != null && warning.toLowerCase(Locale.ROOT).contains("truncated")) {
                    throw new InvalidImageException("cannot decode image " + source + " (" + format + ", " + width
                            + "x" + height + "): the file is truncated (" + String.join("; ", warnings) + ")");
                }
            }
            if (!warnings.isEmpty()) {
                LOG.warn("Image {} ({}) decoded with warnings: {}", source, format, warnings);
            }
            LOG.debug("Read {} ({}, {}x{}, {})", source, format, width, height, decoded.getColorModel());
            return fromBufferedImage(decoded);
        } finally {
            reader.dispose();
        }
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append(" (").append(c).append(')');
        }
        return sb.toString();
    }

    private static String firstBytes(ImageInputStream iis) {
        try {
            iis.seek(0);
            byte[] head = new byte[8];
            int n = iis.read(head);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < Math.max(n, 0); i++) {
                sb.append(i == 0 ? "" : " ").append(String.format("%02x", head[i] & 0xFF));
            }
            return sb.length() == 0 ? "none" : sb.toString();
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /**
     * Converts a decoded {@link BufferedImage} of any type to 8-bit sRGB, as described in the class comment
     * (gray samples taken as display values, alpha composited over white). The result does not share memory
     * with {@code image}.
     *
     * @throws InvalidImageException if {@code image} is larger than {@link ImageLimits#MAX_PIXELS_CAP}
     */
    public static RgbImage fromBufferedImage(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        int w = image.getWidth();
        int h = image.getHeight();
        if ((long) w * h > ImageLimits.MAX_PIXELS_CAP) {
            throw new InvalidImageException("a " + w + "x" + h + " image does not fit an RgbImage (at most "
                    + ImageLimits.MAX_PIXELS_CAP + " pixels)");
        }
        byte[] out = new byte[3 * w * h];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        if (cm instanceof IndexColorModel) {
            convertIndexed((IndexColorModel) cm, raster, w, h, out);
        } else if (isIntegral(cm) && cm.getNumColorComponents() == 1
                && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            convertComponents(cm, raster, w, h, 1, out);
        } else if (isIntegral(cm) && cm.getNumColorComponents() == 3 && cm.getColorSpace().isCS_sRGB()) {
            convertComponents(cm, raster, w, h, 3, out);
        } else {
            convertViaJava2d(image, w, h, out);
        }
        return new RgbImage(w, h, out);
    }

    /** Component or packed models with integer samples of at most 16 bits, whose raster bands are the components. */
    private static boolean isIntegral(ColorModel cm) {
        if (!(cm instanceof ComponentColorModel) && !(cm instanceof DirectColorModel)) {
            return false;
        }
        int tt = cm.getTransferType();
        if (tt != DataBuffer.TYPE_BYTE && tt != DataBuffer.TYPE_USHORT && tt != DataBuffer.TYPE_INT) {
            return false;
        }
        for (int c = 0; c < cm.getNumComponents(); c++) {
            if (cm.getComponentSize(c) < 1 || cm.getComponentSize(c) > 16) {
                return false;
            }
        }
        return true;
    }

    private static void convertComponents(ColorModel cm, Raster raster, int w, int h, int colours, byte[] out) {
        int bands = raster.getNumBands();
        boolean alpha = cm.hasAlpha();
        boolean premultiplied = cm.isAlphaPremultiplied();
        double[] scale = new double[cm.getNumComponents()];
        for (int c = 0; c < scale.length; c++) {
            scale[c] = 255.0 / ((1 << cm.getComponentSize(c)) - 1);
        }
        double alphaScale = alpha ? 1.0 / ((1 << cm.getComponentSize(colours)) - 1) : 0;
        int[] row = new int[w * bands];
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0, p = 0; x < w; x++, p += bands) {
                double a = alpha ? row[p + colours] * alphaScale : 1.0;
                for (int ch = 0; ch < 3; ch++) {
                    int c = colours == 1 ? 0 : ch;
                    double v = row[p + c] * scale[c];
                    if (alpha) {
                        v = (premultiplied ? v : v * a) + (1.0 - a) * 255.0;
                    }
                    out[o++] = (byte) clampRound(v);
                }
            }
        }
    }

    private static void convertIndexed(IndexColorModel cm, Raster raster, int w, int h, byte[] out) {
        int[] row = new int[w];
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                o = putArgb(cm.getRGB(row[x]), out, o);
            }
        }
    }

    private static void convertViaJava2d(BufferedImage image, int w, int h, byte[] out) {
        int[] row = new int[w];
        int o = 0;
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w); // non-premultiplied sRGB ARGB
            for (int x = 0; x < w; x++) {
                o = putArgb(row[x], out, o);
            }
        }
    }

    /** Writes non-premultiplied ARGB composited over white at {@code o}; returns the next offset. */
    private static int putArgb(int argb, byte[] out, int o) {
        int a = argb >>> 24;
        for (int shift = 16; shift >= 0; shift -= 8) {
            int c = (argb >> shift) & 0xFF;
            out[o++] = (byte) (a == 255 ? c : clampRound((c * a + 255.0 * (255 - a)) / 255.0));
        }
        return o;
    }

    private static int clampRound(double v) {
        long r = Math.round(v);
        return (int) Math.max(0, Math.min(255, r));
    }

    /**
     * A {@link BufferedImage#TYPE_3BYTE_BGR} copy of {@code image} (for Java 2D drawing or other ImageIO writers).
     */
    public static BufferedImage toBufferedImage(RgbImage image) {
        Objects.requireNonNull(image, "image");
        BufferedImage bi = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
        byte[] rgb = image.rgb();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        return bi;
    }

    /**
     * Writes {@code image} to {@code file} as an 8-bit RGB PNG (lossless: {@link #read(Path)} gives the same
     * bytes back), replacing the file if it exists. The parent folder must exist.
     *
     * @throws IOException if the file cannot be written
     */
    public static void write(RgbImage image, Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (OutputStream os = Files.newOutputStream(file)) {
            write(image, os);
        }
    }

    /**
     * Writes {@code image} to {@code out} as an 8-bit RGB PNG; the stream is flushed, not closed.
     *
     * @throws IOException if the stream cannot be written
     */
    public static void write(RgbImage image, OutputStream out) throws IOException {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(out, "out");
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) {
            throw new IOException("no PNG writer in this JRE's ImageIO (java.desktop is required)");
        }
        ImageWriter writer = writers.next();
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(toBufferedImage(image));
        } finally {
            writer.dispose();
        }
        out.flush();
    }
}
