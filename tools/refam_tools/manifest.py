"""The model bundle manifest (``manifest.json``): constants, checksums and validation.

The format is documented key by key in docs/model-bundle.md; this module is its executable check. Validate a
bundle with ``python3 -m refam_tools.manifest BUNDLE_DIR`` (exit status 1 and one line per problem when it is
not valid).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from typing import Dict, List, Mapping, Optional, Sequence

FORMAT = "refam-model-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"

RESIZE_MODES = ("fit", "pad", "stretch")
POOLED_SOURCES = ("clip", "zeros", "constant")
TOP_LEVEL_KEYS = ("format", "formatVersion", "name", "description", "createdBy", "files", "transformer",
                  "textEncoder", "pooledText", "imageEncoder", "image")
TRANSFORMER_INPUTS = ("img", "imgIds", "txt", "txtIds", "timesteps", "y")
GRAPH_SECTIONS = ("transformer", "textEncoder", "pooledText", "imageEncoder")


def sha256(path: str, chunk: int = 1 << 22) -> str:
    """Hex SHA-256 of a file, read in 4 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            block = f.read(chunk)
            if not block:
                break
            h.update(block)
    return h.hexdigest()


def file_entry(bundle: str, rel: str) -> Dict[str, object]:
    path = os.path.join(bundle, rel)
    return {"path": rel, "sha256": sha256(path), "bytes": os.path.getsize(path)}


def load(bundle: str) -> Dict[str, object]:
    with open(os.path.join(bundle, MANIFEST), "r", encoding="utf-8") as f:
        return json.load(f)


def write(bundle: str, manifest: Mapping[str, object]) -> str:
    path = os.path.join(bundle, MANIFEST)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    return path


def validate(bundle: str, check_hashes: bool = True) -> List[str]:
    """Every problem found in ``bundle`` (empty when valid): format, required keys, file sizes and checksums,
    graph input/output names and declared shapes against the manifest, and the cross-component facts the
    pipeline relies on (token channels, text width and length, pooled width, attention rows)."""
    try:
        m = load(bundle)
    except (OSError, json.JSONDecodeError) as e:
        return [f"cannot read {MANIFEST}: {e}"]
    problems: List[str] = []
    if m.get("format") != FORMAT:
        problems.append(f"format must be {FORMAT!r}, got {m.get('format')!r}")
    if m.get("formatVersion") != FORMAT_VERSION:
        problems.append(f"formatVersion must be {FORMAT_VERSION}, got {m.get('formatVersion')!r}")
    for key in TOP_LEVEL_KEYS:
        if key not in m:
            problems.append(f"missing top-level key {key!r}")
    if problems:
        return problems

    listed: Dict[str, Mapping[str, object]] = {}
    for entry in m["files"]:
        rel = entry.get("path", "")
        if not rel or os.path.isabs(rel) or ".." in rel.replace("\\", "/").split("/"):
            problems.append(f"file path {rel!r} must be relative and stay inside the bundle")
            continue
        listed[rel] = entry
        path = os.path.join(bundle, rel)
        if not os.path.isfile(path):
            problems.append(f"listed file {rel} is missing")
            continue
        size = os.path.getsize(path)
        if size != entry.get("bytes"):
            problems.append(f"{rel}: {size} bytes, manifest says {entry.get('bytes')}")
        elif check_hashes and sha256(path) != entry.get("sha256"):
            problems.append(f"{rel}: SHA-256 differs from the manifest")

    def need_file(section: str, rel: Optional[str]) -> None:
        if rel is None:
            problems.append(f"{section}: no file named")
        elif rel not in listed:
            problems.append(f"{section}: {rel} is not listed in files")

    for section in GRAPH_SECTIONS:
        s = m.get(section)
        if s is None or (section == "pooledText" and s.get("source") != "clip"):
            continue
        need_file(section, s.get("file"))
        for extra in s.get("externalData", []):
            need_file(section, extra)
        if s.get("file") in listed and os.path.isfile(os.path.join(bundle, s["file"])):
            problems.extend(_check_graph(bundle, section, s))
    for section in ("textEncoder", "pooledText"):
        s = m.get(section) or {}
        if s.get("tokenizer") is not None:
            need_file(f"{section}.tokenizer", s["tokenizer"])
    problems.extend(_cross_checks(m))
    return problems


def _check_graph(bundle: str, section: str, s: Mapping[str, object]) -> List[str]:
    import onnx

    problems = []
    model = onnx.load(os.path.join(bundle, s["file"]), load_external_data=False)
    declared = {v.name: [d.dim_param if d.dim_param else d.dim_value for d in v.type.tensor_type.shape.dim]
                for v in list(model.graph.input) + list(model.graph.output)}
    inits = {i.name for i in model.graph.initializer}
    graph_inputs = [v.name for v in model.graph.input if v.name not in inits]
    graph_outputs = [v.name for v in model.graph.output]
    for kind, specs, names in (("input", s.get("inputs", {}), graph_inputs),
                               ("output", s.get("outputs", {}), graph_outputs)):
        wanted = [spec["name"] for spec in specs.values()]
        if sorted(wanted) != sorted(names):
            problems.append(f"{section}: graph {kind}s {names} differ from the manifest's {wanted}")
        for role, spec in specs.items():
            if spec["name"] in declared and declared[spec["name"]] != list(spec["shape"]):
                problems.append(f"{section}.{kind}s.{role}: graph declares shape {declared[spec['name']]}, "
                                f"manifest says {spec['shape']}")
    return problems


def _dim(section: Mapping[str, object], group: str, role: str, axis: int):
    try:
        return section[group][role]["shape"][axis]
    except (KeyError, IndexError, TypeError):
        return None


def _cross_checks(m: Mapping[str, object]) -> List[str]:
    problems = []
    tr, te, pt, ie, im = (m.get(k) or {} for k in ("transformer", "textEncoder", "pooledText", "imageEncoder", "image"))
    for role in TRANSFORMER_INPUTS:
        if role not in tr.get("inputs", {}):
            problems.append(f"transformer.inputs lacks {role!r}")
    if "attnImg2Txt" not in tr.get("outputs", {}):
        problems.append("transformer.outputs lacks 'attnImg2Txt'")
    att = tr.get("attention") or {}
    rows = _dim(tr, "outputs", "attnImg2Txt", 0)
    if rows is not None and rows != len(att.get("blocks", [])):
        problems.append(f"attn_img2txt has {rows} rows but attention.blocks lists {len(att.get('blocks', []))}")
    if not set(att.get("defaultBlocks", [])) <= set(att.get("blocks", [])):
        problems.append(f"attention.defaultBlocks {att.get('defaultBlocks')} not within blocks {att.get('blocks')}")
    if (m.get("transformer") or {}).get("params", {}).get("guidance_embed") and "guidance" not in tr.get("inputs", {}):
        problems.append("guidance-distilled transformer without a guidance input")
    checks = [
        ("image token channels", _dim(tr, "inputs", "img", 2), ie.get("tokenChannels")),
        ("text width", _dim(tr, "inputs", "txt", 2), te.get("hiddenSize")),
        ("text length", tr.get("textLength"), te.get("maxLength")),
        ("pooled width", _dim(tr, "inputs", "y", 1), pt.get("dim")),
        ("image size multiple", im.get("sizeMultiple"), ie.get("cellPixels")),
    ]
    for what, a, b in checks:
        if a != b:
            problems.append(f"{what}: transformer/image says {a}, encoder says {b}")
    if pt.get("source") not in POOLED_SOURCES:
        problems.append(f"pooledText.source must be one of {POOLED_SOURCES}, got {pt.get('source')!r}")
    if pt.get("source") == "constant" and len(pt.get("values") or []) != pt.get("dim"):
        problems.append(f"pooledText.values has {len(pt.get('values') or [])} numbers, dim is {pt.get('dim')}")
    if im.get("resize") not in RESIZE_MODES:
        problems.append(f"image.resize must be one of {RESIZE_MODES}, got {im.get('resize')!r}")
    size, mult = im.get("size"), im.get("sizeMultiple")
    if not isinstance(size, int) or not isinstance(mult, int) or mult < 1 or size < mult:
        problems.append(f"image.size {size} must be an integer of at least sizeMultiple {mult}")
    return problems


def main(argv: Optional[Sequence[str]] = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python3 -m refam_tools.manifest", description="Validate a model bundle.")
    ap.add_argument("bundle")
    ap.add_argument("--no-hashes", action="store_true", help="skip SHA-256 (sizes are still checked)")
    args = ap.parse_args(argv)
    problems = validate(args.bundle, not args.no_hashes)
    for p in problems:
        print(p)
    if not problems:
        print(f"{args.bundle}: valid")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
