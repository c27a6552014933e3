"""Runs the refam-tiny bundle's ONNX graphs (NumPy interpreter, no onnxruntime) the way the pipeline does and checks
them against the PyTorch checkpoint they came from.

For each of ``--count`` val referring expressions: the image through ``image_encoder.onnx``, the expression plus
the default magnets (each with its ``</s>``) padded to the manifest's text length through ``text_encoder.onnx``,
seeded noise at t = 0.5, one pass of ``transformer.onnx``; the content-word maps of ``attn_img2txt`` (default
blocks, renormalised over text keys) are summed, upsampled bilinearly and the argmax is tested against the target
mask. Prints the largest difference to PyTorch and the point accuracy (a small-sample smoke check, not the eval).

    /usr/bin/python3 tools/train/check_bundle.py --bundle models/refam-tiny --checkpoint tools/runs/export \\
        --val tools/runs/data48/val --count 20
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_tiny as tt  # noqa: E402
from refam_tools import flux, onnx_numpy, safetensors_io, t5  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bundle", default=os.path.join(tt.ROOT, "models/refam-tiny"))
    ap.add_argument("--checkpoint", default=os.path.join(tt.ROOT, "tools/runs/export"),
                    help="the weights the bundle was exported from (export_latest.sh leaves its snapshot here; "
                         "tools/train/checkpoints moves on while training runs)")
    ap.add_argument("--val", default=os.path.join(tt.ROOT, "tools/runs/data48/val"))
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--magnets", default=".,with,a,the,pink")
    args = ap.parse_args()

    m = json.load(open(os.path.join(args.bundle, "manifest.json")))
    length = m["transformer"]["textLength"]
    padded = m["textEncoder"].get("padding", "max-length") == "max-length"
    patch = m["imageEncoder"]["patchSize"]
    size = m["image"]["size"]
    default_blocks = m["transformer"]["attention"]["defaultBlocks"]
    rows = [m["transformer"]["attention"]["blocks"].index(b) for b in default_blocks]
    tok = tt.WordTokenizer(os.path.join(args.bundle, "tokenizer.json"))
    graphs = {k: __import__("onnx").load(os.path.join(args.bundle, m[s]["file"]))
              for k, s in (("image", "imageEncoder"), ("text", "textEncoder"), ("tr", "transformer"))}

    fp = flux.params_from_json(json.load(open(os.path.join(args.checkpoint, "flux-config.json"))))
    ref_flux = flux.load(fp, os.path.join(args.checkpoint, "transformer.safetensors"))
    ref_t5 = t5.load(t5.T5Config(**json.load(open(os.path.join(args.checkpoint, "t5-config.json")))),
                     os.path.join(args.checkpoint, "text_encoder.safetensors"))

    index, images, masks = tt.load_split(args.val, size, with_masks=True)
    magnets = []
    for w in args.magnets.split(","):
        magnets += tok.encode(w)
    pairs = [(i, e) for i, r in enumerate(index["images"]) for e in range(len(r["expressions"]))]
    rng = np.random.default_rng(7)
    pick = rng.choice(len(pairs), size=min(args.count, len(pairs)), replace=False)
    grid = size // patch
    hits, worst = [], 0.0
    for n, k in enumerate(pick):
        i, e = pairs[k]
        expr = index["images"][i]["expressions"][e]
        pix = images[i].astype(np.float32).transpose(2, 0, 1)[None] / 127.5 - 1.0
        tokens = onnx_numpy.run(graphs["image"], {"pixels": pix})["tokens"]
        own = tok.encode(expr["text"])
        ids = np.array([tt.pad_ids(own + magnets, length) if padded else own + magnets], dtype=np.int64)
        txt = onnx_numpy.run(graphs["text"], {"input_ids": ids})["last_hidden_state"]
        noise = np.random.default_rng(1000 + n).standard_normal(tokens.shape).astype(np.float32)
        xt = (0.5 * tokens + 0.5 * noise).astype(np.float32)
        feeds = {"img": xt, "img_ids": flux.image_ids(grid, grid).numpy(), "txt": txt,
                 "txt_ids": np.zeros((1, ids.shape[1], 3), np.float32), "timesteps": np.array([0.5], np.float32),
                 "y": np.zeros((1, fp.vec_in_dim), np.float32)}
        out = onnx_numpy.run(graphs["tr"], feeds)
        a = out["attn_img2txt"][rows]  # [L, N, T]
        with torch.no_grad():
            ref_txt = ref_t5(torch.from_numpy(ids))
            ref = ref_flux(torch.from_numpy(xt), flux.image_ids(grid, grid), ref_txt, torch.zeros(1, ids.shape[1], 3),
                           torch.tensor([0.5]), torch.zeros(1, fp.vec_in_dim),
                           capture=flux.AttentionCapture(tuple(default_blocks)))
        worst = max(worst, float(np.abs(ref.img2txt[0].numpy() - a).max()),
                    float(np.abs(ref_txt.numpy() - txt).max()))
        a = a / a.sum(axis=-1, keepdims=True)
        content = np.array([tok.is_content(j) and p < len(own) for p, j in enumerate(ids[0])], np.float32)
        heat = (a * content).sum(axis=-1).mean(axis=0).reshape(1, 1, grid, grid)
        up = F.interpolate(torch.from_numpy(heat), size=(size, size), mode="bilinear", align_corners=False)
        y, x = divmod(int(up.reshape(-1).argmax()), size)
        hits.append(bool(masks[(i, expr["target"])][y, x]))
    print(f"{len(hits)} expressions: PA {np.mean(hits):.3f} (bundle, magnets, t=0.5, 1 noise seed); "
          f"largest |ONNX - PyTorch| {worst:.2e}")
    return 0 if worst < 1e-3 else 1


if __name__ == "__main__":
    sys.exit(main())
