package org.refam.onnx.sam;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.refam.api.ModelException;
import org.refam.api.PointPrompt;
import org.refam.api.RgbImage;

/**
 * What SAM and SAM2 segmenters share: the encoder and decoder sessions (and any further ones, closed with them),
 * the embedding cache, and a lifecycle in which
 * {@link #close()} waits for running calls, is idempotent, and makes every later call fail with
 * {@link IllegalStateException}.
 *
 * @param <E> the cached embedding type
 *
 * <p>Thread-safety: thread-safe; calls run concurrently under a read lock, close takes the write lock.
 */
final class SegmenterCore<E> {
    final OrtEnvironment env;
    final OrtSession encoder;
    final OrtSession decoder;
    final String device;
    final OrtModels.Sessions sessions;
    private final String owner;
    private final EmbeddingCache<E> cache;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lock
    private final AtomicLong encoderRuns = new AtomicLong();

    SegmenterCore(String owner, OrtEnvironment env, OrtModels.Pair sessions, int cacheSize) {
        this(owner, env, new OrtModels.Sessions(List.of(sessions.encoder(), sessions.decoder()), sessions.device()),
                cacheSize);
    }

    /** Session 0 is the encoder, 1 the decoder; all of them are closed by {@link #close()}. */
    SegmenterCore(String owner, OrtEnvironment env, OrtModels.Sessions sessions, int cacheSize) {
        this.owner = owner;
        this.env = env;
        this.sessions = sessions;
        this.encoder = sessions.get(0);
        this.decoder = sessions.get(1);
        this.device = sessions.device();
        this.cache = new EmbeddingCache<>(cacheSize);
    }

    /** Takes the read lock; the caller must unlock it. */
    Lock acquire() {
        Lock l = lock.readLock();
        l.lock();
        if (closed) {
            l.unlock();
            throw new IllegalStateException(owner + " is closed");
        }
        return l;
    }

    /**
     * Applies {@code use} to the embedding of {@code image} under the read lock: the body of every
     * {@code segment} call.
     *
     * @throws IllegalStateException if the segmenter is closed
     */
    <R> R withEmbedding(RgbImage image, Supplier<E> encode, Function<E, R> use) {
        Lock l = acquire();
        try {
            return use.apply(embedding(image, encode));
        } finally {
            l.unlock();
        }
    }

    /** Puts a run's input tensors into the map (they are closed after the run, also on failure). */
    @FunctionalInterface
    interface Feed {
        void put(Map<String, OnnxTensor> inputs) throws OrtException;
    }

    /** Reads what is needed from a run's outputs before they are closed. */
    @FunctionalInterface
    interface Read<T> {
        T read(OrtSession.Result result) throws OrtException;
    }

    /**
     * Runs {@code session} on the inputs {@code feed} creates and returns what {@code read} takes from the outputs;
     * inputs and outputs are closed afterwards, and an ONNX Runtime failure becomes a {@link ModelException} naming
     * {@code role}.
     *
     * @param outputs the outputs to compute, or null for all
     */
    static <T> T run(OrtSession session, String role, Set<String> outputs, Feed feed, Read<T> read) {
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        try {
            feed.put(in);
            try (OrtSession.Result r = outputs == null ? session.run(in) : session.run(in, outputs)) {
                return read.read(r);
            }
        } catch (OrtException e) {
            throw runFailure(role, e);
        } finally {
            closeAll(in);
        }
    }

    /** The embedding of {@code image}, from the cache or from {@code encode} (counted in {@link #encoderRuns}). */
    E embedding(RgbImage image, Supplier<E> encode) {
        Supplier<E> counted = () -> {
            encoderRuns.incrementAndGet();
            return encode.get();
        };
        return cache.capacity() == 0 ? counted.get() : cache.get(ImageKey.of(image), counted);
    }

    long encoderRuns() {
        return encoderRuns.get();
    }

    int cacheSize() {
        return cache.capacity();
    }

    void close() {
        Lock l = lock.writeLock();
        l.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            cache.clear();
            sessions.close();
        } finally {
            l.unlock();
        }
    }

    boolean isClosed() {
        Lock l = lock.readLock();
        l.lock();
        try {
            return closed;
        } finally {
            l.unlock();
        }
    }

    /** A tensor over {@code data} (ONNX Runtime copies heap buffers into native memory). */
    OnnxTensor tensor(float[] data, long... shape) throws OrtException {
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
    }

    /** A tensor that reads {@code direct} in place (no copy); the buffer must outlive the tensor. */
    OnnxTensor tensor(FloatBuffer direct, long... shape) throws OrtException {
        return OnnxTensor.createTensor(env, direct.duplicate(), shape);
    }

    /** A direct, native-order copy of a float output (so later runs can feed it without copying again). */
    static FloatBuffer directCopy(OrtSession.Result result, String name, String role) {
        FloatBuffer src = floats(result, name, role);
        FloatBuffer out = ByteBuffer.allocateDirect(src.remaining() * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        out.put(src).flip();
        return out;
    }

    /** The remaining values of {@code b} as a new array ({@code b}'s position is not moved). */
    static float[] toArray(FloatBuffer b) {
        FloatBuffer d = b.duplicate();
        float[] out = new float[d.remaining()];
        d.get(out);
        return out;
    }

    /** A copy of a float output's data. */
    static FloatBuffer floats(OrtSession.Result result, String name, String role) {
        OnnxValue v = result.get(name).orElseThrow(() -> new ModelException("the " + role + " returned no " + name));
        if (!(v instanceof OnnxTensor)) {
            throw new ModelException("the " + role + " returned a non-tensor " + name);
        }
        FloatBuffer b = ((OnnxTensor) v).getFloatBuffer();
        if (b == null) {
            throw new ModelException("the " + role + " returned " + name + " as " + ((OnnxTensor) v).getInfo()
                    + ", expected float32");
        }
        return b;
    }

    /** The shape of an output. */
    static long[] shape(OrtSession.Result result, String name, String role) {
        OnnxValue v = result.get(name).orElseThrow(() -> new ModelException("the " + role + " returned no " + name));
        return ((OnnxTensor) v).getInfo().getShape();
    }

    static void closeAll(Map<String, OnnxTensor> tensors) {
        for (OnnxTensor t : tensors.values()) {
            t.close();
        }
    }

    /**
     * Checks a prompt list: non-empty, finite coordinates inside the image ({@code 0 <= x <= width},
     * {@code 0 <= y <= height}).
     *
     * @return interleaved {@code x, y} pairs
     * @throws IllegalArgumentException naming the offending point and the image size
     */
    static double[] checkPoints(RgbImage image, List<PointPrompt> points) {
        if (image == null) {
            throw new NullPointerException("image");
        }
        if (points == null || points.isEmpty()) {
            throw new IllegalArgumentException("at least one point prompt is needed, got "
                    + (points == null ? "null" : "none"));
        }
        double[] xy = new double[2 * points.size()];
        for (int i = 0; i < points.size(); i++) {
            PointPrompt p = points.get(i);
            if (p == null) {
                throw new NullPointerException("point " + i + " is null");
            }
            if (!(p.x() >= 0 && p.x() <= image.width() && p.y() >= 0 && p.y() <= image.height())) {
                throw new IllegalArgumentException("point " + i + " (x " + p.x() + ", y " + p.y()
                        + ") is not inside the " + image.width() + "x" + image.height()
                        + " (width x height) image; points are (column, row) in original pixels");
            }
            xy[2 * i] = p.x();
            xy[2 * i + 1] = p.y();
        }
        return xy;
    }

    /** The model failed at run time: a graph that passed validation but cannot run these inputs. */
    static ModelException runFailure(String role, OrtException e) {
        return new ModelException("the " + role + " failed: " + e.getMessage(), e);
    }
}
