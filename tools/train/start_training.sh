#!/bin/sh
# Starts (or resumes) refam-tiny training in the background on one core; survives the shell's exit.
# Resumes from tools/runs/tiny/state.pt when present; otherwise pass INIT=tools/train/checkpoints to start from
# the committed weights-only checkpoint (fresh optimizer). Log: tools/train/train-log-tiny.txt; PID in
# tools/runs/tiny/train.pid. Stop it with: kill "$(cat tools/runs/tiny/train.pid)" (it writes a checkpoint first).
set -eu
cd "$(dirname "$0")/../.."
mkdir -p tools/runs/tiny
INIT_ARGS=""
if [ -n "${INIT:-}" ]; then INIT_ARGS="--init-from $INIT"; fi
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 setsid nohup /usr/bin/python3 tools/train/train_tiny.py \
    --config tools/train/config-tiny.json --run tools/runs/tiny --log tools/train/train-log-tiny.txt \
    --weights-out tools/train/checkpoints $INIT_ARGS "$@" > tools/runs/tiny/stdout.txt 2>&1 &
echo $! > tools/runs/tiny/train.pid
echo "training PID $(cat tools/runs/tiny/train.pid); log tools/train/train-log-tiny.txt"
