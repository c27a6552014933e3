package org.refam.onnx;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Allocates native-order direct buffers for ONNX Runtime input and output tensors and frees them explicitly,
 * instead of waiting for the garbage collector (a 1024x1024 FLUX pass pins hundreds of MB of attention).
 *
 * <p>Freeing uses {@code sun.misc.Unsafe.invokeCleaner} from the {@code jdk.unsupported} module (the mechanism
 * Lucene's {@code MMapDirectory} uses to unmap); when it is not accessible the buffer is left to the garbage
 * collector and a debug line says so once. Callers must free only buffers they allocated here, once, and never
 * touch a buffer (or a view of it) afterwards.
 *
 * <p>Thread-safety: thread-safe.
 */
final class DirectMemory {
    private static final Logger LOG = LoggerFactory.getLogger(DirectMemory.class);
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method cleaner = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            cleaner = c.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("direct buffers will be freed by the garbage collector: {}", e.toString());
            unsafe = null;
            cleaner = null;
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = cleaner;
    }

    private DirectMemory() {
    }

    /** A zeroed direct buffer of {@code bytes} bytes in native byte order. */
    static ByteBuffer allocate(long bytes) {
        if (bytes < 0 || bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot allocate a direct buffer of " + bytes + " bytes (the JVM's "
                    + "limit is 2 GiB per buffer: export fewer attention blocks or use a smaller image)");
        }
        return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
    }

    /** Frees {@code buffer} (one returned by {@link #allocate}, not a view) now when possible. */
    static void free(ByteBuffer buffer) {
        if (buffer == null || INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("could not free a direct buffer of {} bytes: {}", buffer.capacity(), e.toString());
        }
    }
}
