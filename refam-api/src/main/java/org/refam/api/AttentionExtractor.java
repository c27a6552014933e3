package org.refam.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a diffusion transformer on an image (or clip) with a prompt and returns the attention it paid
 * (method.md section 2, steps 2-4). This is the extension point for new backbones: an ONNX-exported FLUX, a
 * Mochi-class video model, or a fixture in tests.
 *
 * <p>Contract, checked by the conformance kit in {@code refam-core}'s test jar:
 * <ul>
 *   <li>{@link #extract} returns one {@link AttentionSlice} per (forward pass, requested block), in pass-major
 *       order; every slice's N equals {@code geometry().imageTokens()} and T equals {@code prompt().size()};</li>
 *   <li>values are finite and non-negative; each image row sums to at most 1 (plus rounding) over text keys;</li>
 *   <li>a block that is not in {@link ModelInfo#reportableBlocks()} is refused with {@link RefAmException};</li>
 *   <li>a prompt longer than {@link PromptTokenizer#maxLength()} is refused with {@link PromptTooLongException};</li>
 *   <li>{@link #close()} is idempotent and every other method throws {@link IllegalStateException} after it.</li>
 * </ul>
 *
 * <p>Implementations must state their thread-safety; the bundled ones are thread-safe (one shared session,
 * concurrent {@code extract} calls).
 */
public interface AttentionExtractor extends AutoCloseable {

    /** What the model is and which blocks it can report. */
    ModelInfo info();

    /** The model's tokenizer. */
    PromptTokenizer tokenizer();

    /**
     * Runs the model and returns the requested attention.
     *
     * @throws InvalidImageException if a frame cannot be used
     * @throws PromptTooLongException if the prompt exceeds the model's text length
     * @throws CancelledException if the request's listener cancelled
     */
    AttentionMaps extract(ExtractionRequest request);

    /**
     * Extracts several requests, typically several expressions for one image. The default runs them one by one;
     * backends that batch override it (and say so in {@link ModelInfo#supportsBatching()}).
     */
    default List<AttentionMaps> extractAll(List<ExtractionRequest> requests) {
        List<AttentionMaps> out = new ArrayList<>(requests.size());
        for (ExtractionRequest r : requests) {
            out.add(extract(r));
        }
        return out;
    }

    /** Releases native resources; idempotent. */
    @Override
    void close();
}
