#!/usr/bin/env bash
# End-to-end latency per referring expression on the bundled refam-tiny model: Java (refam-bench EndToEndBench,
# JMH: RefAM.ground and OnnxAttentionExtractor.extract on ONNX Runtime, 1 thread and ONNX Runtime's default) versus
# PyTorch eager running the same model and post-processing (tools/bench/e2e_pytorch.py, 1 and 2 threads), in one
# session, back to back; then writes docs/performance-e2e.md.
#
# Steps: build refam-bench (shaded benchmarks.jar with refam-onnx and the embedded model); write the Java pipeline's
# attention and result for the benchmark input (org.refam.bench.EndToEndReference) and check that PyTorch computes
# the same (e2e_pytorch.py --check, with the Java noise; fails the script if not); then ROUNDS times, back to back:
# JMH (EndToEndBench, 4 variants), PyTorch 1 thread, the Java stage split (EndToEndReference with CALLS), PyTorch 2
# threads; then the report. The load of a shared machine drifts over minutes: the rounds show how much.
#
# Usage: tools/bench/e2e_compare.sh
# Environment:
#   JMH_OPTS    JMH settings (default "-f 1 -wi 5 -i 10 -w 1s -r 1s": short runs for a small shared machine)
#   TORCH_OPTS  e2e_pytorch.py timing options (default "--warmup-s 5 --measure-s 10")
#   ROUNDS      how many times to run both sides (default 3)
#   OUT         folder for the raw results (default tools/runs/e2e-<UTC time>, git-ignored)
#   REPORT      the Markdown file to write (default docs/performance-e2e.md)
#   SKIP_BUILD  1 to use the existing refam-bench/target/benchmarks.jar
#   JMH_LOCK_WAIT_S  how long to wait for another JMH run on the machine to finish (default 1800)
#   REPORT_ONLY 1 to rewrite the report from the results already in OUT (no build, no runs)
#   PYTHON      the Python with torch (default /usr/bin/python3: Debian's python3-torch)
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 5 -i 10 -w 1s -r 1s"}
TORCH_OPTS=${TORCH_OPTS:-"--warmup-s 5 --measure-s 10"}
ROUNDS=${ROUNDS:-3}
OUT=${OUT:-"$ROOT/tools/runs/e2e-$(date -u +%Y%m%dT%H%M%SZ)"}
REPORT=${REPORT:-"$ROOT/docs/performance-e2e.md"}
PYTHON=${PYTHON:-/usr/bin/python3}
JAR="$ROOT/refam-bench/target/benchmarks.jar"
mkdir -p "$OUT"

if [[ "${REPORT_ONLY:-0}" == 1 ]]; then
  test -s "$OUT/machine.txt" || { echo "REPORT_ONLY=1 needs OUT=<a folder of an earlier run>" >&2; exit 1; }
else
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "== building $JAR"
  mvn -q -o -pl refam-bench -am package -DskipTests || mvn -q -pl refam-bench -am package -DskipTests
fi

echo "== machine"
{
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory=$(grep -m1 '^MemTotal' /proc/meminfo | cut -d: -f2- | sed 's/^ *//')"
  echo "kernel=$(uname -r)"
  echo "java=$(java -version 2>&1 | sed -n 2p)"
  echo "onnxruntime=$(unzip -p "$JAR" META-INF/maven/com.microsoft.onnxruntime/onnxruntime/pom.xml 2>/dev/null \
    | sed -n 's:.*<version>\(.*\)</version>.*:\1:p' | head -1)"
  echo "jmhOptions=$JMH_OPTS"
  echo "torchOptions=$TORCH_OPTS"
  echo "rounds=$ROUNDS"
  echo "loadStart=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "start=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} | tee "$OUT/machine.txt"
# the other jobs sharing the cores when the run starts (command names only)
others() {
  ps -eo pcpu=,comm=,args= --sort=-pcpu | awk '$1 >= 10 {printf "%s%% %s\n", $1, substr($0, index($0, $3), 90)}'
}
others | tee "$OUT/others.txt"

echo "== Java reference output (EndToEndReference)"
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$JAR" org.refam.bench.EndToEndReference "$OUT/java-ref.json" \
  2>&1 | grep -v 'Failed to detect GPU count' || true
test -s "$OUT/java-ref.json"

echo "== PyTorch computes the same (e2e_pytorch.py --check)"
"$PYTHON" "$ROOT/tools/bench/e2e_pytorch.py" --threads 1 --check "$OUT/java-ref.json" --warmup-s 0.5 --measure-s 1 \
  --json "$OUT/check.json" > /dev/null

# JMH refuses to start while another JMH run on this machine holds /tmp/jmh.lock: wait for it rather than measure
# two benchmarks against each other.
run_jmh() {
  local waited=0
  while true; do
    # shellcheck disable=SC2086
    java -jar "$JAR" $JMH_OPTS -rf json -rff "$OUT/jmh-$1.json" 'EndToEndBench' > "$OUT/jmh-$1.log" 2>&1 || true
    if grep -q 'Unable to acquire the JMH lock' "$OUT/jmh-$1.log"; then
      if (( waited >= ${JMH_LOCK_WAIT_S:-1800} )); then
        echo "another JMH run held /tmp/jmh.lock for ${waited} s; giving up" >&2
        exit 1
      fi
      echo "   another JMH run holds /tmp/jmh.lock; waiting (${waited} s so far)"
      sleep 20
      waited=$((waited + 20))
      continue
    fi
    grep -E '^EndToEndBench' "$OUT/jmh-$1.log" || true
    test -s "$OUT/jmh-$1.json" || { echo "JMH failed, see $OUT/jmh-$1.log" >&2; exit 1; }
    return
  done
}

for r in $(seq 1 "$ROUNDS"); do
  { echo "round $r $(date -u +%H:%M:%SZ) load $(cut -d' ' -f1-3 /proc/loadavg)"; others; } >> "$OUT/others-rounds.txt"
  echo "== round $r: JMH EndToEndBench ($JMH_OPTS)"
  run_jmh "$r"
  for t in 1 2; do
    echo "== round $r: PyTorch eager, $t thread(s)"
    # shellcheck disable=SC2086
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PYTHON" "$ROOT/tools/bench/e2e_pytorch.py" --threads "$t" $TORCH_OPTS \
      --json "$OUT/torch-$r-$t.json" | grep -E '"(mean|median)"' | head -2
    if [[ $t == 1 ]]; then
      echo "== round $r: Java stage split, 1 thread (EndToEndReference, 1000 calls)"
      java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$JAR" org.refam.bench.EndToEndReference \
        "$OUT/java-stages-$r.json" 1000 2>&1 | grep -v 'Failed to detect GPU count' || true
    fi
  done
done
echo "loadEnd=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
echo "end=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$OUT/machine.txt"
fi

echo "== report $REPORT"
"$PYTHON" - "$OUT" "$REPORT" "$ROUNDS" <<'EOF'
import json, os, statistics, sys

out, report, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
machine = dict(l.rstrip("\n").split("=", 1) for l in open(os.path.join(out, "machine.txt")) if "=" in l)
others = [l.strip() for l in open(os.path.join(out, "others.txt")) if l.strip()]
rounds_file = os.path.join(out, "others-rounds.txt")
round_lines = [l.strip() for l in open(rounds_file)] if os.path.exists(rounds_file) else []
round_loads = [l.split(" load ")[1] for l in round_lines if l.startswith("round ")]
seen = sorted({l.split("% ", 1)[1] for l in others + round_lines if "% " in l and not l.startswith("round ")})
ref = json.load(open(os.path.join(out, "java-ref.json")))
chk = json.load(open(os.path.join(out, "check.json")))
check = chk["check"]
manifest = json.load(open("models/refam-tiny/manifest.json"))
text_length = manifest["transformer"]["textLength"]
padded = manifest["textEncoder"].get("padding", "max-length") == "max-length"
default_blocks = manifest["transformer"]["attention"]["defaultBlocks"]
blocks_text = ("default block " if len(default_blocks) == 1 else "default blocks ") + ", ".join(map(str, default_blocks))
pad_text = f"pad to {text_length}" if padded else f"no padding (the bundle runs prompts unpadded, at most {text_length} tokens)"
rows = []  # per round: (round, {(benchmark, threads): (score, error)}, {threads: torch json}, java stages)
for r in range(1, rounds + 1):
    j = {}
    for b in json.load(open(os.path.join(out, f"jmh-{r}.json"))):
        m = b["primaryMetric"]
        j[(b["benchmark"].rsplit(".", 1)[1], b["params"]["intraOpThreads"])] = (m["score"], m["scoreError"])
    t = {n: json.load(open(os.path.join(out, f"torch-{r}-{n}.json"))) for n in (1, 2)}
    rows.append((r, j, t, json.load(open(os.path.join(out, f"java-stages-{r}.json")))["stages"]))

def f(x, d=2):
    return f"{x:.{d}f}" if isinstance(x, (int, float)) and x == x else "n/a"

def med(xs):
    return statistics.median(xs)

ratio1 = [t[1]["ground"]["mean"] / j[("ground", "1")][0] for _, j, t, _ in rows]
ratio_default = [t[2]["ground"]["mean"] / j[("ground", "0")][0] for _, j, t, _ in rows]
ratio_best = [min(t[1]["ground"]["mean"], t[2]["ground"]["mean"]) / min(j[("ground", "1")][0], j[("ground", "0")][0])
              for _, j, t, _ in rows]
ratio_model = [t[1]["model"]["mean"] / j[("extract", "1")][0] for _, j, t, _ in rows]

L = []
L.append("## End-to-end latency per expression: Java vs PyTorch (refam-tiny, CPU)")
L.append("")
L.append("Written by `tools/bench/e2e_compare.sh` (do not edit by hand; rerun it). One referring expression, "
         f"\"{ref['expression']}\", grounded on a fixed 48 x 48 RefShapes-like scene (`EndToEndWorkload`: smooth "
         "background, red triangle, blue circle, green square) with the bundled refam-tiny model "
         f"(`models/refam-tiny`, embedded in refam-onnx: patchify 4, text length {text_length}, 3 double + 1 single "
         f"blocks, width 64) and `RefAMConfig.defaults()` (magnets, {blocks_text}, t = 0.5, one noise sample, sink "
         "handling, renormalisation, token filter, bilinear upsampling, argmax, threshold mask).")
L.append("")
L.append("* **Java**: `refam-bench` `EndToEndBench` (JMH, average time). `ground` is `RefAM.ground(image, "
         "expression)`, the whole pipeline; `extract` is `OnnxAttentionExtractor.extract` of the same request "
         "(preprocessing, image encoder, text encoder, transformer, attention read-out), so `ground - extract` is "
         "tokenization plus host post-processing. `intraOpThreads = 1` is one ONNX Runtime thread; `0` is ONNX "
         f"Runtime's default (one per core, here {machine['nproc']}).")
L.append("* **PyTorch**: `tools/bench/e2e_pytorch.py`, eager, `torch.no_grad()`, the same weights "
         f"(`tools/train/checkpoints`, step {chk['checkpointStep']}, the step `models/refam-tiny` was exported from) "
         "through `refam_tools.flux` / `t5` / `patchify`, the same steps: tokenize with the bundle's vocabulary, "
         f"append the 5 magnets with their `</s>`, {pad_text}, T5, patchify to [-1, 1], seeded noise at t = 0.5, one "
         "transformer forward returning the head-mean image->text and text->text attention of all 4 exported blocks "
         "and the prediction (as the ONNX graph does), then sink statistics and redirection, average, "
         "renormalisation, filter, masked sum, bilinear upsampling, argmax and the threshold mask, in torch. "
         "`torch.set_num_threads(N)` with `OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = N`. `model` is everything up to "
         "the attention (the counterpart of Java's `extract`), `post` the rest.")
L.append("")
L.append("### Same computation")
L.append("")
L.append("Before timing, `e2e_pytorch.py --check` runs the PyTorch pipeline once with the Java backend's noise "
         "(`java.util.SplittableRandom` seed 0 with refam-onnx's Box-Muller, ported to NumPy) and compares it with "
         f"what `org.refam.bench.EndToEndReference` wrote from the Java pipeline: same image bytes, same {len(ref['ids'])} "
         f"token ids (`{ref['ids'][:14]}`{' then padding' if len(ref['ids']) > 14 else ''}), image->text attention of all 4 blocks within "
         f"**{check['maxAbsDiffImg2Txt']:.1e}** (max abs), text->text within {check['maxAbsDiffTxt2Txt']:.1e}, grid "
         f"heat map within {check['gridRelDiff']:.1e} of its maximum, same peak {tuple(check['peak'])} (score "
         f"{check['peakScore']:.4f} vs {ref['peakScore']:.4f}), same kept tokens {check['kept']}, sinks "
         f"{check['sinks']}, mask of {check['maskPixels']} pixels on both sides. The timed runs draw the noise with "
         "`torch.randn` (a seeded `torch.Generator`), as a PyTorch user would; Java draws with `SplittableRandom`. "
         "The draws differ (so the timed PyTorch peak can differ), the cost does not (6,912 normal numbers per "
         "call on both sides).")
L.append("")
L.append("### Results (ms per expression; lower is better)")
L.append("")
L.append("| round | Java ground, 1 thread | Java extract, 1 thread | PyTorch, 1 thread: all (median; model + post) | "
         "**PyTorch / Java, 1 thread** | Java ground, default threads | Java extract, default threads | "
         "PyTorch, 2 threads: all (median) | PyTorch 2 / Java default |")
L.append("|---|---|---|---|---|---|---|---|---|")
for (r, j, t, _), q1, qd in zip(rows, ratio1, ratio_default):
    def jm(k):
        return f"{f(j[k][0])} ± {f(j[k][1])}"
    g1, g2 = t[1], t[2]
    L.append(f"| {r} | {jm(('ground', '1'))} | {jm(('extract', '1'))} | {f(g1['ground']['mean'])} "
             f"({f(g1['ground']['median'])}; {f(g1['model']['mean'])} + {f(g1['post']['mean'])}) | **{f(q1, 2)}x** | "
             f"{jm(('ground', '0'))} | {jm(('extract', '0'))} | {f(g2['ground']['mean'])} ({f(g2['ground']['median'])}) "
             f"| {f(qd, 1)}x |")
L.append("")
L.append("Java: JMH mean ± 99.9% error over the measured iterations. PyTorch: mean over individually timed calls "
         "(median, then the means of the separately timed `model` and `post` parts). Ratios divide the PyTorch mean by "
         "the JMH mean of the same round.")
L.append("")
met = min(ratio1) >= 2
verdict = ("**met** in every round" if met else
           "**missed**" + (f" (met in {sum(x >= 2 for x in ratio1)} of {rounds} rounds)" if max(ratio1) >= 2 else ""))
L.append(f"**Result: PyTorch / Java with 1 thread each, whole pipeline: median {f(med(ratio1), 2)}x** (rounds: "
         f"{', '.join(f(x, 2) + 'x' for x in ratio1)}); target >= 2x: {verdict}. The model alone (PyTorch `model` / "
         f"Java `extract`): median {f(med(ratio_model), 2)}x. Best configuration of each side against the other: "
         f"median {f(med(ratio_best), 2)}x. Default threads (ONNX Runtime 2, PyTorch 2): median "
         f"{f(med(ratio_default), 1)}x, but see the note on oversubscription below.")
L.append("")
# stage split: medians over rounds, matched stages
java_map = [("tokenize + magnets", ["tokenize"]), ("image preprocessing + encoder", ["extract:preprocess", "extract:imageEncoder"]),
            ("text encoder", ["extract:textEncoder"]), ("transformer (+ read-out)", ["extract:transformer", "extract:readout"]),
            ("post-processing", ["aggregate", "sinks", "filter", "heatmap", "upsample", "mask"])]
torch_map = {"tokenize + magnets": ["tokenize"], "image preprocessing + encoder": ["imageEncoder"],
             "text encoder": ["textEncoder"], "transformer (+ read-out)": ["transformer"], "post-processing": ["post"]}
L.append("### Where the time goes (1 thread)")
L.append("")
L.append("Medians over the rounds of each stage's mean time. Java: the timings `GroundingResult.timings()` reports, "
         f"over {rows[0][3]['calls']} calls after as many warm-up calls (`EndToEndReference`, run right after the "
         "PyTorch 1-thread timing of the same round). PyTorch: the same stages timed with `perf_counter` at the end of "
         "its 1-thread run. Both are plain loops, not JMH: they give the split, the table above gives the latency.")
L.append("")
L.append("| stage | Java ms | PyTorch ms | PyTorch / Java |")
L.append("|---|---|---|---|")
jt_total, tt_total = 0.0, 0.0
stage_rows = {}
for name, keys in java_map:
    jv = med([sum(st.get(k, 0.0) for k in keys) for *_, st in rows])
    tv = med([sum(t[1]["stages"].get(k, 0.0) for k in torch_map[name]) for _, _, t, _ in rows])
    stage_rows[name] = (jv, tv)
    jt_total += jv
    tt_total += tv
    L.append(f"| {name} | {f(jv, 3)} | {f(tv, 3)} | {f(tv / jv, 1) if jv > 0 else 'n/a'}x |")
L.append(f"| **sum** | **{f(jt_total, 3)}** | **{f(tt_total, 3)}** | **{f(tt_total / jt_total, 2)}x** |")
L.append("")
try:
    import collections, onnx
    g = onnx.load(os.path.join(os.environ.get("BUNDLE", "models/refam-tiny"), "transformer.onnx")).graph
    ops = collections.Counter(n.op_type for n in g.node)
    graph_note = (f"{len(g.node):,} nodes in the file, of which {ops['MatMul']} MatMul, {ops['Constant']} Constant and "
                  f"{sum(ops[k] for k in ('Shape', 'Gather', 'Unsqueeze', 'Concat', 'Slice', 'Cast'))} "
                  "Shape/Gather/Unsqueeze/Concat/Slice/Cast (mostly index arithmetic for the dynamic token counts)")
except Exception as e:  # onnx missing: say so rather than fail the report
    graph_note = f"node counts unavailable: {e}"
jtr, ttr = stage_rows["transformer (+ read-out)"]
calls = rows[-1][2][1].get("atenCalls", {})
rest_j = jt_total - jtr
rest_t = tt_total - ttr
gflop = rows[-1][2][1].get("modelGflop")
L.append(f"The transformer pass dominates both sides: {f(100 * jtr / jt_total, 0)}% of Java's time and "
         f"{f(100 * ttr / tt_total, 0)}% of PyTorch's, and there ONNX Runtime is {f(ttr / jtr, 1)}x faster than "
         f"PyTorch eager. The model is about {f(gflop, 2) if gflop else '?'} GFLOP per expression (`torch.profiler`'s "
         "count, matrix products and element-wise arithmetic), spread over many small operators: the transformer "
         f"graph has {graph_note}; PyTorch dispatches {calls.get('model', '?')} ATen calls for the model and "
         f"{calls.get('post', '?')} for the post-processing per expression (nested calls included). Everything outside "
         f"the transformer is {f(rest_j, 2)} ms in Java and {f(rest_t, 2)} ms in PyTorch: Java's host "
         f"post-processing takes {f(stage_rows['post-processing'][0], 3)} ms against PyTorch's "
         f"{f(stage_rows['post-processing'][1], 2)} ms and its text encoder {f(stage_rows['text encoder'][0], 2)} ms "
         f"against {f(stage_rows['text encoder'][1], 2)} ms, but Java pays {f(stage_rows['tokenize + magnets'][0], 2)} "
         "ms to tokenize (six calls into the native DJL tokenizer, the expression and each magnet word, on every "
         "call) and runs the parameter-free patchify as an ONNX session.")
L.append("")
L.append("### Machine and settings")
L.append("")
L.append(f"* {machine['nproc']} cores, {machine['cpu']}, {machine['memory']}, Linux {machine['kernel']}.")
L.append(f"* {machine['java']}; ONNX Runtime {machine.get('onnxruntime') or '?'} (CPU build); JMH "
         f"`{machine['jmhOptions']}`, average time, one fork per benchmark, a plain JVM (`-Xms256m -Xmx1g`, scalar "
         "kernels).")
tj = rows[0][2][1]
L.append(f"* PyTorch {tj['torch']} (Debian `python3-torch`, OpenBLAS, no MKL), NumPy {tj['numpy']}, Python "
         f"{tj['python']}; `e2e_pytorch.py {machine['torchOptions']}` per thread count (plus shorter `model` and "
         "`post` timings).")
L.append(f"* Run {machine['start']} to {machine.get('end', '?')}; {rounds} rounds, each JMH, PyTorch 1 thread, the Java "
         f"stage split, PyTorch 2 threads, back to back. Load average {machine['loadStart']} at the start, "
         f"{machine.get('loadEnd', '?')} at the end.")
if round_loads:
    L.append(f"* Load average at the start of each round: {'; '.join(round_loads)}.")
if seen:
    L.append("* Other jobs using 10% or more of a core at the start or at a round's start (from `ps`): "
             + "; ".join(f"`{o}`" for o in seen[:8]) + ".")
else:
    L.append("* No other process used 10% or more of a core at the start"
             + (" or at any round's start" if round_lines else "") + " (from `ps`); jobs of other sessions can still "
             "start in between.")
L.append("")
training = any("train_tiny" in o for o in seen)
L.append("**This machine is shared**: two cores, and other sessions' jobs run on them (the refam-tiny training "
         "process alone takes about one core while it runs"
         + ("; it ran during this measurement, see above). " if training else "; ps did not see it during this "
            "run, see above). ")
         + "Absolute times are noise and move by 2x between runs; the ratios of the two sides measured back to back "
         "in the same round are the result. Runs with 2 threads (ONNX Runtime's default here, and PyTorch with 2 "
         "threads) oversubscribe the cores as soon as anything else runs: thread-pool threads wait for a descheduled "
         "peer at every operator's barrier, so they are no faster than 1 thread and have long tails (compare PyTorch's "
         "2-thread mean and median), on both sides. On a quiet machine with more cores the default-thread columns "
         "would be the ones to quote.")
L.append("")
L.append("Reproduce: `tools/bench/e2e_compare.sh` (about 8 minutes plus any wait for another JMH run; raw JMH JSON, PyTorch JSON and logs land in "
         "`tools/runs/e2e-<time>/`).")
open(report, "w").write("\n".join(L) + "\n")
print("\n".join(L))
EOF
