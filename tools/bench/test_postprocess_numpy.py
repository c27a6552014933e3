"""Tests of the NumPy post-processing reference: each step against a plain-Python loop on a tiny case."""

import math

import numpy as np
import pytest

import postprocess_numpy as pp


def test_upsampling_matches_the_java_hand_computed_example():
    # AttentionKernelsTest.bilinearOnAStretchedGridMatchesHandComputedValues: 2x2 grid -> 4x4 image
    out = pp.upsample(np.array([[0, 4], [8, 12]], np.float32), 4)
    top = [0, 1, 3, 4]
    down = [0, 2, 6, 8]
    assert out.tolist() == [[top[x] + down[y] for x in range(4)] for y in range(4)]


def test_generated_rows_carry_the_text_mass_and_a_flat_strong_sink():
    a = pp.attention(np.random.default_rng(1), 2, 50, 20)
    assert a.dtype == np.float32
    np.testing.assert_allclose(a.sum(axis=2), pp.TEXT_MASS, rtol=1e-5)
    share = a[:, :, pp.SINK_COLUMN] / a.sum(axis=2)
    assert share.min() > 0.15 and share.std() / share.mean() < 0.2


def naive(slices, n, t, heads, grid_side, side):
    """Step by step with Python loops, in float64, as PostProcessing describes it."""
    count = len(slices)
    acc = [[0.0] * t for _ in range(n)]
    sinks = set()
    for i2t, t2t in slices:
        work = [[sum(float(i2t[h, r, c]) for h in range(heads)) / heads for c in range(t)] for r in range(n)]
        text = [[sum(float(t2t[h, r, c]) for h in range(heads)) / heads for c in range(t)] for r in range(t)]
        share = [0.0] * t
        for m in (work, text):
            for row in m:
                rs = sum(row)
                for c in range(t):
                    share[c] += row[c] / rs if rs > 0 else 0.0
        found = []
        for c in range(t):
            col = [work[r][c] for r in range(n)]
            mean = sum(col) / n
            var = max(0.0, sum(v * v for v in col) / n - mean * mean)
            if share[c] / (n + t) * t >= pp.STRENGTH and mean > 0 and math.sqrt(var) / mean <= pp.MAX_VARIATION:
                found.append(c)
        targets = [p for p in pp.MAGNET_ENDS if p not in found]
        for j in found:
            for m in (work, text):
                for row in m:
                    part = row[j] / len(targets)
                    row[j] = 0.0
                    for k in targets:
                        row[k] += part
        sinks.update(found)
        for r in range(n):
            for c in range(t):
                acc[r][c] += work[r][c] / count
    for row in acc:
        rs = sum(row)
        if rs > 0:
            row[:] = [v / rs for v in row]
    kept = [p for p in pp.EXPRESSION_CONTENT if p not in sinks]
    grid = np.array([sum(acc[r][k] for k in kept) for r in range(n)]).reshape(grid_side, grid_side)
    return kept, sorted(sinks), grid


@pytest.mark.parametrize("heads,samples", [(1, 1), (3, 2)])
def test_post_processing_matches_a_loop_reference(heads, samples):
    grid_side, t = 4, 24  # the sink is strong (share 0.2 >= 4 / T) from T = 20 on
    slices = pp.make_slices(3, samples, 2, heads, grid_side * grid_side, t)
    got = pp.post_process(slices, grid_side * grid_side, t, heads, grid_side=grid_side, image_side=9)
    kept, sinks, grid = naive(slices, grid_side * grid_side, t, heads, grid_side, 9)
    assert sinks == got["sinks"] == [pp.SINK_COLUMN]
    assert kept == got["kept"] == [1, 2, 3]
    np.testing.assert_allclose(got["grid"], grid, rtol=1e-5)
    pixels = pp.upsample(grid.astype(np.float32), 9)
    assert got["peak"] == int(np.argmax(pixels))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("text", [False, True])
def test_a_non_finite_value_in_one_head_is_refused(bad, text):
    grid_side, t = 4, 24
    slices = pp.make_slices(3, 1, 2, 3, grid_side * grid_side, t)
    i2t, t2t = slices[1]
    (t2t if text else i2t)[2, 3, 5] = bad
    with pytest.raises(ValueError, match="text-to-text" if text else "image-to-text"):
        pp.post_process(slices, grid_side * grid_side, t, 3, grid_side=grid_side, image_side=9)
