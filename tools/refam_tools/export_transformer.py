"""Exports a FLUX transformer to ONNX with its attention probabilities as extra outputs.

Example (random tiny model)::

    python3 -m refam_tools.export_transformer --config tiny.json --out build/transformer.onnx --blocks 0-2

Example (FLUX.1-schnell, see docs/export-flux.md)::

    python3 -m refam_tools.export_transformer --config schnell --weights flux1-schnell.safetensors \\
        --out build/transformer.onnx --blocks all

Graph inputs (B = 1): ``img [1, N, in_channels]``, ``img_ids [1, N, 3]``, ``txt [1, T, context_in_dim]``,
``txt_ids [1, T, 3]``, ``timesteps [1]``, ``y [1, vec_in_dim]``, ``guidance [1]`` (guidance-distilled models
only). Outputs: ``pred [1, N, out_channels]`` (absent with ``--stop-after-last``), ``attn_img2txt [L, N, T]``
(``[L, H, N, T]`` with ``--per-head``), ``attn_txt2txt [L, T, T]`` (absent with ``--no-text-to-text``); row
``l`` comes from block ``blocks[l]``. N and T are dynamic. The export record ``<out>.json`` holds the manifest
section (docs/model-bundle.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Dict, List, Optional, Sequence

import torch
from torch import Tensor, nn

from . import flux, onnx_util

# Roles (manifest keys) and tensor names of the graph's inputs and outputs, in graph order.
INPUT_NAMES = {"img": "img", "imgIds": "img_ids", "txt": "txt", "txtIds": "txt_ids", "timesteps": "timesteps",
               "y": "y", "guidance": "guidance"}
OUTPUT_NAMES = {"pred": "pred", "attnImg2Txt": "attn_img2txt", "attnTxt2Txt": "attn_txt2txt"}


class TransformerGraph(nn.Module):
    """The traced module: batch 1, attention outputs without the batch axis."""

    def __init__(self, model: flux.Flux, capture: Optional[flux.AttentionCapture]):
        super().__init__()
        self.model = model
        self.capture = capture

    def forward(self, img: Tensor, img_ids: Tensor, txt: Tensor, txt_ids: Tensor, timesteps: Tensor, y: Tensor,
                guidance: Optional[Tensor] = None):
        if self.capture is None:
            return self.model(img, img_ids, txt, txt_ids, timesteps, y, guidance)
        out = self.model(img, img_ids, txt, txt_ids, timesteps, y, guidance, capture=self.capture)
        result = []
        if out.pred is not None:
            result.append(out.pred)
        result.append(out.img2txt[0])
        if out.txt2txt is not None:
            result.append(out.txt2txt[0])
        return tuple(result)


def io_specs(params: flux.FluxParams, capture: Optional[flux.AttentionCapture]):
    """``(inputs, outputs)``: role -> tensor spec, in graph order."""
    spec = onnx_util.tensor_spec
    inputs = {
        "img": spec("img", "float32", [1, "N", params.in_channels]),
        "imgIds": spec("img_ids", "float32", [1, "N", 3]),
        "txt": spec("txt", "float32", [1, "T", params.context_in_dim]),
        "txtIds": spec("txt_ids", "float32", [1, "T", 3]),
        "timesteps": spec("timesteps", "float32", [1]),
        "y": spec("y", "float32", [1, params.vec_in_dim]),
    }
    if params.guidance_embed:
        inputs["guidance"] = spec("guidance", "float32", [1])
    outputs = {}
    if capture is None or not capture.stop_after_last:
        outputs["pred"] = spec("pred", "float32", [1, "N", params.out_channels])
    if capture is not None:
        n_blocks = len(capture.blocks)
        shape = [n_blocks, params.num_heads, "N", "T"] if capture.per_head else [n_blocks, "N", "T"]
        outputs["attnImg2Txt"] = spec("attn_img2txt", "float32", shape)
        if capture.text_to_text:
            outputs["attnTxt2Txt"] = spec("attn_txt2txt", "float32", [n_blocks, "T", "T"])
    return inputs, outputs


def example_inputs(params: flux.FluxParams, grid_h: int, grid_w: int, text_length: int,
                   seed: int = 0, timestep: float = 0.5) -> List[Tensor]:
    """Seeded inputs in graph order: noise-like image tokens, grid ids, random text, zero text ids."""
    g = torch.Generator().manual_seed(seed)
    n = grid_h * grid_w
    args = [
        torch.randn(1, n, params.in_channels, generator=g),
        flux.image_ids(grid_h, grid_w),
        torch.randn(1, text_length, params.context_in_dim, generator=g),
        flux.text_ids(text_length),
        torch.tensor([timestep], dtype=torch.float32),
        torch.randn(1, params.vec_in_dim, generator=g),
    ]
    if params.guidance_embed:
        args.append(torch.tensor([flux.DEFAULT_GUIDANCE], dtype=torch.float32))
    return args


def export(model: flux.Flux, path: str, blocks: Optional[Sequence[int]], per_head: bool = False,
           text_to_text: bool = True, stop_after_last: bool = False, text_length: int = 256,
           trace_grid: Sequence[int] = (2, 3), trace_text: int = 4, external: str = "auto") -> Dict[str, object]:
    """Exports ``model`` to ``path``; ``blocks=None`` exports the prediction only. Writes and returns the export
    record (the ``transformer`` section of the manifest)."""
    params = model.params
    capture = None
    if blocks is not None:
        capture = flux.AttentionCapture(tuple(flux.check_blocks(blocks, params.total_blocks)), per_head,
                                        text_to_text, stop_after_last)
    elif stop_after_last:
        raise ValueError("--stop-after-last needs attention blocks")
    inputs, outputs = io_specs(params, capture)
    args = tuple(example_inputs(params, trace_grid[0], trace_grid[1], trace_text))
    graph = TransformerGraph(model.eval(), capture)
    doc = f"FLUX transformer, attention blocks {list(capture.blocks) if capture else []}"
    external_files = onnx_util.export(graph, args, path, inputs, outputs, external=external, doc=doc)
    record = {
        "file": os.path.basename(path),
        "externalData": external_files,
        "architecture": "flux",
        "params": params.to_json(),
        "blocks": params.total_blocks,
        "doubleBlocks": params.depth,
        "singleBlocks": params.depth_single_blocks,
        "heads": params.num_heads,
        "hiddenSize": params.hidden_size,
        "textLength": text_length,
        "inputs": inputs,
        "outputs": outputs,
        "attention": None if capture is None else {
            "blocks": list(capture.blocks),
            "defaultBlocks": [b for b in (params.attn_blocks or capture.blocks) if b in capture.blocks]
            or list(capture.blocks),
            "heads": "all" if capture.per_head else "mean",
            "textToTextHeads": "mean" if capture.text_to_text else None,
            "tokenOrder": ["text", "image"],
            "probabilities": "joint-softmax",
        },
        "guidance": {"input": "guidance", "default": flux.DEFAULT_GUIDANCE} if params.guidance_embed else None,
        "timestep": {"min": 0.0, "max": 1.0, "multiplier": flux.TIME_FACTOR},
        "noise": {"kind": "rectified-flow", "formula": "x_t = (1 - t) * x0 + t * eps", "space": "tokens"},
        "positions": {"axesDim": list(params.axes_dim), "theta": params.theta, "text": [0, 0, 0],
                      "image": ["frame", "row", "col"], "order": "row-major"},
    }
    onnx_util.write_record(path, record)
    return record


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m refam_tools.export_transformer",
                                 description="Export a FLUX transformer with attention outputs to ONNX.")
    ap.add_argument("--config", required=True, help="preset (schnell, dev) or a FluxParams JSON file")
    ap.add_argument("--weights", help="safetensors file, *.safetensors.index.json or folder; omit for random")
    ap.add_argument("--seed", type=int, default=0, help="seed of the random initialisation (without --weights)")
    ap.add_argument("--out", required=True, help="output .onnx path; the record goes to <out>.json")
    ap.add_argument("--blocks", help="attention blocks: 'all', or indices and ranges '0,5,10-18'; default: "
                                     "the config's attn_blocks, else all")
    ap.add_argument("--no-attention", action="store_true", help="export the prediction only (overhead baseline)")
    ap.add_argument("--per-head", action="store_true", help="attn_img2txt per head [L, H, N, T]")
    ap.add_argument("--no-text-to-text", action="store_true", help="omit attn_txt2txt")
    ap.add_argument("--stop-after-last", action="store_true",
                    help="cut the graph after the last selected block's attention (no pred, fewer weights)")
    ap.add_argument("--text-length", type=int, help="text length prompts are padded to (default: 256 for "
                                                    "schnell, 512 for dev, 256 otherwise)")
    ap.add_argument("--external-data", choices=["auto", "always", "never"], default="auto",
                    help="weights in <out>.data: only above 2 GiB (auto), always, or never")
    args = ap.parse_args(argv)

    params = flux.load_params(args.config)
    text_length = args.text_length or flux.PRESET_TEXT_LENGTH.get(args.config, 256)
    if args.no_attention:
        blocks = None
    elif args.blocks:
        blocks = flux.parse_blocks(args.blocks, params.total_blocks)
    else:
        blocks = params.attn_blocks or list(range(params.total_blocks))
    t0 = time.time()
    model = flux.load(params, args.weights, args.seed)
    print(f"model ready in {time.time() - t0:.1f} s", file=sys.stderr)
    t0 = time.time()
    record = export(model, args.out, blocks, args.per_head, not args.no_text_to_text, args.stop_after_last,
                    text_length, external=args.external_data)
    print(f"exported {args.out} in {time.time() - t0:.1f} s; outputs "
          + ", ".join(f"{s['name']}{s['shape']}" for s in record["outputs"].values()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
