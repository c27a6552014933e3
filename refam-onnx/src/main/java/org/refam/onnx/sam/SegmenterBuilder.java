package org.refam.onnx.sam;

import java.nio.file.Path;
import java.util.Objects;
import org.refam.api.DeviceUnavailableException;
import org.refam.api.ModelException;
import org.refam.api.PromptableSegmenter;
import org.refam.onnx.internal.Device;

/**
 * Settings shared by {@link SamSegmenter.Builder} and {@link Sam2Segmenter.Builder}: where the graphs are, the
 * device, the embedding-cache size and the ONNX Runtime threads.
 *
 * @param <S> the segmenter {@link #open()} returns
 * @param <B> the concrete builder, returned by every setter
 *
 * <p>Thread-safety: mutable, not thread-safe.
 */
public abstract class SegmenterBuilder<S extends PromptableSegmenter, B extends SegmenterBuilder<S, B>> {
    /** Image embeddings (SAM) or feature sets (SAM2) kept by default. */
    public static final int DEFAULT_CACHE_SIZE = 4;

    Path folder;
    Path encoder;
    Path decoder;
    String device = "auto";
    int cacheSize = DEFAULT_CACHE_SIZE;
    int intraOpThreads;

    SegmenterBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** A folder holding {@code encoder.onnx} and {@code decoder.onnx} (or one {@code *encoder*.onnx} and one {@code *decoder*.onnx}). */
    public B folder(Path folder) {
        this.folder = folder;
        return self();
    }

    /** The image encoder graph; overrides the folder's. */
    public B encoder(Path encoder) {
        this.encoder = encoder;
        return self();
    }

    /** The prompt-encoder/mask-decoder graph; overrides the folder's. */
    public B decoder(Path decoder) {
        this.decoder = decoder;
        return self();
    }

    /** {@code auto} (default), {@code cpu} or {@code cuda[:N]}. */
    public B device(String device) {
        Device.parse(Objects.requireNonNull(device, "device"));
        this.device = device;
        return self();
    }

    /** Number of image embeddings kept (0 disables the cache); default {@link #DEFAULT_CACHE_SIZE}. */
    public B cacheSize(int cacheSize) {
        if (cacheSize < 0) {
            throw new IllegalArgumentException("cacheSize must be >= 0, got " + cacheSize);
        }
        this.cacheSize = cacheSize;
        return self();
    }

    /** ONNX Runtime intra-op threads per session; 0 (default) lets ONNX Runtime choose. */
    public B intraOpThreads(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + threads);
        }
        this.intraOpThreads = threads;
        return self();
    }

    /**
     * Opens the segmenter.
     *
     * @throws ModelException if a file is missing, not a loadable ONNX graph, or does not match the expected
     *     interface (the message names the file and every mismatch)
     * @throws DeviceUnavailableException if {@code cuda[:N]} was requested and cannot start
     */
    public abstract S open();
}
