#!/usr/bin/env bash
# Runs, in one session: the JMH benchmarks of refam-bench (scalar and vector kernel forks, bandwidth baselines,
# the whole post-processing, -prof gc), the first post-processing call in fresh JVMs, the NumPy reference (tools/bench/postprocess_numpy.py) and the host-memory
# measurement (org.refam.bench.PeakMemory); then writes docs/performance.md with tools/bench/make_report.py.
#
# Usage: tools/bench/run_benchmarks.sh [JMH benchmark regex]
# Environment:
#   JMH_OPTS   JMH settings (default: short runs for a small shared machine)
#   OUT        folder for the raw results (default: tools/runs/bench-<UTC time>, git-ignored)
#   REPORT     the Markdown file to write (default: docs/performance.md)
#   SKIP_BUILD set to 1 to use the existing refam-bench/target/benchmarks.jar
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 3 -i 5 -w 1s -r 1s"}
OUT=${OUT:-"$ROOT/tools/runs/bench-$(date -u +%Y%m%dT%H%M%SZ)"}
REPORT=${REPORT:-"$ROOT/docs/performance.md"}
PYTHON=${PYTHON:-/usr/bin/python3}
JAR="$ROOT/refam-bench/target/benchmarks.jar"
mkdir -p "$OUT"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "== building $JAR"
  mvn -q -o -pl refam-bench -am package -DskipTests || mvn -q -pl refam-bench -am package -DskipTests
fi

# JMH refuses to start while another JMH run holds /tmp/jmh.lock (another benchmark on this machine): wait for it
# rather than measure two benchmarks against each other
run_jmh() {
  local log=$1 rc
  shift
  for attempt in $(seq 1 60); do
    set +e
    java -jar "$JAR" "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    if [[ $rc == 0 ]]; then
      return 0
    fi
    if ! grep -q "Unable to acquire the JMH lock" "$log"; then
      return "$rc"
    fi
    echo "another JMH run holds the lock; waiting (attempt $attempt)"
    sleep 60
  done
  return 1
}

echo "== machine"
"$PYTHON" - "$OUT/machine.json" "$JMH_OPTS" <<'EOF'
import json, os, platform, re, subprocess, sys
def run(*cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (r.stdout + r.stderr).strip()
    except OSError as e:
        return str(e)
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
fam = {k: next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith(k)), "?")
       for k in ("cpu family", "model\t")}
flags = next((l.split(":", 1)[1].split() for l in open("/proc/cpuinfo") if l.startswith("flags")), [])
mem = next((l.split(":", 1)[1].strip() for l in open("/proc/meminfo") if l.startswith("MemTotal")), "?")
info = {
    "cpu": cpu, "cpuFamily": fam["cpu family"], "cpuModel": fam["model\t"], "cores": os.cpu_count(),
    "simd": [f for f in ("avx2", "fma", "avx512f") if f in flags], "memory": mem,
    "kernel": platform.release(), "java": run("java", "-version"), "jmhOptions": sys.argv[2],
    "loadAverageStart": open("/proc/loadavg").read().split()[:3],
}
json.dump(info, open(sys.argv[1], "w"), indent=1)
print(json.dumps(info, indent=1))
EOF

echo "== JMH (${JMH_OPTS}, -prof gc); this takes a while"
# shellcheck disable=SC2086
# EndToEndBench (the tiny model through ONNX Runtime) belongs to tools/bench/e2e_compare.sh, which runs it back to
# back with PyTorch; the default selection here is the kernels and the post-processing.
run_jmh "$OUT/jmh.log" $JMH_OPTS -prof gc -rf json -rff "$OUT/jmh.json" "${1:-^(?!.*EndToEndBench).*}"

echo "== first call in a fresh JVM (post-processing, single shot, JIT not warmed up)"
run_jmh "$OUT/jmh-cold.log" -bm ss -wi 0 -i 1 -f 5 -p samples=1 -p heads=1 -rf json -rff "$OUT/jmh-cold.json" \
  'PostProcessBench'

echo "== NumPy reference"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PYTHON" "$ROOT/tools/bench/postprocess_numpy.py" \
  --json "$OUT/numpy.json"

echo "== host memory of one grounding"
: > "$OUT/memory.jsonl"
# text tokens, samples, blocks, heads, grid side: FLUX schnell / dev at 1024 px with 4 and 1 noise samples, and the
# dev case at 2048 px (4x the image tokens) to show that nothing grows with the square of the token count
for cfg in "256 4 12 1 64" "512 4 12 1 64" "512 1 12 1 64" "512 1 12 1 128"; do
  # shellcheck disable=SC2086
  java -Xms1g -Xmx8g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$JAR" org.refam.bench.PeakMemory $cfg \
    | tee -a "$OUT/memory.jsonl"
done

"$PYTHON" - "$OUT/machine.json" <<'EOF'
import json, sys
info = json.load(open(sys.argv[1]))
info["loadAverageEnd"] = open("/proc/loadavg").read().split()[:3]
json.dump(info, open(sys.argv[1], "w"), indent=1)
EOF

echo "== report"
"$PYTHON" "$ROOT/tools/bench/make_report.py" --results "$OUT" --out "$REPORT"
echo "wrote $REPORT (raw results in $OUT)"
