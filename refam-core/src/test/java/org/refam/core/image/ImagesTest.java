package org.refam.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.InvalidImageException;
import org.refam.api.RgbImage;

/** Reading (with the size guard and every PNG colour type), conversion and writing of {@link Images}. */
class ImagesTest {
    @TempDir
    Path dir;

    private Path writeWithImageIo(BufferedImage bi, String format, String name) throws IOException {
        Path p = dir.resolve(name);
        assertThat(ImageIO.write(bi, format, p.toFile())).as("ImageIO has a %s writer for this image", format)
                .isTrue();
        return p;
    }

    private static RgbImage randomImage(int w, int h, long seed) {
        byte[] rgb = new byte[3 * w * h];
        new Random(seed).nextBytes(rgb);
        return new RgbImage(w, h, rgb);
    }

    private static int[] px(RgbImage img, int x, int y) {
        return new int[] {img.channel(x, y, 0), img.channel(x, y, 1), img.channel(x, y, 2)};
    }

    // ------------------------------------------------------------------ colour types

    @Test
    void rgbPngRoundTripsExactly() throws IOException {
        RgbImage img = randomImage(13, 7, 1);
        Path p = dir.resolve("rgb.png");

        Images.write(img, p);
        RgbImage back = Images.read(p);

        assertThat(back.width()).isEqualTo(13);
        assertThat(back.height()).isEqualTo(7);
        assertThat(back.rgb()).isEqualTo(img.rgb());
    }

    @Test
    void grayscaleSamplesAreUsedAsDisplayValues() throws IOException {
        BufferedImage bi = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        int[] samples = {0, 64, 128, 255};
        bi.getRaster().setSamples(0, 0, 4, 1, 0, samples);

        RgbImage img = Images.read(writeWithImageIo(bi, "png", "gray8.png"));

        for (int x = 0; x < 4; x++) {
            assertThat(px(img, x, 0)).as("pixel %d", x).containsExactly(samples[x], samples[x], samples[x]);
        }
    }

    @Test
    void sixteenBitGrayIsRoundedToEightBits() throws IOException {
        BufferedImage bi = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        bi.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {0, 100 * 257, 32768, 65535});

        RgbImage img = Images.read(writeWithImageIo(bi, "png", "gray16.png"));

        // round(v * 255 / 65535): 0, 100, 127.50 -> 128, 255
        assertThat(px(img, 0, 0)).containsExactly(0, 0, 0);
        assertThat(px(img, 1, 0)).containsExactly(100, 100, 100);
        assertThat(px(img, 2, 0)).containsExactly(128, 128, 128);
        assertThat(px(img, 3, 0)).containsExactly(255, 255, 255);
    }

    @Test
    void sixteenBitRgbIsRoundedToEightBits() throws IOException {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(2, 1);
        r.setPixel(0, 0, new int[] {65535, 7 * 257, 0});
        r.setPixel(1, 0, new int[] {128 * 257, 200 * 257 + 128, 1});
        BufferedImage bi = new BufferedImage(cm, r, false, null);

        RgbImage img = Images.read(writeWithImageIo(bi, "png", "rgb16.png"));

        assertThat(px(img, 0, 0)).containsExactly(255, 7, 0);
        assertThat(px(img, 1, 0)).containsExactly(128, 200, 0); // 200.498 rounds down, 1/257 to 0
    }

    @Test
    void rgbaIsCompositedOverWhite() throws IOException {
        BufferedImage bi = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        bi.setRGB(0, 0, 0x000A141E);           // (10, 20, 30) fully transparent
        bi.setRGB(1, 0, 0xFF0A141E);           // opaque
        bi.setRGB(2, 0, 0x330A141E);           // alpha 51 = 0.2

        RgbImage img = Images.read(writeWithImageIo(bi, "png", "rgba.png"));

        assertThat(px(img, 0, 0)).containsExactly(255, 255, 255);
        assertThat(px(img, 1, 0)).containsExactly(10, 20, 30);
        // 0.2 * c + 0.8 * 255 = 204 + 0.2 c
        assertThat(px(img, 2, 0)).containsExactly(206, 208, 210);
    }

    @Test
    void grayWithAlphaIsCompositedOverWhite() throws IOException {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster r = cm.createCompatibleWritableRaster(3, 1);
        r.setPixel(0, 0, new int[] {100, 0});
        r.setPixel(1, 0, new int[] {100, 255});
        r.setPixel(2, 0, new int[] {100, 128});
        BufferedImage bi = new BufferedImage(cm, r, false, null);

        RgbImage img = Images.read(writeWithImageIo(bi, "png", "gray-alpha.png"));

        assertThat(px(img, 0, 0)).containsExactly(255, 255, 255);
        assertThat(px(img, 1, 0)).containsExactly(100, 100, 100);
        // 100 * 128/255 + 255 * 127/255 = 177.2
        assertThat(px(img, 2, 0)).containsExactly(177, 177, 177);
    }

    @Test
    void paletteImagesAreLookedUpWithTransparentEntriesOverWhite() throws IOException {
        byte[] reds = {(byte) 255, 0, 0, 9};
        byte[] greens = {0, (byte) 255, 0, 9};
        byte[] blues = {0, 0, (byte) 255, 9};
        byte[] alphas = {(byte) 255, (byte) 255, (byte) 255, 0};
        IndexColorModel icm = new IndexColorModel(2, 4, reds, greens, blues, alphas);
        BufferedImage bi = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_BINARY, icm);
        for (int x = 0; x < 4; x++) {
            bi.getRaster().setSample(x, 0, 0, x);
            bi.getRaster().setSample(x, 1, 0, 3 - x);
        }

        Path p = writeWithImageIo(bi, "png", "palette.png");
        assertThat(ImageIO.read(p.toFile()).getColorModel()).as("stored as an indexed PNG")
                .isInstanceOf(IndexColorModel.class);
        RgbImage img = Images.read(p);

        assertThat(px(img, 0, 0)).containsExactly(255, 0, 0);
        assertThat(px(img, 1, 0)).containsExactly(0, 255, 0);
        assertThat(px(img, 2, 0)).containsExactly(0, 0, 255);
        assertThat(px(img, 3, 0)).containsExactly(255, 255, 255);
        assertThat(px(img, 0, 1)).containsExactly(255, 255, 255);
        assertThat(px(img, 3, 1)).containsExactly(255, 0, 0);
    }

    @Test
    void premultipliedArgbIsCompositedOverWhite() {
        BufferedImage bi = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB_PRE);
        bi.setRGB(0, 0, 0x800A141E);            // stored premultiplied by Java 2D
        bi.setRGB(1, 0, 0x00FFFFFF);

        RgbImage img = Images.fromBufferedImage(bi);

        // about 0.502 * c + 0.498 * 255, within the rounding of the premultiplied storage
        int[] p = px(img, 0, 0);
        assertThat(p[0]).isBetween(131, 133);
        assertThat(p[1]).isBetween(136, 138);
        assertThat(p[2]).isBetween(141, 143);
        assertThat(px(img, 1, 0)).containsExactly(255, 255, 255);
    }

    @Test
    void everyOpaqueJava2dTypeConvertsLikeGetRgb() {
        Random rnd = new Random(8);
        int[][] typesAndTolerance = {
            {BufferedImage.TYPE_INT_RGB, 0}, {BufferedImage.TYPE_INT_BGR, 0}, {BufferedImage.TYPE_3BYTE_BGR, 0},
            {BufferedImage.TYPE_INT_ARGB, 0}, {BufferedImage.TYPE_4BYTE_ABGR, 0},
            {BufferedImage.TYPE_USHORT_565_RGB, 1}, {BufferedImage.TYPE_USHORT_555_RGB, 1}};
        for (int[] tt : typesAndTolerance) {
            BufferedImage bi = new BufferedImage(7, 3, tt[0]);
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 7; x++) {
                    bi.setRGB(x, y, 0xFF000000 | rnd.nextInt(1 << 24));
                }
            }
            RgbImage img = Images.fromBufferedImage(bi);
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 7; x++) {
                    int expected = bi.getRGB(x, y);
                    for (int c = 0; c < 3; c++) {
                        assertThat(img.channel(x, y, c)).as("type %d pixel %d,%d channel %d", tt[0], x, y, c)
                                .isCloseTo((expected >> (16 - 8 * c)) & 0xFF, within(tt[1]));
                    }
                }
            }
        }
    }

    @Test
    void readsFromAPathOutsideTheDefaultFileSystem() throws IOException {
        RgbImage img = randomImage(4, 4, 9);
        Path zip = dir.resolve("images.zip");
        try (FileSystem fs = FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
            Images.write(img, fs.getPath("/a.png"));
        }
        try (FileSystem fs = FileSystems.newFileSystem(zip)) {
            assertThat(Images.read(fs.getPath("/a.png")).rgb()).isEqualTo(img.rgb());
            assertThatThrownBy(() -> Images.read(fs.getPath("/b.png")))
                    .isInstanceOf(InvalidImageException.class).hasMessageContaining("b.png");
        }
    }

    @Test
    void jpegIsReadApproximately() throws IOException {
        BufferedImage bi = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                bi.setRGB(x, y, 0x3C78B4);
            }
        }
        RgbImage img = Images.read(writeWithImageIo(bi, "jpg", "flat.jpg"));

        int[] p = px(img, 8, 8);
        assertThat(p[0]).isBetween(0x3C - 4, 0x3C + 4);
        assertThat(p[1]).isBetween(0x78 - 4, 0x78 + 4);
        assertThat(p[2]).isBetween(0xB4 - 4, 0xB4 + 4);
    }

    @Test
    void readsFromAStreamWithoutClosingIt() throws IOException {
        RgbImage img = randomImage(5, 3, 2);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Images.write(img, bytes);
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream(bytes.toByteArray()) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        assertThat(Images.read(in, "mem.png").rgb()).isEqualTo(img.rgb());
        assertThat(closed[0]).isFalse();
    }

    @Test
    void toBufferedImageKeepsEveryPixel() {
        RgbImage img = randomImage(6, 4, 3);

        BufferedImage bi = Images.toBufferedImage(img);

        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                int expected = (img.channel(x, y, 0) << 16) | (img.channel(x, y, 1) << 8) | img.channel(x, y, 2);
                assertThat(bi.getRGB(x, y) & 0xFFFFFF).isEqualTo(expected);
            }
        }
        assertThat(Images.fromBufferedImage(bi).rgb()).isEqualTo(img.rgb());
    }

    // ------------------------------------------------------------------ the size guard

    /** A PNG that declares {@code w x h} 8-bit RGB pixels but carries a tiny IDAT (one empty row's worth). */
    static byte[] pngHeaderOnly(int w, int h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out);
        data.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream ih = new DataOutputStream(ihdr);
        ih.writeInt(w);
        ih.writeInt(h);
        ih.writeByte(8);  // bit depth
        ih.writeByte(2);  // colour type: truecolour
        ih.writeByte(0);  // compression
        ih.writeByte(0);  // filter
        ih.writeByte(0);  // interlace
        chunk(data, "IHDR", ihdr.toByteArray());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[16]);
        deflater.finish();
        byte[] buf = new byte[64];
        int n = deflater.deflate(buf);
        deflater.end();
        chunk(data, "IDAT", Arrays.copyOf(buf, n));
        chunk(data, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] payload) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeInt(payload.length);
        out.write(t);
        out.write(payload);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(payload);
        out.writeInt((int) crc.getValue());
    }

    @Test
    void aHugeDeclaredSizeIsRefusedBeforeDecoding() throws IOException {
        byte[] bomb = pngHeaderOnly(100_000, 100_000);
        assertThat(bomb.length).isLessThan(200);
        Path p = dir.resolve("bomb.png");
        Files.write(p, bomb);

        assertThatThrownBy(() -> Images.read(p))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("100000x100000")
                .hasMessageContaining("10000000000 pixels")
                .hasMessageContaining(String.valueOf(ImageLimits.DEFAULT_MAX_PIXELS));
        assertThatThrownBy(() -> Images.read(new ByteArrayInputStream(bomb), "upload.png"))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("upload.png")
                .hasMessageContaining("100000x100000");
    }

    @Test
    void theBudgetIsConfigurable() throws IOException {
        Path p = dir.resolve("small.png");
        Images.write(randomImage(20, 10, 4), p);

        assertThatThrownBy(() -> Images.read(p, ImageLimits.ofMaxPixels(199)))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("20x10")
                .hasMessageContaining("200 pixels")
                .hasMessageContaining("199");
        assertThat(Images.read(p, ImageLimits.ofMaxPixels(200)).pixels()).isEqualTo(200);
    }

    @Test
    void limitsAreValidated() {
        assertThat(ImageLimits.DEFAULT.maxPixels()).isEqualTo(8192L * 8192L);
        assertThatThrownBy(() -> ImageLimits.ofMaxPixels(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> ImageLimits.ofMaxPixels(ImageLimits.MAX_PIXELS_CAP + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void aMissingFileIsNamed() {
        Path p = dir.resolve("nope.png");
        assertThatThrownBy(() -> Images.read(p))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("no such file");
    }

    @Test
    void aDirectoryIsNamed() {
        assertThatThrownBy(() -> Images.read(dir))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("directory");
    }

    @Test
    void anEmptyFileOrStreamIsNamed() throws IOException {
        Path p = Files.createFile(dir.resolve("empty.png"));
        assertThatThrownBy(() -> Images.read(p))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("empty (0 bytes)");
        assertThatThrownBy(() -> Images.read(new ByteArrayInputStream(new byte[0]), null))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("<stream>")
                .hasMessageContaining("empty (0 bytes)");
    }

    @Test
    void bytesThatAreNoImageAreNamed() throws IOException {
        Path p = dir.resolve("notes.png");
        Files.writeString(p, "<!DOCTYPE html> this is not an image");

        assertThatThrownBy(() -> Images.read(p))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("not a recognised image format")
                .hasMessageContaining("3c 21 44 4f");
    }

    @Test
    void aTruncatedPngIsRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Images.write(randomImage(64, 64, 5), bytes); // random pixels do not compress: the IDAT is ~12 KB
        byte[] whole = bytes.toByteArray();
        Path p = dir.resolve("cut.png");
        Files.write(p, Arrays.copyOf(whole, whole.length / 2));

        assertThatThrownBy(() -> Images.read(p))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("64x64");
    }

    @Test
    void aTruncatedJpegIsRefusedRatherThanFilledIn() throws IOException {
        BufferedImage bi = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(7);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                bi.setRGB(x, y, rnd.nextInt());
            }
        }
        byte[] whole = Files.readAllBytes(writeWithImageIo(bi, "jpg", "noise.jpg"));
        Path p = dir.resolve("cut.jpg");
        Files.write(p, Arrays.copyOf(whole, whole.length / 2));

        assertThatThrownBy(() -> Images.read(p))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("truncated");
    }

    @Test
    void aZeroSizedImageIsRefused() throws IOException {
        Path p = dir.resolve("zero.png");
        Files.write(p, pngHeaderOnly(0, 10));

        assertThatThrownBy(() -> Images.read(p))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("width");
    }

    @Test
    void aPngCutInsideItsHeaderIsRefused() throws IOException {
        byte[] header = pngHeaderOnly(10, 10);
        Path p = dir.resolve("stub.png");
        Files.write(p, Arrays.copyOf(header, 20)); // signature + part of IHDR

        assertThatThrownBy(() -> Images.read(p))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining(p.toString());
    }

    @Test
    void writingIntoAMissingFolderFails() {
        assertThatThrownBy(() -> Images.write(randomImage(2, 2, 6), dir.resolve("no/such/dir/x.png")))
                .isInstanceOf(IOException.class);
    }
}
