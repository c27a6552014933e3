#!/bin/sh
# Copies every new weights-only checkpoint to tools/runs/snapshots/<step> (ignored by git) for selection on the dev split.
cd "$(dirname "$0")/../.."
last=""
while true; do
  s=$(python3 -c "import json;print(json.load(open('tools/train/checkpoints/checkpoint.json'))['step'])" 2>/dev/null)
  if [ -n "$s" ] && [ "$s" != "$last" ]; then
    sleep 2; mkdir -p tools/runs/snapshots/$s; cp tools/train/checkpoints/* tools/runs/snapshots/$s/; last=$s
  fi
  sleep 20
done
