"""Shared test setup: single-threaded PyTorch, small BLAS pools, the package importable from tools/."""

import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)


def tiny_params(**overrides):
    from refam_tools import flux

    values = dict(in_channels=16, vec_in_dim=8, context_in_dim=12, hidden_size=32, mlp_ratio=4.0, num_heads=2,
                  depth=2, depth_single_blocks=1, axes_dim=[4, 6, 6], theta=10_000, qkv_bias=True,
                  guidance_embed=False)
    values.update(overrides)
    return flux.FluxParams(**values)


@pytest.fixture
def params():
    return tiny_params()
