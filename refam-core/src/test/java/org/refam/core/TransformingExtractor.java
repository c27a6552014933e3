package org.refam.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.refam.api.AttentionExtractor;
import org.refam.api.AttentionMaps;
import org.refam.api.AttentionSlice;
import org.refam.api.ExtractionRequest;
import org.refam.api.FloatTensor;
import org.refam.api.ModelInfo;
import org.refam.api.PromptTokenizer;
import org.refam.api.Token;
import org.refam.api.TokenizedPrompt;

/**
 * Test double: delegates to another extractor, transforms what it returns, and records the calls. Also holds the
 * transformations the tests use (scale, permute tokens, plant a bad value).
 */
final class TransformingExtractor implements AttentionExtractor {
    private final AttentionExtractor inner;
    private final UnaryOperator<AttentionMaps> transform;
    final AtomicInteger extractCalls = new AtomicInteger();
    final AtomicInteger extractAllCalls = new AtomicInteger();
    final List<ExtractionRequest> requests = new CopyOnWriteArrayList<>();
    private ModelInfo info;

    TransformingExtractor(AttentionExtractor inner, UnaryOperator<AttentionMaps> transform) {
        this.inner = inner;
        this.transform = transform;
    }

    /** Records calls only. */
    static TransformingExtractor recording(AttentionExtractor inner) {
        return new TransformingExtractor(inner, UnaryOperator.identity());
    }

    TransformingExtractor withInfo(ModelInfo info) {
        this.info = info;
        return this;
    }

    @Override
    public ModelInfo info() {
        return info != null ? info : inner.info();
    }

    @Override
    public PromptTokenizer tokenizer() {
        return inner.tokenizer();
    }

    @Override
    public AttentionMaps extract(ExtractionRequest request) {
        extractCalls.incrementAndGet();
        requests.add(request);
        return transform.apply(inner.extract(request));
    }

    @Override
    public List<AttentionMaps> extractAll(List<ExtractionRequest> list) {
        extractAllCalls.incrementAndGet();
        List<AttentionMaps> out = new ArrayList<>();
        for (ExtractionRequest r : list) {
            requests.add(r);
            out.add(transform.apply(inner.extract(r)));
        }
        return out;
    }

    @Override
    public void close() {
        inner.close();
    }

    // ------------------------------------------------------------------------------------------ transformations

    /** Applies {@code f} to every tensor element (a dense copy). */
    static FloatTensor map(FloatTensor t, java.util.function.DoubleUnaryOperator f) {
        if (t == null) {
            return null;
        }
        int[] s = t.shape();
        float[] out = new float[Math.toIntExact(t.size())];
        int i = 0;
        for (int a = 0; a < s[0]; a++) {
            for (int b = 0; b < s[1]; b++) {
                for (int c = 0; c < s[2]; c++) {
                    out[i++] = (float) f.applyAsDouble(t.get(a, b, c));
                }
            }
        }
        return FloatTensor.of(out, s);
    }

    /** Every value times {@code factor}. */
    static AttentionMaps scaled(AttentionMaps m, double factor) {
        List<AttentionSlice> slices = new ArrayList<>();
        for (AttentionSlice s : m.slices()) {
            slices.add(new AttentionSlice(s.sample(), s.timestep(), s.block(), map(s.imageToText(), v -> v * factor),
                    map(s.textToText(), v -> v * factor)));
        }
        return new AttentionMaps(m.prompt(), m.geometry(), slices, m.provider(), m.timings());
    }

    /**
     * The prompt's tokens reordered so that new position i holds old token {@code perm[i]}, with the attention's
     * key columns (and text query rows) reordered to match.
     */
    static AttentionMaps permuted(AttentionMaps m, int[] perm) {
        TokenizedPrompt p = m.prompt();
        List<Token> tokens = new ArrayList<>();
        for (int i : perm) {
            tokens.add(p.token(i));
        }
        TokenizedPrompt q = new TokenizedPrompt(p.segments(), tokens, p.truncatedTokens());
        List<AttentionSlice> slices = new ArrayList<>();
        for (AttentionSlice s : m.slices()) {
            slices.add(new AttentionSlice(s.sample(), s.timestep(), s.block(), permute(s.imageToText(), perm, false),
                    permute(s.textToText(), perm, true)));
        }
        return new AttentionMaps(q, m.geometry(), slices, m.provider(), m.timings());
    }

    private static FloatTensor permute(FloatTensor t, int[] perm, boolean rowsToo) {
        if (t == null) {
            return null;
        }
        int[] s = t.shape();
        float[] out = new float[Math.toIntExact(t.size())];
        for (int a = 0; a < s[0]; a++) {
            for (int b = 0; b < s[1]; b++) {
                for (int c = 0; c < s[2]; c++) {
                    out[(a * s[1] + b) * s[2] + c] = t.get(a, rowsToo ? perm[b] : b, perm[c]);
                }
            }
        }
        return FloatTensor.of(out, s);
    }

    /** Sets one value of slice {@code k}'s image-to-text (or text-to-text) attention. */
    static AttentionMaps planted(AttentionMaps m, int k, boolean text, int h, int r, int c, float value) {
        List<AttentionSlice> slices = new ArrayList<>(m.slices());
        AttentionSlice s = slices.get(k);
        FloatTensor target = text ? s.textToText() : s.imageToText();
        FloatTensor copy = map(target, v -> v);
        copy.data()[copy.indexOf(h, r, c)] = value;
        slices.set(k, new AttentionSlice(s.sample(), s.timestep(), s.block(), text ? s.imageToText() : copy,
                text ? copy : s.textToText()));
        return new AttentionMaps(m.prompt(), m.geometry(), slices, m.provider(), m.timings());
    }
}
