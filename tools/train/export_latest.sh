#!/bin/sh
# Exports the weights-only checkpoint of refam-tiny into the model bundle models/refam-tiny/ with the export tools
# of tools/refam_tools (patchify image encoder, T5 text encoder, FLUX transformer with attention outputs of every
# block, tokenizer.json, manifest.json with SHA-256 checksums), then validates the bundle.
#
# Usage (from anywhere):  tools/train/export_latest.sh [CHECKPOINT_DIR] [BUNDLE_DIR]
#   CHECKPOINT_DIR  default tools/train/checkpoints (written by train_tiny.py every few minutes)
#   BUNDLE_DIR      default models/refam-tiny
#   DEFAULT_BLOCKS  env, comma list of the blocks the pipeline averages by default (manifest
#                   transformer.attention.defaultBlocks); default: all blocks
# Safe while training runs: it reads the checkpoint files, which train_tiny.py replaces atomically.
set -eu
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CK="$(cd "${1:-$ROOT/tools/train/checkpoints}" && pwd)"
OUT="${2:-$ROOT/models/refam-tiny}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
PY=/usr/bin/python3
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

BUILD="$ROOT/tools/runs/export"
rm -rf "$BUILD"
mkdir -p "$BUILD"
# Snapshot the checkpoint so that a save during the export cannot mix two steps.
cp "$CK/transformer.safetensors" "$CK/text_encoder.safetensors" "$CK/flux-config.json" "$CK/t5-config.json" \
   "$CK/tokenizer.json" "$CK/checkpoint.json" "$BUILD/"

eval "$($PY - "$BUILD" "${DEFAULT_BLOCKS:-}" <<'EOF'
import json, os, sys
build, default_blocks = sys.argv[1], sys.argv[2]
info = json.load(open(os.path.join(build, "checkpoint.json")))
cfg = json.load(open(os.path.join(build, "flux-config.json")))
total = cfg["depth"] + cfg["depth_single_blocks"]
if default_blocks:
    cfg["attn_blocks"] = [int(b) for b in default_blocks.split(",")]
json.dump(cfg, open(os.path.join(build, "flux-config.json"), "w"), indent=2)
padding = "none" if info.get("maskPads") else "max-length"
print(f"STEP={info['step']} TEXT_LENGTH={info['textLength']} PATCH={info['patch']} IMAGE_SIZE={info['imageSize']} "
      f"LAST_BLOCK={total - 1} PADDING={padding}")
EOF
)"

cd "$ROOT/tools"
$PY -W ignore -m refam_tools.patchify --patch "$PATCH" --out "$BUILD/image_encoder.onnx"
$PY -W ignore -m refam_tools.t5 --config "$BUILD/t5-config.json" --weights "$BUILD/text_encoder.safetensors" \
    --max-length "$TEXT_LENGTH" --padding "$PADDING" --external-data never --out "$BUILD/text_encoder.onnx"
$PY -W ignore -m refam_tools.export_transformer --config "$BUILD/flux-config.json" \
    --weights "$BUILD/transformer.safetensors" --blocks "0-$LAST_BLOCK" --text-length "$TEXT_LENGTH" \
    --external-data never --out "$BUILD/transformer.onnx"
if [ "$PADDING" = none ]; then
    TEXT_NOTE="prompts run unpadded (at most $TEXT_LENGTH tokens): training masked padded keys out in the encoder and the transformer, which is the same computation"
else
    TEXT_NOTE="prompts are padded to $TEXT_LENGTH tokens with <pad> and no mask: pads are live keys in the encoder and the transformer, as in training"
fi
$PY -W ignore -m refam_tools.build_bundle --out "$OUT" --name refam-tiny \
    --description "refam-tiny step $STEP: a FLUX-architecture DiT (patchify ${PATCH}x${PATCH} px tokens, ${IMAGE_SIZE} px images) and a T5-style encoder trained from scratch on RefShapes (tools/train, docs/training.md). The transformer predicts x0 (pred = clean image tokens); $TEXT_NOTE; y is zeros." \
    --transformer "$BUILD/transformer.onnx" --text-encoder "$BUILD/text_encoder.onnx" \
    --tokenizer "$BUILD/tokenizer.json" --image-encoder "$BUILD/image_encoder.onnx" \
    --pooled zeros --image-size "$IMAGE_SIZE" --resize fit
# The bundle must not share inodes with the scratch folder (build_bundle hard-links when it can).
for f in "$OUT"/*.onnx "$OUT"/tokenizer.json; do cp "$f" "$f.tmp" && mv "$f.tmp" "$f"; done
$PY -m refam_tools.manifest "$OUT"
cp "$BUILD/checkpoint.json" "$OUT/training.json"
# ONNX (NumPy interpreter) against PyTorch on the snapshot, and a small-sample PA (needs the generated val split).
if [ -f "$ROOT/tools/runs/data48/val/index.json" ]; then
    $PY "$ROOT/tools/train/check_bundle.py" --bundle "$OUT" --checkpoint "$BUILD" --count 20
fi
# The PyTorch reference the Java test EmbeddedModelReferenceTest checks the embedded bundle against (tied to this
# manifest's SHA-256): commit it with the bundle.
if [ "$OUT" = "$ROOT/models/refam-tiny" ]; then
    $PY -W ignore "$ROOT/tools/train/make_java_reference.py" --checkpoint "$BUILD" --bundle "$OUT"
fi
ls -l "$OUT"
