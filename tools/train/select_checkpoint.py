#!/usr/bin/env python3
"""Picks the refam-tiny checkpoint to ship by the probe on the development split, never on val or test.

    /usr/bin/python3 tools/train/select_checkpoint.py [--snapshots tools/runs/snapshots] [--dev tools/runs/dev48]

`snapshot_checkpoints.sh` (run beside training) copies every weights-only checkpoint into
`tools/runs/snapshots/<step>/`. This script runs `train_tiny.py --probe-only` on each with the probe pointed at the
development split (RefShapes train-distribution scenes that training never drew: `synth --split train --seed
1000000 --count 60 --size 48`), prints the probe's PA with magnets (all blocks and the best block subset) and names
the snapshot with the best best-subset PA (ties: the later step). Export it with
`tools/train/export_latest.sh tools/runs/snapshots/<step>`, then choose the default blocks with
`tools/eval/choose_blocks.py` (the Java pipeline on the same development split).
"""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def probe(snapshot: Path, dev: Path, expressions: int) -> dict:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    proc = subprocess.run(["/usr/bin/python3", str(ROOT / "tools/train/train_tiny.py"), "--probe-only",
                           "--init-from", str(snapshot), "--run", "/tmp/refam-select-run",
                           "--weights-out", "/tmp/refam-select-weights", "--set", f"data.val={json.dumps(str(dev))}",
                           "--set", f"monitor.probeExpressions={expressions}"],
                          check=True, capture_output=True, text=True, env=env, cwd=ROOT)
    line = next(l for l in proc.stdout.splitlines()[::-1] + proc.stderr.splitlines()[::-1] if " probe " in l)
    return json.loads(line.split(" probe ", 1)[1].rsplit(" (", 1)[0])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--snapshots", default=str(ROOT / "tools/runs/snapshots"))
    ap.add_argument("--dev", default=str(ROOT / "tools/runs/dev48"))
    ap.add_argument("--min-step", type=int, default=0, help="skip snapshots before this step")
    ap.add_argument("--expressions", type=int, default=200,
                    help="probe expressions drawn from the split (more than it holds: all of them; default 200)")
    args = ap.parse_args()
    rows = []
    for d in sorted(Path(args.snapshots).iterdir(), key=lambda p: int(p.name)):
        if int(d.name) < args.min_step:
            continue
        p = probe(d, Path(args.dev), args.expressions)
        best_subset, best_pa = p["pa_magnets_best_subsets"][0].rsplit(":", 1)
        rows.append((float(best_pa), int(d.name), d, p["pa_magnets"], best_subset))
        print(f"step {d.name}: PA magnets {p['pa_magnets']:.3f}, best subset {best_subset} {float(best_pa):.3f}, "
              f"content ratio {p['content_ratio_magnets']:.2f}", flush=True)
    best = max(rows, key=lambda r: (r[0], r[1]))
    print(f"best: {best[2]} (step {best[1]}: best-subset PA {best[0]:.3f} on the development split)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
