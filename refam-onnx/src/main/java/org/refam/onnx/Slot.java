package org.refam.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import org.refam.api.RefAmException;

/**
 * One reusable tensor: a direct native-order buffer and an {@link OnnxTensor} that wraps it without copying, for
 * an input we write or an output ONNX Runtime writes into (a pinned output). The tensor is re-created only when
 * the shape changes, and the buffer re-allocated only when it must grow.
 *
 * <p>Thread-safety: not thread-safe; owned by one {@link Workspace}, used by one thread at a time.
 */
final class Slot implements AutoCloseable {
    private final OrtEnvironment env;
    private final boolean int64;
    private ByteBuffer memory;
    private OnnxTensor tensor;
    private long[] shape;
    private int elements;

    Slot(OrtEnvironment env, boolean int64) {
        this.env = env;
        this.int64 = int64;
    }

    /** The tensor of {@code shape} over this slot's buffer; the buffer's contents survive when the shape repeats. */
    OnnxTensor tensor(long... shape) {
        if (tensor != null && Arrays.equals(this.shape, shape)) {
            return tensor;
        }
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        long bytes = count * 8L / (int64 ? 1 : 2);
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new RefAmException("a tensor of shape " + Arrays.toString(shape) + " needs " + bytes + " bytes, more"
                    + " than one JVM buffer holds (2 GiB): export fewer attention blocks or use a smaller image");
        }
        closeTensor();
        if (memory == null || memory.capacity() < bytes) {
            DirectMemory.free(memory);
            memory = null;
            memory = DirectMemory.allocate(bytes);
        }
        ByteBuffer view = memory.duplicate().order(memory.order());
        view.limit((int) bytes);
        try {
            tensor = int64 ? OnnxTensor.createTensor(env, view.asLongBuffer(), shape)
                    : OnnxTensor.createTensor(env, view.asFloatBuffer(), shape);
        } catch (OrtException e) {
            throw new RefAmException("cannot create a tensor of shape " + Arrays.toString(shape) + ": "
                    + e.getMessage(), e);
        }
        this.shape = shape.clone();
        this.elements = (int) count;
        return tensor;
    }

    /** A float view of the current tensor's elements (position 0, limit = element count). */
    FloatBuffer floats() {
        FloatBuffer f = memory.duplicate().order(memory.order()).asFloatBuffer();
        f.limit(elements);
        return f;
    }

    /** A long view of the current tensor's elements. */
    LongBuffer longs() {
        LongBuffer l = memory.duplicate().order(memory.order()).asLongBuffer();
        l.limit(elements);
        return l;
    }

    /** Bytes of native memory held. */
    long capacity() {
        return memory == null ? 0 : memory.capacity();
    }

    private void closeTensor() {
        if (tensor != null) {
            tensor.close();
            tensor = null;
            shape = null;
        }
    }

    /** Closes the tensor, then frees the buffer; idempotent. */
    @Override
    public void close() {
        closeTensor();
        ByteBuffer m = memory;
        memory = null;
        DirectMemory.free(m);
    }
}
