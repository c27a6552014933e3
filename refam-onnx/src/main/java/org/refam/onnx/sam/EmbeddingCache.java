package org.refam.onnx.sam;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A bounded least-recently-used cache of image embeddings keyed by {@link ImageKey}. Concurrent requests for the
 * same image wait for one computation instead of running the encoder twice; a failed computation is not cached.
 * Capacity 0 disables caching.
 *
 * @param <E> the embedding type
 *
 * <p>Thread-safety: thread-safe.
 */
final class EmbeddingCache<E> {
    private final int capacity;
    private final LinkedHashMap<ImageKey, CompletableFuture<E>> entries = new LinkedHashMap<>(16, 0.75f, true);

    EmbeddingCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("cache size must be >= 0, got " + capacity);
        }
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** The cached embedding of {@code key}, computing it with {@code compute} on a miss. */
    E get(ImageKey key, Supplier<E> compute) {
        if (capacity == 0) {
            return compute.get();
        }
        CompletableFuture<E> future;
        boolean mine = false;
        synchronized (entries) {
            future = entries.get(key);
            if (future == null) {
                future = new CompletableFuture<>();
                entries.put(key, future);
                mine = true;
                Iterator<ImageKey> eldest = entries.keySet().iterator();
                while (entries.size() > capacity) {
                    eldest.next();
                    eldest.remove();
                }
            }
        }
        if (mine) {
            try {
                E value = compute.get();
                future.complete(value);
                return value;
            } catch (RuntimeException | Error e) {
                synchronized (entries) {
                    entries.remove(key, future);
                }
                future.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw e;
        }
    }

    /** Number of entries, computed or in progress. */
    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    void clear() {
        synchronized (entries) {
            entries.clear();
        }
    }
}
