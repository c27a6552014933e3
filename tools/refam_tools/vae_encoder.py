"""The encoder half of the FLUX autoencoder in plain PyTorch, exported as an image -> tokens graph.

Parameter names follow the reference ``src/flux/modules/autoencoder.py`` under the ``encoder.`` prefix of the
official ``ae.safetensors`` (``encoder.conv_in``, ``encoder.down.I.block.J.{norm1,conv1,norm2,conv2,
nin_shortcut}``, ``encoder.down.I.downsample.conv``, ``encoder.mid.{block_1,attn_1,block_2}``,
``encoder.norm_out``, ``encoder.conv_out``); the decoder's tensors in that file are skipped.

Architecture facts (reference autoencoder.py / util.py ``ae_params``): ``ch`` 128, ``ch_mult`` [1, 2, 4, 4],
2 ResNet blocks per level, a 2x down-sampling (pad right/bottom by 1, 3x3 stride-2 conv) after every level but
the last (8x in total), GroupNorm(32, eps 1e-6), swish, one single-head attention block in the middle,
``conv_out`` to ``2 * z_channels`` = 32 channels (mean and log-variance; the mean is kept, no sampling).
Latents are normalised ``z = 0.3611 * (z_raw - 0.1159)`` (``scale_factor``, ``shift_factor``) and packed into 2x2
patches: the graph maps ``pixels [1, 3, H, W]`` in [-1, 1] (H, W multiples of 16) to ``tokens [1, H/16 * W/16,
64]`` and also returns ``latent [1, 16, H/8, W/8]``.

Command: ``python3 -m refam_tools.vae_encoder --weights ae.safetensors --out build/image_encoder.onnx``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from . import onnx_util
from .patchify import image_record, pack


@dataclass
class AutoEncoderParams:
    """Encoder half of the reference ``AutoEncoderParams`` (FLUX.1 values as defaults)."""

    in_channels: int = 3
    ch: int = 128
    ch_mult: List[int] = field(default_factory=lambda: [1, 2, 4, 4])
    num_res_blocks: int = 2
    z_channels: int = 16
    scale_factor: float = 0.3611
    shift_factor: float = 0.1159
    groups: int = 32  # GroupNorm groups (fixed to 32 in the reference)

    @property
    def downsampling(self) -> int:
        return 2 ** (len(self.ch_mult) - 1)


def swish(x: Tensor) -> Tensor:
    return x * torch.sigmoid(x)


def _norm(p: AutoEncoderParams, channels: int) -> nn.GroupNorm:
    return nn.GroupNorm(p.groups, channels, eps=1e-6, affine=True)


class ResnetBlock(nn.Module):
    def __init__(self, p: AutoEncoderParams, cin: int, cout: int):
        super().__init__()
        self.norm1 = _norm(p, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, 1, 1)
        self.norm2 = _norm(p, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1)
        self.nin_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x: Tensor) -> Tensor:
        h = self.conv1(swish(self.norm1(x)))
        h = self.conv2(swish(self.norm2(h)))
        return (x if self.nin_shortcut is None else self.nin_shortcut(x)) + h


class AttnBlock(nn.Module):
    def __init__(self, p: AutoEncoderParams, c: int):
        super().__init__()
        self.norm = _norm(p, c)
        self.q = nn.Conv2d(c, c, 1)
        self.k = nn.Conv2d(c, c, 1)
        self.v = nn.Conv2d(c, c, 1)
        self.proj_out = nn.Conv2d(c, c, 1)

    def forward(self, x: Tensor) -> Tensor:
        h = self.norm(x)
        b, c, hh, ww = h.shape
        q = self.q(h).reshape(b, c, hh * ww).transpose(1, 2)
        k = self.k(h).reshape(b, c, hh * ww)
        v = self.v(h).reshape(b, c, hh * ww).transpose(1, 2)
        a = torch.softmax(torch.matmul(q, k) * c ** -0.5, dim=-1)
        out = torch.matmul(a, v).transpose(1, 2).reshape(b, c, hh, ww)
        return x + self.proj_out(out)


class Downsample(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 2, 0)

    def forward(self, x: Tensor) -> Tensor:
        return self.conv(F.pad(x, (0, 1, 0, 1)))


class Encoder(nn.Module):
    def __init__(self, p: AutoEncoderParams):
        super().__init__()
        self.conv_in = nn.Conv2d(p.in_channels, p.ch, 3, 1, 1)
        in_mult = (1,) + tuple(p.ch_mult)
        self.down = nn.ModuleList()
        block_in = p.ch
        for level, mult in enumerate(p.ch_mult):
            level_module = nn.Module()
            block_in = p.ch * in_mult[level]
            block_out = p.ch * mult
            blocks = nn.ModuleList()
            for _ in range(p.num_res_blocks):
                blocks.append(ResnetBlock(p, block_in, block_out))
                block_in = block_out
            level_module.block = blocks
            if level != len(p.ch_mult) - 1:
                level_module.downsample = Downsample(block_in)
            self.down.append(level_module)
        self.mid = nn.Module()
        self.mid.block_1 = ResnetBlock(p, block_in, block_in)
        self.mid.attn_1 = AttnBlock(p, block_in)
        self.mid.block_2 = ResnetBlock(p, block_in, block_in)
        self.norm_out = _norm(p, block_in)
        self.conv_out = nn.Conv2d(block_in, 2 * p.z_channels, 3, 1, 1)

    def forward(self, x: Tensor) -> Tensor:
        h = self.conv_in(x)
        for level in self.down:
            for block in level.block:
                h = block(h)
            if hasattr(level, "downsample"):
                h = level.downsample(h)
        h = self.mid.block_2(self.mid.attn_1(self.mid.block_1(h)))
        return self.conv_out(swish(self.norm_out(h)))


class FluxImageEncoder(nn.Module):
    """``pixels [1, 3, H, W]`` in [-1, 1] -> ``(tokens [1, N, 4 z], latent [1, z, H/8, W/8])``, latents normalised
    when ``normalise`` (the default). Stateless at inference; thread-safe under ``torch.no_grad()``."""

    def __init__(self, params: AutoEncoderParams, normalise: bool = True, patch: int = 2):
        super().__init__()
        self.params = params
        self.normalise = normalise
        self.patch = patch
        self.encoder = Encoder(params)

    def forward(self, pixels: Tensor):
        moments = self.encoder(pixels)
        z = moments[:, : self.params.z_channels]  # the mean; log-variance is dropped (no sampling)
        if self.normalise:
            z = self.params.scale_factor * (z - self.params.shift_factor)
        return pack(z, self.patch), z


def load(params: AutoEncoderParams, weights: Optional[str], seed: int = 0, normalise: bool = True) -> FluxImageEncoder:
    """The encoder with the ``encoder.*`` tensors of an autoencoder checkpoint, or random (seeded)."""
    from . import safetensors_io

    torch.manual_seed(seed)
    model = FluxImageEncoder(params, normalise).eval()
    if weights is None:
        return model
    state = model.state_dict()
    seen, bad = set(), []
    with torch.no_grad():
        for name, tensor in safetensors_io.iter_tensors(weights):
            if not name.startswith("encoder."):
                continue
            if name not in state:
                bad.append(f"unexpected {name}")
                continue
            if tuple(state[name].shape) != tuple(tensor.shape):
                bad.append(f"{name}: model {tuple(state[name].shape)} vs file {tuple(tensor.shape)}")
                continue
            state[name].copy_(tensor)
            seen.add(name)
    missing = sorted(set(state) - seen)
    if missing or bad:
        raise ValueError(f"{weights} does not fit the autoencoder params: missing {missing[:10]}, {bad[:10]}")
    return model


def export(model: FluxImageEncoder, path: str, external: str = "auto") -> Dict[str, object]:
    """Exports to ``path`` (H, W dynamic) and writes the export record (the manifest's ``imageEncoder``)."""
    p = model.params
    cell = p.downsampling * model.patch
    spec = onnx_util.tensor_spec
    inputs = {"pixels": spec("pixels", "float32", [1, p.in_channels, "H", "W"])}
    outputs = {"tokens": spec("tokens", "float32", [1, "N", p.z_channels * model.patch ** 2]),
               "latent": spec("latent", "float32", [1, p.z_channels, "latentH", "latentW"])}
    example = (torch.rand(1, p.in_channels, 2 * cell, 3 * cell) * 2 - 1,)
    files = onnx_util.export(model, example, path, inputs, outputs, external=external, doc="FLUX VAE encoder")
    record = image_record("flux-vae", path, files, inputs, outputs, channels=p.in_channels,
                          latent_channels=p.z_channels, downsampling=p.downsampling, patch=model.patch,
                          scale=p.scale_factor, shift=p.shift_factor, scale_in_graph=model.normalise)
    onnx_util.write_record(path, record)
    return record


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m refam_tools.vae_encoder",
                                 description="Export the FLUX autoencoder's encoder (image -> tokens) to ONNX.")
    ap.add_argument("--weights", help="ae.safetensors (decoder tensors are skipped); omit for random weights")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--raw-latent", action="store_true",
                    help="leave out z = 0.3611 * (z - 0.1159); the manifest then says scaleShiftInGraph=false")
    ap.add_argument("--out", required=True)
    ap.add_argument("--external-data", choices=["auto", "always", "never"], default="auto")
    args = ap.parse_args(argv)
    model = load(AutoEncoderParams(), args.weights, args.seed, normalise=not args.raw_latent)
    export(model, args.out, args.external_data)
    print(f"exported {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
