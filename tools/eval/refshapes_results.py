#!/usr/bin/env python3
"""Writes docs/results.md: the RefAM ablation on RefShapes val with the embedded refam-tiny model.

One command (from the repository root):

    /usr/bin/python3 tools/eval/refshapes_results.py

It builds the command-line tool when its jar is missing, generates the RefShapes val split at the model's image
size (48 px, 200 images, seed 0: 1825 referring expressions), runs `refam eval --ablation --json` on it, renders
`inspect` pictures of the first two successes and the first two failures of the full pipeline, and writes the
table, the model version and those pictures into docs/results.md. Everything it runs is the product's own CLI;
this script only orchestrates and formats. Nothing here tunes the benchmark: the split, the seed and the
configurations are fixed.
"""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JAR = ROOT / "refam-examples" / "target" / "refam-cli.jar"
ROWS = [
    ("raw", "raw summed attention (no magnets, no filtering, no sink handling, no renormalisation)"),
    ("withFilter", "+ stop-word / special / padding filtering and dropping a relation's anchor"),
    ("withMagnets", "+ attention magnets (`. with a the pink`)"),
    ("withSinks", "+ global-sink handling (REDIRECT)"),
    ("full", "the full default pipeline (`RefAMConfig.defaults()`: the above + renormalisation over text keys)"),
    ("randomObject", "baseline: the centre of a random object (seeded)"),
    ("imageCenter", "baseline: the image centre"),
]


def score_table(scores, with_what: bool):
    """Markdown rows of the configurations in ROWS (percentages), with the 'what it adds' column or without."""
    pct = lambda v: f"{100 * v:.1f}"
    what_head, what_rule = ("| what it adds ", "| --- ") if with_what else ("", "")
    rows = [f"| configuration {what_head}| PA | mIoU | oIoU | Prec@0.5 | count |",
            f"| --- {what_rule}| ---: | ---: | ---: | ---: | ---: |"]
    for key, what in ROWS:
        s = scores[key]
        cell = f"| {what} " if with_what else ""
        rows.append(f"| `{key}` {cell}| {pct(s['pointAccuracy'])} | {pct(s['mIoU'])} | {pct(s['oIoU'])} | "
                    f"{pct(s['precAt50'])} | {s['count']} |")
    return rows


def by_template(index, eval_dir: Path, configs=("raw", "withMagnets", "full", "randomObject")):
    """Markdown rows: point accuracy per expression template (the generator's `template` field) for a few
    configurations, from their per-sample `CONFIG.jsonl` files; templates in order of frequency."""
    template = {f"{im['id']}/e{k}": e["template"] for im in index["images"] for k, e in enumerate(im["expressions"])}
    hits = {c: {} for c in configs}
    for c in configs:
        for line in (eval_dir / f"{c}.jsonl").read_text().splitlines():
            r = json.loads(line)
            if r.get("type") == "image":
                hits[c].setdefault(template[r["id"]], []).append(bool(r["hit"]))
    counts = {t: len(v) for t, v in hits["full"].items()}
    rows = ["| template | example | count | " + " | ".join(f"`{c}` PA" for c in configs) + " |",
            "| --- | --- | ---: | " + " | ".join("---:" for _ in configs) + " |"]
    example = {}
    for im in index["images"]:
        for e in im["expressions"]:
            example.setdefault(e["template"], e["text"])
    for t in sorted(counts, key=lambda k: (-counts[k], k)):
        cells = [f"{100 * sum(hits[c][t]) / len(hits[c][t]):.1f}" for c in configs]
        rows.append(f"| `{t}` | \"{example[t]}\" | {counts[t]} | " + " | ".join(cells) + " |")
    return rows


def e2e_summary() -> str:
    """The headline of docs/performance-e2e.md (the JMH latency table's Java rows), or nothing when it is absent."""
    doc = ROOT / "docs" / "performance-e2e.md"
    if not doc.exists():
        return ""
    java = []
    for line in doc.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 4 and cells[0].isdigit() and "±" in cells[1]:
            java.append(float(cells[1].split("±")[0]))
    if not java:
        return ""
    java.sort()
    return (f" Java `RefAM.ground`, 1 ONNX Runtime thread: median {java[len(java) // 2]:.2f} ms per expression over "
            f"{len(java)} rounds.")


def run(cmd, **kw):
    print("+", " ".join(str(c) for c in cmd), file=sys.stderr)
    return subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=str(ROOT / "tools" / "runs" / "results"), help="scratch folder (ignored by git)")
    ap.add_argument("--count", type=int, default=200, help="val images (default 200: 1825 expressions)")
    ap.add_argument("--doc", default=str(ROOT / "docs" / "results.md"))
    ap.add_argument("--fresh", action="store_true",
                    help="discard earlier per-sample results in the work folder (by default a finished or interrupted "
                         "run is resumed; the eval command refuses results of another model version)")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    if not JAR.exists():
        run(["mvn", "-B", "-q", "-DskipTests", "package"])
    java = ["java", "-jar", JAR]
    val = work / "val48"
    if not (val / "index.json").exists():
        run(java + ["synth", "--out", val, "--count", args.count, "--seed", 0, "--split", "val", "--size", 48])
    out = work / "eval"
    proc = run(java + ["eval", "--dataset", val, "--ablation", "--json", "--device", "cpu", "--out", out]
               + (["--restart"] if args.fresh else []), stdout=subprocess.PIPE, text=True)
    scores = json.loads(proc.stdout[proc.stdout.index("{"):])
    # The hard variant (textured backgrounds, free placement): robustness, same model, same configurations.
    hard = work / "val48-hard"
    if not (hard / "index.json").exists():
        run(java + ["synth", "--out", hard, "--count", args.count // 2, "--seed", 0, "--split", "val", "--size", 48,
                    "--hard"])
    proc = run(java + ["eval", "--dataset", hard, "--ablation", "--json", "--device", "cpu", "--out", work / "eval-hard"]
               + (["--restart"] if args.fresh else []), stdout=subprocess.PIPE, text=True)
    hard_scores = json.loads(proc.stdout[proc.stdout.index("{"):])
    table = (out / "table.md").read_text()
    model_line = next((l for l in table.splitlines() if l.startswith("Model:")), "Model: unknown")

    index = json.loads((val / "index.json").read_text())
    by_id = {im["id"]: im for im in index["images"]}
    picks = {"success": [], "failure": []}
    for line in (out / "full.jsonl").read_text().splitlines():
        r = json.loads(line)
        if r.get("type") != "image":
            continue
        kind = "success" if r["hit"] else "failure"
        if len(picks[kind]) < 2:
            picks[kind].append(r)
        if all(len(v) == 2 for v in picks.values()):
            break
    pictures = ROOT / "docs" / "results"
    pictures.mkdir(parents=True, exist_ok=True)
    shown = []
    for kind, rows in picks.items():
        for k, r in enumerate(rows):
            image_id = r["id"].split("/")[0]
            png = pictures / f"{kind}-{k + 1}.png"
            run(java + ["inspect", "--image", val / by_id[image_id]["file"], "--text", r["expression"],
                        "--device", "cpu", "--out", png], stdout=subprocess.DEVNULL)
            shown.append((kind, r, png.relative_to(ROOT / "docs")))

    pct = lambda v: f"{100 * v:.1f}"
    lines = [
        "# Results: RefAM on RefShapes with refam-tiny",
        "",
        "Produced by `/usr/bin/python3 tools/eval/refshapes_results.py` (this file is generated; do not edit by hand).",
        "",
        f"- Data: RefShapes **val** split, {len(index['images'])} images of 48 x 48 px, seed 0 — "
        f"{scores['full']['count']} referring expressions about scenes the model never saw in training.",
        f"- {model_line.replace('Model:', 'Model:').strip()} (the embedded default bundle, `models/refam-tiny`; "
        "its training step is in `models/refam-tiny/training.json`).",
        "- One forward pass per expression at t = 0.5, seed 0, the bundle's default blocks; built-in threshold mask.",
        "- PA = point accuracy (argmax inside the target mask); mIoU, oIoU and Prec@0.5 use the built-in mask "
        "(baselines: the mask of the object their point falls on).",
        "",
    ] + score_table(scores, with_what=True)
    full, raw = scores["full"]["pointAccuracy"], scores["raw"]["pointAccuracy"]
    best = max((k for k, _ in ROWS[:5]), key=lambda k: scores[k]["pointAccuracy"])
    lines += [
        "",
        "## Reading the table",
        "",
        f"- Target (model issue): full-pipeline PA >= 85%. Measured: **{pct(full)}%** — "
        + ("met." if full >= 0.85 else "**not met** (docs/training.md: what was trained, how the checkpoint and the "
                                        "blocks were chosen, and why training longer did not help)."),
        f"- Full pipeline vs raw attention: {100 * (full - raw):+.1f} points; best configuration: `{best}` "
        f"({pct(scores[best]['pointAccuracy'])}%).",
        f"- Baselines: random object {pct(scores['randomObject']['pointAccuracy'])}%, image centre "
        f"{pct(scores['imageCenter']['pointAccuracy'])}%.",
    ]
    if scores["withSinks"] == scores["withMagnets"]:
        lines.append("- Sink handling changed nothing: the detector found no global sink in this model's blocks "
                     "(strength >= 4x uniform share and flat map); the paper's sinks appear in deep blocks of large "
                     "models.")
    lines += [
        "",
        "By expression template (the generator's `template` field; the same run): the words that name a grid cell "
        "are where this model's attention is sharpest, colours come next; shape and size words barely localise "
        "(near the random-object baseline), which also limits relations (their anchor is dropped, but \"the red "
        "diamond\" may fit two objects) and superlatives.",
        "",
    ] + by_template(index, out)
    lines += [
        "",
        f"Hard variant (robustness): RefShapes val, `--hard` (textured backgrounds, free placement instead of the "
        f"grid), {args.count // 2} images, {hard_scores['full']['count']} expressions, same model and settings:",
        "",
    ] + score_table(hard_scores, with_what=False)
    lines += [
        "",
        "- Each stage is reported as measured, including the ones that do not help on this model.",
        "- Latency per expression on this machine (CPU, the whole pipeline, measured by JMH against PyTorch eager "
        "on the same model): [performance-e2e.md](performance-e2e.md)." + e2e_summary(),
        "",
        "## Examples (`refam inspect`)",
        "",
    ]
    for kind, r, png in shown:
        lines += [f"**{kind}** — `{r['id']}`: \"{r['expression']}\", peak {r['point']}, IoU {r['iou']:.2f}", "",
                  f"![{kind}]({png})", ""]
    Path(args.doc).write_text("\n".join(lines) + "\n")
    print(f"wrote {args.doc}", file=sys.stderr)


if __name__ == "__main__":
    main()
