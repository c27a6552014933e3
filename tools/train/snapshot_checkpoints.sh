#!/bin/sh
# Keeps every weights-only checkpoint a training run writes: whenever CHECKPOINT_DIR/checkpoint.json names a new
# step, copies the folder to SNAPSHOT_DIR/<step>/ (both ignored by git), for select_checkpoint.py.
# Usage: tools/train/snapshot_checkpoints.sh [CHECKPOINT_DIR] [SNAPSHOT_DIR]   (run it in the background)
#   defaults: tools/train/checkpoints, tools/runs/snapshots
cd "$(dirname "$0")/../.."
CK="${1:-tools/train/checkpoints}"
SNAP="${2:-tools/runs/snapshots}"
last=""
while true; do
  s=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['step'])" "$CK/checkpoint.json" 2>/dev/null)
  if [ -n "$s" ] && [ "$s" != "$last" ]; then
    sleep 2; mkdir -p "$SNAP/$s"; cp "$CK"/* "$SNAP/$s/"; last=$s
  fi
  sleep 20
done
