package org.refam.api;

/**
 * How the latent token grid maps back to the pixels of the original image, including any resize, crop or pad
 * done in preprocessing.
 *
 * <p>The mapping is axis-aligned and affine: the continuous grid coordinate {@code u} (cell {@code i} spans
 * {@code [i, i+1)}, its centre is {@code i + 0.5}) of the continuous pixel coordinate {@code x} (pixel
 * {@code j} spans {@code [j, j+1)}) is {@code u = offsetX + scaleX * x}, and likewise for rows. A grid cell that
 * maps outside the image (padding) simply has no pixel mapped onto it.
 *
 * @param frames number of frames covered by the grid (1 for an image)
 * @param gridHeight latent token rows
 * @param gridWidth latent token columns
 * @param imageHeight original image height in pixels
 * @param imageWidth original image width in pixels
 * @param scaleX grid columns per original pixel
 * @param scaleY grid rows per original pixel
 * @param offsetX grid column of the image's left edge
 * @param offsetY grid row of the image's top edge
 *
 * <p>Thread-safety: immutable.
 */
public record ImageGeometry(int frames, int gridHeight, int gridWidth, int imageHeight, int imageWidth,
                            double scaleX, double scaleY, double offsetX, double offsetY) {
    public ImageGeometry {
        if (frames < 1 || gridHeight < 1 || gridWidth < 1 || imageHeight < 1 || imageWidth < 1) {
            throw new IllegalArgumentException("geometry needs positive sizes, got frames=" + frames + " grid="
                    + gridHeight + "x" + gridWidth + " image=" + imageHeight + "x" + imageWidth);
        }
        if (!(scaleX > 0) || !(scaleY > 0) || !Double.isFinite(scaleX) || !Double.isFinite(scaleY)
                || !Double.isFinite(offsetX) || !Double.isFinite(offsetY)) {
            throw new IllegalArgumentException("geometry needs finite positive scales and finite offsets, got scale=("
                    + scaleX + ", " + scaleY + ") offset=(" + offsetX + ", " + offsetY + ")");
        }
    }

    /** The image was resized (stretched) to fill the whole grid. */
    public static ImageGeometry stretched(int imageHeight, int imageWidth, int gridHeight, int gridWidth) {
        return new ImageGeometry(1, gridHeight, gridWidth, imageHeight, imageWidth,
                (double) gridWidth / imageWidth, (double) gridHeight / imageHeight, 0, 0);
    }

    /**
     * The image was resized to {@code resizedWidth x resizedHeight} canvas pixels and placed at
     * ({@code padLeft}, {@code padTop}) of a canvas of {@code gridWidth * cellPixels} pixels across (negative
     * padding means a crop), the canvas then cut into cells of {@code cellPixels} pixels (FLUX: 16 = 8x VAE
     * downsampling times the 2x2 patch).
     */
    public static ImageGeometry resizedAndPadded(int imageHeight, int imageWidth, int resizedHeight, int resizedWidth,
                                                 int padTop, int padLeft, int cellPixels, int gridHeight, int gridWidth) {
        double sx = (double) resizedWidth / imageWidth / cellPixels;
        double sy = (double) resizedHeight / imageHeight / cellPixels;
        return new ImageGeometry(1, gridHeight, gridWidth, imageHeight, imageWidth, sx, sy,
                (double) padLeft / cellPixels, (double) padTop / cellPixels);
    }

    /** Image tokens per frame. */
    public int tokensPerFrame() {
        return gridHeight * gridWidth;
    }

    /** Image tokens in all frames. */
    public int imageTokens() {
        return frames * gridHeight * gridWidth;
    }

    /** Grid column (continuous) of the centre of pixel column {@code x}. */
    public double gridX(double pixelX) {
        return offsetX + scaleX * (pixelX + 0.5);
    }

    /** Grid row (continuous) of the centre of pixel row {@code y}. */
    public double gridY(double pixelY) {
        return offsetY + scaleY * (pixelY + 0.5);
    }

    /** Pixel x (continuous, in original image pixels) of the centre of grid column {@code col}. */
    public double pixelX(int col) {
        return (col + 0.5 - offsetX) / scaleX;
    }

    /** Pixel y (continuous, in original image pixels) of the centre of grid row {@code row}. */
    public double pixelY(int row) {
        return (row + 0.5 - offsetY) / scaleY;
    }

    /** The same geometry for {@code frames} frames. */
    public ImageGeometry withFrames(int frames) {
        return new ImageGeometry(frames, gridHeight, gridWidth, imageHeight, imageWidth, scaleX, scaleY, offsetX, offsetY);
    }
}
