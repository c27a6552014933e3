"""The parameter-free ``patchify`` image encoder for small models, and the token packing FLUX uses.

``pack`` turns a feature map ``[B, C, H, W]`` into tokens ``[B, (H/p)*(W/p), C*p*p]``: tokens in row-major grid
order, each token's channels ordered (channel, row in patch, column in patch). This is FLUX's packing of 2x2
latent patches (reference ``sampling.py``: ``rearrange(x, "b c (h ph) (w pw) -> b (h w) (c ph pw)")``); the
patchify encoder applies it to the pixels themselves, so a small model's ``img_in`` sees raw ``p x p`` patches.

Command: ``python3 -m refam_tools.patchify --patch 8 --out build/image_encoder.onnx``.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Dict, List, Optional

import torch
from torch import Tensor, nn

from . import onnx_util

# Token channel order inside a token, outermost first (recorded in the manifest).
PACKING = ["channel", "patchRow", "patchCol"]


def pack(x: Tensor, p: int) -> Tensor:
    """``[B, C, H, W] -> [B, (H/p)*(W/p), C*p*p]``; H and W must be multiples of ``p``."""
    b, c, h, w = x.shape
    x = x.reshape(b, c, h // p, p, w // p, p).permute(0, 2, 4, 1, 3, 5)
    return x.reshape(b, (h // p) * (w // p), c * p * p)


def unpack(tokens: Tensor, c: int, p: int, grid_h: int, grid_w: int) -> Tensor:
    """Inverse of :func:`pack`."""
    b = tokens.shape[0]
    x = tokens.reshape(b, grid_h, grid_w, c, p, p).permute(0, 3, 1, 4, 2, 5)
    return x.reshape(b, c, grid_h * p, grid_w * p)


class PatchifyEncoder(nn.Module):
    """``pixels [1, C, H, W]`` in [-1, 1] -> ``tokens [1, N, C*p*p]``. Stateless; thread-safe."""

    def __init__(self, patch: int, channels: int = 3):
        super().__init__()
        if patch < 1:
            raise ValueError(f"patch size must be positive, got {patch}")
        self.patch = patch
        self.channels = channels

    def forward(self, pixels: Tensor) -> Tensor:
        return pack(pixels, self.patch)


def export(model: PatchifyEncoder, path: str) -> Dict[str, object]:
    """Exports to ``path`` and writes the export record (the manifest's ``imageEncoder`` section)."""
    p, c = model.patch, model.channels
    spec = onnx_util.tensor_spec
    inputs = {"pixels": spec("pixels", "float32", [1, c, "H", "W"])}
    outputs = {"tokens": spec("tokens", "float32", [1, "N", c * p * p])}
    example = (torch.randn(1, c, 2 * p, 3 * p),)
    files = onnx_util.export(model, example, path, inputs, outputs, external="never", doc=f"patchify p={p}")
    record = image_record("patchify", path, files, inputs, outputs, channels=c, latent_channels=c,
                          downsampling=1, patch=p, scale=1.0, shift=0.0, scale_in_graph=True)
    onnx_util.write_record(path, record)
    return record


def image_record(kind: str, path: str, files: List[str], inputs, outputs, channels: int, latent_channels: int,
                 downsampling: int, patch: int, scale: float, shift: float, scale_in_graph: bool) -> Dict[str, object]:
    """The ``imageEncoder`` manifest section shared by all image encoders."""
    return {
        "kind": kind,
        "file": os.path.basename(path),
        "externalData": files,
        "inputs": inputs,
        "outputs": outputs,
        "channels": channels,
        "pixelRange": [-1.0, 1.0],
        "latentChannels": latent_channels,
        "downsampling": downsampling,
        "patchSize": patch,
        "cellPixels": downsampling * patch,
        "tokenChannels": latent_channels * patch * patch,
        "latentScale": scale,
        "latentShift": shift,
        "scaleShiftInGraph": scale_in_graph,
        "packing": PACKING,
    }


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m refam_tools.patchify",
                                 description="Export the patchify image encoder to ONNX.")
    ap.add_argument("--patch", type=int, required=True, help="patch size in pixels")
    ap.add_argument("--channels", type=int, default=3)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    export(PatchifyEncoder(args.patch, args.channels), args.out)
    print(f"exported {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
