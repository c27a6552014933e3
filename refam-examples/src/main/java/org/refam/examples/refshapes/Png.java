package org.refam.examples.refshapes;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/**
 * A minimal PNG encoder (8-bit RGB or grey, no interlace, "Sub" filter on every row, no ancillary chunks) whose
 * output depends only on the pixels, and a decoder on top of {@link ImageIO}. Format: PNG specification, 2nd
 * edition (W3C, 2003), sections 5 (chunks), 9.2 (filter type 1) and 11.2 (IHDR).
 */
final class Png {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int COLOUR_GREY = 0;
    private static final int COLOUR_RGB = 2;

    private Png() {
    }

    /** Encodes interleaved RGB bytes. */
    static byte[] encodeRgb(int width, int height, byte[] rgb) {
        return encode(width, height, 3, COLOUR_RGB, rgb);
    }

    /** Encodes a mask as 8-bit grey: 255 where set, 0 elsewhere. */
    static byte[] encodeMask(int width, int height, boolean[] mask) {
        byte[] grey = new byte[width * height];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = mask[i] ? (byte) 255 : 0;
        }
        return encode(width, height, 1, COLOUR_GREY, grey);
    }

    /**
     * Decodes a PNG file.
     *
     * @throws IOException if the file cannot be read or is not an image ImageIO can decode
     */
    static BufferedImage read(Path file) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) {
            throw new IOException("not a decodable image");
        }
        return image;
    }

    static void write(Path file, byte[] png) {
        try {
            Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static byte[] encode(int width, int height, int channels, int colourType, byte[] pixels) {
        int stride = width * channels;
        byte[] filtered = new byte[height * (stride + 1)];
        for (int y = 0; y < height; y++) {
            int row = y * (stride + 1);
            filtered[row] = 1;
            for (int i = 0; i < stride; i++) {
                int left = i >= channels ? pixels[y * stride + i - channels] : 0;
                filtered[row + 1 + i] = (byte) (pixels[y * stride + i] - left);
            }
        }
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        ByteArrayOutputStream zipped = new ByteArrayOutputStream(filtered.length / 2 + 64);
        try {
            deflater.setInput(filtered);
            deflater.finish();
            byte[] buf = new byte[8192];
            while (!deflater.finished()) {
                int n = deflater.deflate(buf);
                zipped.write(buf, 0, n);
            }
        } finally {
            deflater.end();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(zipped.size() + 64);
        out.writeBytes(SIGNATURE);
        byte[] header = new byte[13];
        putInt(header, 0, width);
        putInt(header, 4, height);
        header[8] = 8;
        header[9] = (byte) colourType;
        chunk(out, "IHDR", header);
        chunk(out, "IDAT", zipped.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] len = new byte[4];
        putInt(len, 0, data.length);
        out.writeBytes(len);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.writeBytes(c);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
