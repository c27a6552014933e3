#!/usr/bin/env python3
"""Chooses refam-tiny's default attention blocks on a development split, never on val or test.

    /usr/bin/python3 tools/eval/choose_blocks.py --model models/refam-tiny

The development split is RefShapes *train-distribution* scenes that training never drew: local seeds from
1,000,000 of the train split (training used local seeds 0..39,999), 60 images at 48 px. For every candidate block
subset it runs the product's own `eval --json` with `--blocks` (the full default pipeline otherwise) and prints
point accuracy per subset; the subset with the best full-pipeline PA (ties: fewer blocks, then lower indices) is
the one to export with `DEFAULT_BLOCKS=... tools/train/export_latest.sh`. val (docs/results.md) and test (the CI
floor) stay untouched by the choice.
"""
import argparse
import itertools
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JAR = ROOT / "refam-examples" / "target" / "refam-cli.jar"
DEV_SEED = 1_000_000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(ROOT / "models" / "refam-tiny"), help="bundle exporting every block")
    ap.add_argument("--count", type=int, default=60, help="development images (about 9 expressions each)")
    ap.add_argument("--work", default=str(ROOT / "tools" / "runs" / "choose-blocks"))
    args = ap.parse_args()
    manifest = json.loads((Path(args.model) / "manifest.json").read_text())
    exported = manifest["transformer"]["attention"]["blocks"]
    work = Path(args.work)
    dev = work / "dev48"
    java = ["java", "-jar", str(JAR)]
    if not (dev / "index.json").exists():
        subprocess.run(java + ["synth", "--out", str(dev), "--count", str(args.count), "--seed", str(DEV_SEED),
                               "--split", "train", "--size", "48"], check=True, stdout=subprocess.DEVNULL)
    results = []
    for r in range(1, len(exported) + 1):
        for subset in itertools.combinations(exported, r):
            name = "-".join(map(str, subset))
            proc = subprocess.run(java + ["eval", "--dataset", str(dev), "--model", args.model, "--device", "cpu",
                                          "--blocks", ",".join(map(str, subset)), "--json", "--restart",
                                          "--out", str(work / f"eval-{name}")],
                                  check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            scores = json.loads(proc.stdout[proc.stdout.index("{"):])
            s = scores.get("full") or scores.get("pipeline")
            # An expression the pipeline refused (e.g. its only content word was found to be a sink) counts as a
            # miss, so that every subset is scored on the same expressions.
            skipped = s.get("skipped", 0)
            pa = s["pointAccuracy"] * s["count"] / max(1, s["count"] + skipped)
            results.append((pa, subset, s["count"] + skipped))
            print(f"blocks {list(subset)}: PA {100 * pa:.1f} ({s['count'] + skipped} expressions, {skipped} refused "
                  "and counted as misses)", flush=True)
    best = max(results, key=lambda x: (x[0], -len(x[1]), [-b for b in x[1]]))
    print(f"best: DEFAULT_BLOCKS={','.join(map(str, best[1]))} (PA {100 * best[0]:.1f} on {best[2]} development "
          "expressions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
