#!/usr/bin/env python3
"""NumPy reference for the host-side post-processing of one expression.

The same maths, on the same shapes, as refam-bench's ``PostProcessing`` (the pipeline's default configuration,
method.md section 2 steps 4-8): per (noise sample, block) slice the finiteness check (text-to-text attention, and the
image-to-text head mean, whose input is scanned only when the mean is not finite), the head mean of image-to-text
``[H, N, T]`` and text-to-text ``[H, T, T]`` attention, global-sink statistics and the redirection of the sinks'
columns onto the magnets' end tokens, the weighted add into the average; then renormalisation of the average over
all text keys, the sum of the kept tokens' columns, separable bilinear upsampling of the 64x64 grid to 1024x1024
and the argmax. Written the way a NumPy user would (whole-array operations, BLAS for the weighted column sums,
float32 throughout), not translated loop by loop.

Synthetic attention as in ``Workloads.attention``: each row spreads 0.3 of its mass over the text keys in uniform
random proportions, except key 0, a global sink with a large, nearly constant share. Prompt layout as
``Workloads.prompt`` makes it with the project's tokenizer for "the largest orange goldfish" and the five default
magnets: 0 "the" (stop word), 1-3 content words, 4 ``</s>``, then five magnets each followed by ``</s>`` at 6, 8,
10, 12, 14 (the redirect targets), then padding. The Java side reports the kept tokens and sinks it found
(``PeakMemory``); this script reports its own, and tools/bench/make_report.py checks that they agree.

Prints one JSON object per configuration (times in milliseconds) to stdout, or writes a list with --json.
Run with /usr/bin/python3 (Debian's python3-numpy); unset OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for the timing.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

GRID = 64
IMAGE_SIDE = 1024
IMAGE_TOKENS = GRID * GRID
TEXT_MASS = 0.3
SINK_COLUMN = 0
DISTINCT_BYTES = 512 << 20

# Workloads.prompt: positions of the expression's content words and of the magnets' end tokens
EXPRESSION_CONTENT = [1, 2, 3]
MAGNET_ENDS = [6, 8, 10, 12, 14]

# GlobalSinkHandler defaults (method.md step 6): strength k = 4 uniform shares, coefficient of variation <= 0.5
STRENGTH = 4.0
MAX_VARIATION = 0.5


def attention(rng, blocks, rows, cols):
    """[blocks, rows, cols] float32 attention rows as Workloads.attention makes them."""
    a = rng.random((blocks, rows, cols), dtype=np.float32)
    if cols > 1:
        a[:, :, SINK_COLUMN] = (0.125 * cols * (0.95 + 0.1 * rng.random((blocks, rows)))).astype(np.float32)
    a *= (TEXT_MASS / a.sum(axis=2, dtype=np.float64, keepdims=True)).astype(np.float32)
    return a


def make_slices(seed, samples, blocks, heads, n, t):
    """samples * blocks (image-to-text, text-to-text) pairs; at most DISTINCT_BYTES of distinct arrays."""
    rng = np.random.default_rng(seed)
    count = samples * blocks
    slice_bytes = 4 * heads * (n + t) * t
    distinct = max(1, min(count, DISTINCT_BYTES // slice_bytes))
    pool = [(attention(rng, heads, n, t), attention(rng, heads, t, t)) for _ in range(distinct)]
    return [pool[i % distinct] for i in range(count)]


def interpolation(pixels, cells):
    """Clamped source cells and fractions per output pixel (AttentionKernels.upsampleBilinear, stretched)."""
    u = (np.arange(pixels) + 0.5) * (cells / pixels) - 0.5
    f = np.floor(u)
    i0 = np.clip(f, 0, cells - 1).astype(np.intp)
    i1 = np.clip(f + 1, 0, cells - 1).astype(np.intp)
    return i0, i1, (u - f).astype(np.float32)


def column_stats(m):
    """Per column: sum, sum of squares, sum of row shares (value / row sum)."""
    row = m.sum(axis=1)
    inv = np.zeros_like(row)
    np.divide(1.0, row, out=inv, where=row > 0)
    return m.sum(axis=0), np.einsum("ij,ij->j", m, m), inv @ m


def upsample(grid, side):
    """Separable bilinear upsampling of a square grid to side x side pixels (clamped at the edges)."""
    x0, x1, fx = interpolation(side, grid.shape[1])
    y0, y1, fy = interpolation(side, grid.shape[0])
    rows = grid[:, x0] + fx * (grid[:, x1] - grid[:, x0])
    return rows[y0] + fy[:, None] * (rows[y1] - rows[y0])


def post_process(slices, n, t, heads, grid_side=GRID, image_side=IMAGE_SIDE):
    """The post-processing of one expression; returns the peak pixel, kept tokens, sinks and the grid heat map."""
    count = len(slices)
    work = np.empty((n, t), np.float32)
    acc = work if count == 1 else np.zeros((n, t), np.float32)
    text = np.empty((t, t), np.float32)
    sinks = set()
    for i2t, t2t in slices:
        if not np.isfinite(t2t).all():
            raise ValueError("non-finite text-to-text attention")
        np.sum(i2t, axis=0, out=work)
        # as the Java pipeline: the head mean is finite where every head is, so the [H, N, T] input is scanned only
        # when the [N, T] mean is not
        if not np.isfinite(work).all() and not np.isfinite(i2t).all():
            raise ValueError("non-finite image-to-text attention")
        np.sum(t2t, axis=0, out=text)
        if heads > 1:
            work *= np.float32(1.0 / heads)
            text *= np.float32(1.0 / heads)
        s, q, share = column_stats(work)
        share = share + column_stats(text)[2]
        strong = share / (n + t) * t >= STRENGTH
        mean = s / n
        cv = np.sqrt(np.maximum(0.0, q / n - mean * mean)) / np.where(mean > 0, mean, 1)
        found = np.flatnonzero(strong & (mean > 0) & (cv <= MAX_VARIATION))
        targets = [p for p in MAGNET_ENDS if p not in set(found.tolist())]
        for j in found:
            for m in (work, text):
                part = m[:, j] * np.float32(1.0 / len(targets))
                m[:, j] = 0
                m[:, targets] += part[:, None]
        sinks.update(found.tolist())
        if acc is not work:
            acc += work * np.float32(1.0 / count)
    row = acc.sum(axis=1, keepdims=True)
    np.divide(acc, row, out=acc, where=row > 0)
    kept = [p for p in EXPRESSION_CONTENT if p not in sinks]
    grid = acc[:, kept].sum(axis=1).reshape(grid_side, grid_side)
    pixels = upsample(grid, image_side)
    return {"peak": int(np.argmax(pixels)), "kept": kept, "sinks": sorted(sinks), "grid": grid}


def time_config(text_tokens, samples, blocks, heads, warmup, repeats):
    slices = make_slices(11, samples, blocks, heads, IMAGE_TOKENS, text_tokens)
    t0 = time.perf_counter()
    result = post_process(slices, IMAGE_TOKENS, text_tokens, heads)
    first = (time.perf_counter() - t0) * 1e3
    for _ in range(warmup - 1):
        result = post_process(slices, IMAGE_TOKENS, text_tokens, heads)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = post_process(slices, IMAGE_TOKENS, text_tokens, heads)
        times.append((time.perf_counter() - t0) * 1e3)
    return {
        "textTokens": text_tokens, "samples": samples, "blocks": blocks, "heads": heads,
        "medianMs": statistics.median(times), "minMs": min(times), "meanMs": statistics.fmean(times),
        "firstMs": first, "repeats": repeats, "kept": result["kept"], "sinks": result["sinks"], "peak": result["peak"],
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--text", type=int, nargs="+", default=[256, 512])
    p.add_argument("--samples", type=int, nargs="+", default=[1, 4])
    p.add_argument("--heads", type=int, nargs="+", default=[1, 24])
    p.add_argument("--blocks", type=int, default=12)
    p.add_argument("--warmup", type=int, default=1, help="untimed runs before the timed ones, at least 1 "
                   "(the first is reported as firstMs)")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--json", help="write all results (and the environment) to this file")
    a = p.parse_args(argv)
    results = []
    for t in a.text:
        for s in a.samples:
            for h in a.heads:
                r = time_config(t, s, a.blocks, h, a.warmup, a.repeats)
                print(json.dumps(r), flush=True)
                results.append(r)
    if a.json:
        env = {
            "python": platform.python_version(), "numpy": np.__version__,
            "executable": sys.executable,
            "openblasEnv": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
            "threads": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")},
        }
        with open(a.json, "w") as f:
            json.dump({"environment": env, "results": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
