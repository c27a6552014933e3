package org.refam.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.refam.api.AttentionSlice;
import org.refam.api.FloatTensor;
import org.refam.api.ImageGeometry;
import org.refam.api.TokenizedPrompt;
import org.refam.core.text.MagnetRedistributor;
import org.refam.core.text.Prompts;
import org.refam.core.text.SimpleTokenizer;

/**
 * The reference workload of the benchmarks and synthetic attention for it.
 *
 * <p>FLUX.1-schnell at 1024 x 1024 px (method.md section 2, step 2 and section 4): a 64 x 64 grid of image tokens
 * (N = 4096), T5 text length 256 (schnell) or 512 (dev), 24 heads, about 12 read blocks, 1 to 4 noise samples;
 * the heat map is upsampled from 64 x 64 to 1024 x 1024 pixels.
 *
 * <p>Synthetic attention: each image (or text) query row spreads {@value #TEXT_MASS} of its mass over the text
 * keys (the rest went to image keys in the joint softmax) in uniform random proportions, except that one key,
 * {@link #SINK_COLUMN}, draws a large and nearly constant share from every row: a global attention sink that the
 * default sink handler detects and redirects in every block (method.md step 6), so the benchmark exercises that path.
 *
 * <p>Thread-safety: stateless.
 */
final class Workloads {
    /** FLUX latent grid side at 1024 px: 1024 / 8 (VAE) / 2 (2 x 2 patches). */
    static final int GRID = 64;
    static final int IMAGE_TOKENS = GRID * GRID;
    static final int IMAGE_SIDE = 1024;
    /** Heads of a FLUX block (3072 = 24 x 128, method.md section 4). */
    static final int FLUX_HEADS = 24;
    /** The expression of every benchmark prompt. */
    static final String EXPRESSION = "the largest orange goldfish";
    /** Share of each query row that goes to text keys. */
    static final float TEXT_MASS = 0.3f;
    /** The key that acts as a global sink (the paper's figure: token 0). */
    static final int SINK_COLUMN = 0;
    /** Upper bound on the distinct attention arrays a post-processing workload allocates (bytes). */
    static final long DISTINCT_BYTES = 512L << 20;

    private Workloads() {
    }

    /** The expression with the default magnets, padded to {@code textTokens} with the project's tokenizer. */
    static TokenizedPrompt prompt(int textTokens) {
        SimpleTokenizer tokenizer = new SimpleTokenizer(textTokens);
        TokenizedPrompt p = Prompts.expression(EXPRESSION, tokenizer, false);
        p = MagnetRedistributor.standard().redistribute(p, tokenizer);
        return Prompts.pad(p, tokenizer);
    }

    /** The 64 x 64 grid stretched over a {@code side} x {@code side} image. */
    static ImageGeometry geometry(int gridSide, int side) {
        return ImageGeometry.stretched(side, side, gridSide, gridSide);
    }

    /**
     * {@code blocks} matrices of {@code rows x cols} attention rows (see the class comment), stored one after the
     * other: {@code [blocks, rows, cols]}.
     */
    static float[] attention(SplittableRandom rnd, int blocks, int rows, int cols) {
        float[] a = new float[Math.multiplyExact(Math.multiplyExact(blocks, rows), cols)];
        for (int r = 0; r < blocks * rows; r++) {
            int base = r * cols;
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                float v = (float) rnd.nextDouble();
                a[base + c] = v;
                sum += v;
            }
            if (cols > 1) {
                // about a fifth of the row's text mass, nearly the same in every row
                float sink = (float) (0.125 * cols * (0.95 + 0.1 * rnd.nextDouble()));
                sum += sink - a[base + SINK_COLUMN];
                a[base + SINK_COLUMN] = sink;
            }
            float scale = (float) (TEXT_MASS / sum);
            for (int c = 0; c < cols; c++) {
                a[base + c] *= scale;
            }
        }
        return a;
    }

    /** Uniform random values in [0, 1). */
    static float[] uniform(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextDouble();
        }
        return a;
    }

    /**
     * The slices an extractor would return for one expression: {@code samples x blocks} forward-pass/block pairs,
     * image-to-text {@code [heads, N, T]} and text-to-text {@code [heads, T, T]}, in pass-major order. At most
     * {@link #DISTINCT_BYTES} of distinct arrays are allocated and reused cyclically; every array is larger than
     * the last-level cache once that limit applies, so reuse does not make the data cache-resident.
     */
    static List<AttentionSlice> slices(long seed, int samples, int blocks, int heads, int imageTokens,
                                       int textTokens) {
        return slices(seed, samples, blocks, heads, imageTokens, textTokens, DISTINCT_BYTES);
    }

    /** As {@link #slices(long, int, int, int, int, int)} with a limit on distinct bytes (no limit: every slice). */
    static List<AttentionSlice> slices(long seed, int samples, int blocks, int heads, int imageTokens,
                                       int textTokens, long maxDistinctBytes) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int count = samples * blocks;
        long sliceBytes = 4L * heads * (imageTokens + textTokens) * textTokens;
        int distinct = (int) Math.max(1, Math.min(count, maxDistinctBytes / sliceBytes));
        List<FloatTensor[]> pool = new ArrayList<>();
        for (int i = 0; i < distinct; i++) {
            pool.add(new FloatTensor[] {
                FloatTensor.of(attention(rnd, heads, imageTokens, textTokens), heads, imageTokens, textTokens),
                FloatTensor.of(attention(rnd, heads, textTokens, textTokens), heads, textTokens, textTokens)});
        }
        List<AttentionSlice> out = new ArrayList<>(count);
        for (int s = 0; s < samples; s++) {
            for (int b = 0; b < blocks; b++) {
                FloatTensor[] t = pool.get((s * blocks + b) % distinct);
                out.add(new AttentionSlice(s, 0.5, 7 + b, t[0], t[1]));
            }
        }
        return out;
    }
}
