"""Writes the PyTorch reference that the Java test ``EmbeddedModelReferenceTest`` (refam-onnx) checks the embedded
refam-tiny bundle against: one committed 48 px RefShapes val image, two referring expressions (one plain, one with
the default magnets), run through the weights-only checkpoint exactly as the Java extractor runs the bundle.

Per expression it records the token ids (``WordTokenizer``, the training tokenizer, padded with ``<pad>`` to the
text length; magnets each followed by their ``</s>``), the image->text attention of every block (head mean,
``[blocks, N, T]``) at t = 0.5 with the Java extractor's noise for seed 0 (``GaussianNoise``: ``SplittableRandom``
and Box-Muller, reimplemented here), and the peak point of the content-word map of block 1 without
renormalisation, upsampled bilinearly to 48 x 48 (the eval's ``withFilter`` row with ``--blocks 1``). It also
stores the pixels in [-1, 1] and the noise, so that a difference can be traced to its first stage.

The reference is tied to one bundle: ``fixture.json`` holds the SHA-256 of ``models/refam-tiny/manifest.json``
and the Java test fails when the embedded bundle is another one. Run this after every export (``export_latest.sh``
does) and commit its output with the bundle::

    /usr/bin/python3 tools/train/make_java_reference.py
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_tiny as tt  # noqa: E402
from refam_tools import flux, safetensors_io, t5  # noqa: E402

FIXTURE = os.path.join(tt.ROOT, "refam-onnx/src/test/resources/fixtures/refam-tiny-val48")
# refam-core MagnetRedistributor.DEFAULT_WORDS (the paper's token-level figure)
MAGNETS = [".", "with", "a", "the", "pink"]
CASES = [
    {"name": "plain", "text": "the red cross", "magnets": []},
    {"name": "magnets", "text": "a green diamond in the bottom left", "magnets": MAGNETS},
]
M64 = (1 << 64) - 1


def java_noise(seed: int, count: int) -> np.ndarray:
    """refam-onnx ``GaussianNoise.fill(seed, out, count)``: ``java.util.SplittableRandom(seed)`` (gamma
    0x9e3779b97f4a7c15, mix64 of the Java 17 sources), Box-Muller ``sqrt(-2 ln(1 - u1)) cos(2 pi u2)``, then
    ``... sin(2 pi u2)``, computed in double and stored as float32."""
    state = seed & M64
    gamma = 0x9E3779B97F4A7C15

    def next_double() -> float:
        nonlocal state
        state = (state + gamma) & M64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        z ^= z >> 31
        return (z >> 11) * 2.0 ** -53

    out = np.empty(count, np.float32)
    i = 0
    while i < count:
        u1, u2 = next_double(), next_double()
        r = np.sqrt(-2.0 * np.log(1.0 - u1))
        phi = 2.0 * np.pi * u2
        out[i] = r * np.cos(phi)
        i += 1
        if i < count:
            out[i] = r * np.sin(phi)
            i += 1
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--checkpoint", default=os.path.join(tt.ROOT, "tools/train/checkpoints"),
                    help="weights-only checkpoint the bundle was exported from")
    ap.add_argument("--bundle", default=os.path.join(tt.ROOT, "models/refam-tiny"))
    ap.add_argument("--image", default=None, help="48 px RefShapes image (default: the fixture's image.png)")
    ap.add_argument("--out", default=FIXTURE)
    args = ap.parse_args()

    ck_step = json.load(open(os.path.join(args.checkpoint, "checkpoint.json")))["step"]
    bundle_step = json.load(open(os.path.join(args.bundle, "training.json")))["step"]
    if ck_step != bundle_step:
        print(f"checkpoint {args.checkpoint} is step {ck_step} but bundle {args.bundle} is step {bundle_step}: "
              "export the checkpoint first (export_latest.sh) or name the export snapshot with --checkpoint",
              file=sys.stderr)
        return 1
    manifest_bytes = open(os.path.join(args.bundle, "manifest.json"), "rb").read()
    m = json.loads(manifest_bytes)
    length = m["transformer"]["textLength"]
    padded = m["textEncoder"].get("padding", "max-length") == "max-length"
    patch = m["imageEncoder"]["patchSize"]
    size = m["image"]["size"]
    blocks = m["transformer"]["attention"]["blocks"]
    grid = size // patch

    fp = flux.params_from_json(json.load(open(os.path.join(args.checkpoint, "flux-config.json"))))
    # An unpadded bundle comes from a model trained with padded keys masked out: the reference runs the padded
    # prompt with that mask, and the Java test checks that the unpadded ONNX run gives the same maps.
    model = tt.TinyRefAM(fp, t5.T5Config(**json.load(open(os.path.join(args.checkpoint, "t5-config.json")))),
                         mask_pads=not padded)
    flux.load_weights(model.flux, os.path.join(args.checkpoint, "transformer.safetensors"))
    model.text.load_state_dict(safetensors_io.load(os.path.join(args.checkpoint, "text_encoder.safetensors")))
    model.eval()
    tok = tt.WordTokenizer(os.path.join(args.bundle, "tokenizer.json"))

    from PIL import Image

    os.makedirs(args.out, exist_ok=True)
    image_path = os.path.join(args.out, "image.png")
    if args.image and os.path.abspath(args.image) != os.path.abspath(image_path):
        shutil.copyfile(args.image, image_path)
    u8 = np.array(Image.open(image_path).convert("RGB"))
    if u8.shape != (size, size, 3):
        raise ValueError(f"{image_path} is {u8.shape[1]}x{u8.shape[0]}, the bundle takes {size}x{size} images")
    x0 = tt.to_tokens(u8[None], patch)
    pixels = torch.from_numpy(u8).float().permute(2, 0, 1)[None] / 127.5 - 1.0
    eps = torch.from_numpy(java_noise(0, x0.numel()).reshape(x0.shape))
    t = 0.5
    xt = (1 - t) * x0 + t * eps
    capture = flux.AttentionCapture(tuple(blocks))
    tensors = {"pixels": pixels.contiguous(), "noise": eps[0].contiguous()}
    cases = []
    for c in CASES:
        own = tok.encode(c["text"])
        ids = list(own)
        for w in c["magnets"]:
            ids += tok.encode(w)
        real = len(ids)
        ids = tt.pad_ids(ids, length)
        with torch.no_grad():
            a = model(xt, flux.image_ids(grid, grid), torch.tensor([ids]), torch.tensor([t]), capture=capture).img2txt[0]
        if not padded:
            ids, a = ids[:real], a[..., :real]
        content = torch.tensor([tok.is_content(j) and p < len(own) for p, j in enumerate(ids)], dtype=torch.float32)
        heat = (a[blocks.index(1)] * content).sum(dim=-1).reshape(1, 1, grid, grid)
        up = F.interpolate(heat, size=(size, size), mode="bilinear", align_corners=False).reshape(-1)
        y, x = divmod(int(up.argmax()), size)
        tensors[f"{c['name']}/input_ids"] = torch.tensor(ids, dtype=torch.int64)
        tensors[f"{c['name']}/attn_img2txt"] = a.contiguous()
        cases.append({"name": c["name"], "text": c["text"], "magnets": c["magnets"],
                      "inputIds": f"{c['name']}/input_ids", "attention": f"{c['name']}/attn_img2txt",
                      "pointBlock": 1, "point": [x, y]})
        print(f"{c['name']}: '{c['text']}' + {c['magnets']} -> ids {ids[:14]}..., block-1 content peak ({x}, {y})")
    safetensors_io.save_file(tensors, os.path.join(args.out, "fixture.safetensors"))
    info = {
        "what": "PyTorch reference of the embedded refam-tiny bundle (tools/train/make_java_reference.py)",
        "bundleManifestSha256": hashlib.sha256(manifest_bytes).hexdigest(),
        "step": ck_step,
        "image": "image.png",
        "timestep": t,
        "seed": 0,
        "blocks": blocks,
        "tolerance": 1e-4,
        "tensors": "fixture.safetensors",
        "cases": cases,
    }
    with open(os.path.join(args.out, "fixture.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    print(f"wrote {args.out} (bundle step {ck_step}, manifest {info['bundleManifestSha256'][:16]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
