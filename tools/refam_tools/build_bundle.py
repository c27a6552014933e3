"""Assembles a model bundle folder from exported graphs, tokenizer files and preprocessing options.

Each ``--*-encoder``/``--transformer`` argument is an exported ``.onnx`` whose export record ``<file>.json``
(written by the export commands) supplies that component's manifest section. The graphs (and their external
data files) are hard-linked into the bundle when possible, copied otherwise; file names are kept because a
graph refers to its external data file by name. Example::

    python3 -m refam_tools.build_bundle --out bundles/flux-schnell --name FLUX.1-schnell \\
        --transformer build/transformer.onnx --text-encoder build/text_encoder.onnx \\
        --tokenizer tokenizer_2/tokenizer.json --pooled clip --clip build/clip_text.onnx \\
        --clip-tokenizer clip/tokenizer.json --image-encoder build/image_encoder.onnx --image-size 1024

The manifest format is documented in docs/model-bundle.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from typing import Dict, List, Optional, Sequence

from . import __version__, manifest, onnx_util


def _place(src: str, bundle: str, name: str) -> None:
    dst = os.path.join(bundle, name)
    if os.path.exists(dst):
        os.remove(dst)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _component(onnx_path: str, bundle: str, used: Dict[str, str], role: str) -> Dict[str, object]:
    record = onnx_util.read_record(onnx_path)
    folder = os.path.dirname(os.path.abspath(onnx_path))
    names = [os.path.basename(onnx_path)] + list(record.get("externalData", []))
    if record.get("file") != names[0]:
        raise ValueError(f"{onnx_path}: its record names file {record.get('file')!r}")
    for name in names:
        if name in used:
            raise ValueError(f"{role} and {used[name]} both bring a file named {name}; export one under another name")
        used[name] = role
        _place(os.path.join(folder, name), bundle, name)
    return record


def _tokenizer(path: str, bundle: str, name: str, used: Dict[str, str], role: str) -> str:
    if name in used:
        raise ValueError(f"tokenizer name {name} clashes with {used[name]}")
    used[name] = role
    with open(path, "r", encoding="utf-8") as f:
        json.load(f)  # a tokenizer.json must at least be JSON
    _place(path, bundle, name)
    return name


def build(out: str, name: str, transformer: str, text_encoder: str, tokenizer: Optional[str],
          image_encoder: str, image_size: int, resize: str = "fit", pooled: str = "zeros",
          clip: Optional[str] = None, clip_tokenizer: Optional[str] = None,
          pooled_values: Optional[Sequence[float]] = None, description: str = "",
          interpolation: str = "bilinear") -> Dict[str, object]:
    """Writes the bundle into ``out`` (created; an existing manifest is replaced) and returns the manifest.
    Raises ``ValueError`` when the result does not validate."""
    if resize not in manifest.RESIZE_MODES:
        raise ValueError(f"resize must be one of {manifest.RESIZE_MODES}, got {resize!r}")
    if pooled not in manifest.POOLED_SOURCES:
        raise ValueError(f"pooled must be one of {manifest.POOLED_SOURCES}, got {pooled!r}")
    os.makedirs(out, exist_ok=True)
    used: Dict[str, str] = {manifest.MANIFEST: "manifest"}
    tr = _component(transformer, out, used, "transformer")
    te = _component(text_encoder, out, used, "textEncoder")
    te["tokenizer"] = _tokenizer(tokenizer, out, "tokenizer.json", used, "textEncoder") if tokenizer else None
    ie = _component(image_encoder, out, used, "imageEncoder")
    y_dim = tr["inputs"]["y"]["shape"][1]
    if pooled == "clip":
        if clip is None:
            raise ValueError("--pooled clip needs --clip")
        pt = _component(clip, out, used, "pooledText")
        pt["tokenizer"] = (_tokenizer(clip_tokenizer, out, "tokenizer_clip.json", used, "pooledText")
                           if clip_tokenizer else None)
    elif pooled == "zeros":
        pt = {"source": "zeros", "dim": y_dim}
    else:
        values = [float(v) for v in (pooled_values or [])]
        pt = {"source": "constant", "dim": y_dim, "values": values}
    files = [manifest.file_entry(out, n) for n in sorted(used) if n != manifest.MANIFEST]
    m = {
        "format": manifest.FORMAT,
        "formatVersion": manifest.FORMAT_VERSION,
        "name": name,
        "description": description,
        "createdBy": f"refam_tools {__version__}",
        "files": files,
        "transformer": tr,
        "textEncoder": te,
        "pooledText": pt,
        "imageEncoder": ie,
        "image": {
            "size": image_size,
            "resize": resize,
            "sizeMultiple": ie["cellPixels"],
            "interpolation": interpolation,
            "colorOrder": "RGB",
            "layout": "NCHW",
            "pixelRange": [-1.0, 1.0],
            "padValue": 0.0,
        },
    }
    manifest.write(out, m)
    problems = manifest.validate(out)
    if problems:
        raise ValueError(f"bundle {out} does not validate: " + "; ".join(problems))
    return m


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m refam_tools.build_bundle", description="Build a model bundle.")
    ap.add_argument("--out", required=True, help="bundle folder")
    ap.add_argument("--name", required=True, help="model name shown to users")
    ap.add_argument("--description", default="")
    ap.add_argument("--transformer", required=True, help="exported transformer .onnx (with its .onnx.json)")
    ap.add_argument("--text-encoder", required=True, help="exported text encoder .onnx")
    ap.add_argument("--tokenizer", help="tokenizer.json of the text encoder (copied as tokenizer.json)")
    ap.add_argument("--image-encoder", required=True, help="exported image encoder .onnx")
    ap.add_argument("--pooled", choices=manifest.POOLED_SOURCES, default="zeros",
                    help="where y comes from: a CLIP graph, zeros, or constant values")
    ap.add_argument("--clip", help="exported CLIP text encoder .onnx (with --pooled clip)")
    ap.add_argument("--clip-tokenizer", help="CLIP tokenizer.json (copied as tokenizer_clip.json)")
    ap.add_argument("--pooled-values", help="JSON file with an array of floats (with --pooled constant)")
    ap.add_argument("--image-size", type=int, required=True, help="target longest image side in pixels")
    ap.add_argument("--resize", choices=manifest.RESIZE_MODES, default="fit")
    args = ap.parse_args(argv)
    values = None
    if args.pooled_values:
        with open(args.pooled_values, "r", encoding="utf-8") as f:
            values = json.load(f)
    build(args.out, args.name, args.transformer, args.text_encoder, args.tokenizer, args.image_encoder,
          args.image_size, args.resize, args.pooled, args.clip, args.clip_tokenizer, values, args.description)
    print(f"wrote {os.path.join(args.out, manifest.MANIFEST)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
