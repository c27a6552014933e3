#!/usr/bin/env python3
"""Writes docs/performance.md from one run of tools/bench/run_benchmarks.sh.

Inputs (in --results): jmh.json (JMH 1.37, -rf json, -prof gc), jmh.log (the console output, for the kernels'
start-up log line), numpy.json (postprocess_numpy.py --json), memory.jsonl (PeakMemory, one object per line) and
machine.json. Every table states the machine, JDK and JMH settings it was measured with.
"""

import argparse
import json
import math
import os
import re
import statistics
import sys

N = 4096
LINE = 64

# kernel benchmark -> (its bandwidth baseline in the same class, bytes the kernel must move, definition of bytes)
KERNELS = {
    "headMean": ("headMeanBaseline",
                 lambda p, k: 4 * (int(p["heads"]) + 2) * int(p["imageTokens"]) * int(p["textTokens"]),
                 "(H + 2) N T floats: the attention read once, the average read and written once"),
    "renormalize": ("renormalizeBaseline", lambda p, k: 8 * int(p["imageTokens"]) * int(p["textTokens"]),
                    "2 N T floats: the matrix read and written in place"),
    "columnStatistics": ("matrixBaseline", lambda p, k: 4 * int(p["imageTokens"]) * int(p["textTokens"]),
                         "N T floats read (the per-column accumulators stay in cache)"),
    "nanCheck": ("matrixBaseline", lambda p, k: 4 * int(p["imageTokens"]) * int(p["textTokens"]),
                 "N T floats read"),
    "maskedSum": ("maskedSumBaseline", lambda p, k: int(p["imageTokens"]) * (LINE * len({c // 16 for c in k}) + 4),
                  "per row the 64-byte lines holding kept columns, plus the output"),
    "upsample": ("pixelBaseline", lambda p, k: 4 * int(p["imageSide"]) ** 2,
                 "side^2 floats written (the 64x64 grid is read from cache)"),
    "argmax": ("pixelBaseline", lambda p, k: 4 * int(p["imageSide"]) ** 2, "side^2 floats read"),
}
TARGET_BANDWIDTH = 0.7
TARGET_NUMPY = 2.0


def load(results):
    cold_file = os.path.join(results, "jmh-cold.json")
    cold = json.load(open(cold_file)) if os.path.exists(cold_file) else []
    jmh = json.load(open(os.path.join(results, "jmh.json")))
    log = open(os.path.join(results, "jmh.log"), errors="replace").read()
    numpy = json.load(open(os.path.join(results, "numpy.json")))
    memory = [json.loads(l) for l in open(os.path.join(results, "memory.jsonl")) if l.strip().startswith("{")]
    machine = json.load(open(os.path.join(results, "machine.json")))
    return jmh, cold, log, numpy, memory, machine


def split(name):
    """org.refam.bench.HeadMeanBench.Panama.headMean -> (HeadMeanBench, Panama, headMean)."""
    parts = name.split(".")
    if parts[-2] in ("Scalar", "Panama"):
        return parts[-3], parts[-2].lower(), parts[-1]
    return parts[-2], "-", parts[-1]


def index(jmh):
    out = {}
    for b in jmh:
        cls, impl, method = split(b["benchmark"])
        params = b.get("params", {})
        raw = [x for fork in b["primaryMetric"]["rawData"] for x in fork]
        sec = b.get("secondaryMetrics", {})
        alloc = (sec.get("gc.alloc.rate.norm") or sec.get("\u00b7gc.alloc.rate.norm") or {}).get("score")
        out[(cls, impl, method, tuple(sorted(params.items())))] = {
            "score": b["primaryMetric"]["score"], "error": b["primaryMetric"]["scoreError"],
            "unit": b["primaryMetric"]["scoreUnit"], "best": min(raw), "params": params, "alloc": alloc,
        }
    return out


def seconds(value, unit):
    return value * {"us/op": 1e-6, "ms/op": 1e-3, "ns/op": 1e-9, "s/op": 1.0}[unit]


def fmt_bytes(b):
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if b >= size:
            return f"{b / size:.1f} {unit}"
    return f"{b:.0f} B"


def fmt_err(e):
    try:
        e = float(e)
    except (TypeError, ValueError):
        return "n/a"
    return "n/a" if math.isnan(e) else f"{e:.1f}"


def settings_line(jmh, machine):
    b = jmh[0]
    simd = ", ".join(machine.get("simd", []))
    java = machine.get("java", "").splitlines()
    return (f"Machine: {machine['cpu']} (family {machine['cpuFamily']}, model {machine['cpuModel']}; {simd}), "
            f"{machine['cores']} cores shared with other work, {machine['memory']} RAM, Linux {machine['kernel']}; "
            f"JDK {b['jdkVersion']} ({b['vmName']} {b['vmVersion']}); JMH {b['jmhVersion']}, "
            f"`{machine['jmhOptions']} -prof gc`, mode average time, 1 thread; "
            f"load average {' / '.join(machine['loadAverageStart'])} at the start and "
            f"{' / '.join(machine.get('loadAverageEnd', ['?']))} at the end (1 / 5 / 15 min).")


def kernel_log_lines(log):
    seen = []
    for m in re.finditer(r"RefAM attention kernels: (.*)", log):
        line = m.group(1).strip()
        if line not in seen:
            seen.append(line)
    return seen


def kernel_table(idx, kept):
    rows = []
    verdicts = {}
    for (cls, impl, method, params), r in sorted(idx.items(), key=lambda kv: (kv[0][2], kv[0][3], kv[0][1])):
        if method not in KERNELS or impl == "-":
            continue
        base_name, nbytes, _ = KERNELS[method]
        base = idx.get((cls, impl, base_name, params))
        if base is None:
            continue
        b = nbytes(r["params"], kept)
        gbs = b / seconds(r["score"], r["unit"]) / 1e9
        base_gbs = b / seconds(base["score"], base["unit"]) / 1e9
        ratio = base["score"] / r["score"]
        best_ratio = base["best"] / r["best"]
        shown = {k: v for k, v in r["params"].items() if k not in ("imageTokens", "gridSide")}
        label = ", ".join(f"{k}={v}" for k, v in sorted(shown.items()))
        rows.append(f"| {method} | {label} | {impl} | {r['score']:.1f} \u00b1 {fmt_err(r['error'])} {r['unit']} | "
                    f"{fmt_bytes(b)} | {gbs:.1f} | {base_gbs:.1f} | **{ratio:.2f}** | {best_ratio:.2f} | "
                    f"{'yes' if ratio >= TARGET_BANDWIDTH else 'no'} |")
        verdicts.setdefault((method, impl), []).append(ratio)
    return rows, verdicts


def speedups(idx):
    out = {}
    for (cls, impl, method, params), r in idx.items():
        if impl != "panama" or method not in KERNELS:
            continue
        s = idx.get((cls, "scalar", method, params))
        if s:
            out.setdefault(method, []).append(s["score"] / r["score"])
    return out


def write(args):
    jmh, cold, log, numpy, memory, machine = load(args.results)
    idx = index(jmh)
    kept = memory[0]["kept"] if memory else [1, 2, 3]
    settings = settings_line(jmh, machine)
    numpy_env = numpy["environment"]
    L = []
    w = L.append
    w("# Performance")
    w("")
    w("Generated by `tools/bench/run_benchmarks.sh` (JMH benchmarks in `refam-bench`, the NumPy reference "
      "`tools/bench/postprocess_numpy.py`, the memory probe `org.refam.bench.PeakMemory`) and "
      "`tools/bench/make_report.py`; raw results of this run: `" + os.path.basename(os.path.normpath(args.results))
      + "` (git-ignored under `tools/runs/`). Rerun: `tools/bench/run_benchmarks.sh`, which rewrites this file.")
    w("")
    w("**Read the ratios, not the absolute times.** This run shared 2 CPU cores with other work (see the load "
      "average on each settings line: well above 2), so every number is noisy; each ratio compares two measurements of the same run and "
      "is the figure to quote, and even ratios move by tens of per cent between runs. JMH's error column is the "
      "99.9% confidence half-width over 5 one-second iterations. \"best it.\" repeats each ratio with the fastest "
      "iteration of each side, which is less sensitive to interference from other processes.")
    w("")
    w("Reference workload (method.md sections 2 and 4): FLUX.1 at 1024 x 1024 px, a 64 x 64 grid of N = 4096 image "
      "tokens, T = 256 text tokens (schnell) or 512 (dev), 24 heads, 12 read blocks, 1 or 4 noise samples, heat map "
      "upsampled from 64 x 64 to 1024 x 1024. Odd sizes: T = 207, a 1001-pixel image. Attention is synthetic "
      "(rows spread 0.3 of their mass over the text keys, key 0 a global sink), see `Workloads`.")
    w("")
    w("Kernel implementations: `scalar` is `ScalarKernels` (plain loops, C2 auto-vectorisation); `panama` is "
      "`PanamaKernels` (`jdk.incubator.vector`), chosen when the JVM runs with `--add-modules jdk.incubator.vector` "
      "(`-Drefam.kernels=scalar|panama` forces one). Start-up log lines of this run:")
    w("")
    for line in kernel_log_lines(log):
        w(f"- `{line}`")
    w("")

    # ------------------------------------------------------------------------------------------------ kernels
    w("## Kernels against the memory bandwidth")
    w("")
    w(settings)
    w("")
    w("Each kernel is timed next to a plain sequential read of the same number of bytes in the same benchmark "
      "class and the same kind of fork (`ReadBaseline`: vector loads into four accumulators, see the calibration "
      "below). bytes/s = bytes the kernel must move / time; ratio = baseline time / kernel time = kernel bytes/s "
      f"/ baseline bytes/s. Target: ratio >= {TARGET_BANDWIDTH}.")
    w("")
    w("Bytes per kernel: " + "; ".join(f"`{m}`: {d}" for m, (_, _, d) in KERNELS.items()) + f". Kept columns of the "
      f"masked sum: {kept}.")
    w("")
    rows, verdicts = kernel_table(idx, kept)
    w("| kernel | params | impl | time | bytes/op | GB/s | baseline GB/s | ratio | ratio (best it.) | >= 0.7 |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    L.extend(rows)
    w("")
    w("Speed-up of the vector kernels over the scalar ones (scalar time / panama time, median over the sizes; "
      "separate forks of the same run):")
    w("")
    sp = speedups(idx)
    w("| kernel | speed-up (median) | range |")
    w("|---|---|---|")
    for m in KERNELS:
        if m in sp:
            v = sp[m]
            w(f"| {m} | {statistics.median(v):.2f}x | {min(v):.2f}x - {max(v):.2f}x |")
    w("")
    w("`maskedSum` runs the same scalar gather in both forks (the vector implementation delegates to it), so its "
      "\"speed-up\" shows how far two forks of identical code drift apart in this run: read the other speed-ups "
      "and ratios with that margin.")
    w("")
    w("Verdict per kernel (all sizes, the implementation chosen with the module):")
    w("")
    for m in KERNELS:
        v = verdicts.get((m, "panama"))
        if not v:
            continue
        met = sum(1 for x in v if x >= TARGET_BANDWIDTH)
        w(f"- `{m}`: ratio {min(v):.2f} to {max(v):.2f}; target met for {met} of {len(v)} sizes.")
    w("")

    cal = [(k, r) for k, r in idx.items() if k[0] == "ReadBaselineBench"]
    if cal:
        w("### Calibration of the baseline")
        w("")
        w(settings)
        w("")
        w("Three sequential reads of the same bytes: the chosen baseline (`vectorFloatSum`), an int sum that C2 "
          "auto-vectorises (JDK 17 reduces across lanes in every iteration) and scalar 8-byte loads into four "
          "accumulators. A float sum in a plain loop is not vectorised at all (C2 keeps its order).")
        w("")
        w("| read | bytes | time | GB/s |")
        w("|---|---|---|---|")
        for (cls, impl, method, params), r in sorted(cal, key=lambda kv: (kv[0][3], kv[0][2])):
            b = int(dict(params)["bytes"])
            w(f"| {method} | {fmt_bytes(b)} | {r['score']:.1f} \u00b1 {fmt_err(r['error'])} {r['unit']} | "
              f"{b / seconds(r['score'], r['unit']) / 1e9:.1f} |")
        w("")

    # ------------------------------------------------------------------------------------------------ Java vs NumPy
    w("## Post-processing of one expression: Java against NumPy")
    w("")
    w(settings)
    w(f" NumPy {numpy_env['numpy']} on Python {numpy_env['python']} (`{numpy_env['executable']}`), "
      f"OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset for the run; {numpy['results'][0]['repeats']} timed runs after "
      "one warm-up, median.")
    w("")
    w("Java: `PostProcessBench` runs `PostProcessing`, the calls the pipeline makes with its default configuration "
      "(the pipeline class `org.refam.core.RefAM` is not on this branch): per slice the NaN check, head mean of "
      "image-to-text and text-to-text attention, sink statistics and redirection (`GlobalSinkHandler.standard()`), "
      "weighted add; then renormalisation over all text keys, token filter, masked sum, upsampling to 1024 x 1024, "
      "argmax. Buffers are allocated per call as the pipeline does. NumPy: the same maths with whole-array "
      "operations (`postprocess_numpy.py`). Both exclude tokenization, the model and the mask. heads = 1: the "
      "extractor returns head-mean slices (the default, the head mean is taken in the exported graph); heads = 24: "
      "per-head slices, which cycle through at most 512 MiB of distinct arrays (each larger than the last-level "
      "cache) in Java and NumPy alike. Target: NumPy time / Java time >= " f"{TARGET_NUMPY}.")
    w("")
    w("| T | samples | heads | slices | Java scalar | Java panama | NumPy (median) | NumPy / scalar | "
      "NumPy / panama | >= 2 (panama) | sinks / kept (Java, NumPy) |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    mem_by_t = {m["textTokens"]: m for m in memory}
    ok = []
    for r in numpy["results"]:
        params = tuple(sorted({"textTokens": str(r["textTokens"]), "samples": str(r["samples"]),
                               "blocks": str(r["blocks"]), "heads": str(r["heads"])}.items()))
        s = idx.get(("PostProcessBench", "scalar", "postProcess", params))
        p = idx.get(("PostProcessBench", "panama", "postProcess", params))
        if not (s and p):
            continue
        ratio_s = r["medianMs"] / s["score"]
        ratio_p = r["medianMs"] / p["score"]
        ok.append(ratio_p >= TARGET_NUMPY)
        jm = mem_by_t.get(r["textTokens"])
        java_side = f"{jm['sinks']} / {jm['kept']}" if jm else "?"
        agree = f"{java_side}, {r['sinks']} / {r['kept']}"
        w(f"| {r['textTokens']} | {r['samples']} | {r['heads']} | {r['samples'] * r['blocks']} | "
          f"{s['score']:.1f} \u00b1 {fmt_err(s['error'])} ms | {p['score']:.1f} \u00b1 {fmt_err(p['error'])} ms | "
          f"{r['medianMs']:.1f} ms | {ratio_s:.2f} | **{ratio_p:.2f}** | {'yes' if ratio_p >= TARGET_NUMPY else 'no'} "
          f"| {agree} |")
    w("")
    w(f"Target Java >= {TARGET_NUMPY}x NumPy met (vector kernels) in {sum(ok)} of {len(ok)} configurations.")
    w("")
    if cold:
        w("### The first call")
        w("")
        w(settings.replace(f"`{machine['jmhOptions']} -prof gc`", "`-bm ss -wi 0 -i 1 -f 5`"))
        w("")
        w("One post-processing call in a fresh JVM (single shot, no warm-up, 5 forks, mean): class loading and "
          "the interpreter and C1 stages are included. Until C2 compiles them, `jdk.incubator.vector` operations "
          "run as allocating Java objects, so the vector kernels pay more than the scalar ones here. NumPy's first "
          "call is its first timed run in a fresh process (data already generated).")
        w("")
        w("| T | samples | heads | Java scalar, first call | Java panama, first call | NumPy, first call |")
        w("|---|---|---|---|---|---|")
        cidx = index(cold)
        for r in numpy["results"]:
            params = tuple(sorted({"textTokens": str(r["textTokens"]), "samples": str(r["samples"]),
                                   "blocks": str(r["blocks"]), "heads": str(r["heads"])}.items()))
            s_ = cidx.get(("PostProcessBench", "scalar", "postProcess", params))
            p_ = cidx.get(("PostProcessBench", "panama", "postProcess", params))
            if s_ and p_:
                w(f"| {r['textTokens']} | {r['samples']} | {r['heads']} | {s_['score']:.0f} \u00b1 "
                  f"{fmt_err(s_['error'])} {s_['unit'].replace('/op', '')} | {p_['score']:.0f} \u00b1 "
                  f"{fmt_err(p_['error'])} {p_['unit'].replace('/op', '')} | {r.get('firstMs', float('nan')):.0f} ms |")
        w("")

    # ------------------------------------------------------------------------------------------------ allocation
    w("## Allocation per operation")
    w("")
    w(settings)
    w("")
    w("`gc.alloc.rate.norm` from `-prof gc`: bytes allocated per benchmark operation once warmed up. Target: "
      "nothing proportional to blocks x heads x tokens per call.")
    w("")
    w("| benchmark | params | impl | bytes/op |")
    w("|---|---|---|---|")
    for (cls, impl, method, params), r in sorted(idx.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][3], kv[0][1])):
        if r["alloc"] is None or method.endswith("Baseline") or cls == "ReadBaselineBench":
            continue
        shown = {k: v for k, v in r["params"].items() if k not in ("imageTokens", "gridSide")}
        label = ", ".join(f"{k}={v}" for k, v in sorted(shown.items()))
        w(f"| {cls}.{method} | {label} | {impl} | {fmt_bytes(r['alloc'])} ({r['alloc']:.0f}) |")
    w("")
    w(ALLOCATION_NOTES)
    w("")
    growth = []
    for t in ("256", "512"):
        for impl in ("scalar", "panama"):
            one = idx.get(("PostProcessBench", impl, "postProcess",
                           tuple(sorted({"textTokens": t, "samples": "1", "blocks": "12", "heads": "1"}.items()))))
            four = idx.get(("PostProcessBench", impl, "postProcess",
                            tuple(sorted({"textTokens": t, "samples": "4", "blocks": "12", "heads": "1"}.items()))))
            if one and four and one["alloc"] is not None and four["alloc"] is not None:
                per = (four["alloc"] - one["alloc"]) / 36
                growth.append(f"T = {t}, {impl}: {per / 1024:.1f} KiB per slice ({per / int(t):.0f} T bytes)")
    if growth:
        w("Per additional slice (samples 4 minus samples 1, divided by the 36 extra slices, heads = 1): "
          + "; ".join(growth) + ".")
        w("")

    # ------------------------------------------------------------------------------------------------ memory
    w("## Host memory of one grounding")
    w("")
    java = machine.get("java", "").splitlines()
    w(f"Machine as above; JDK: {java[1] if len(java) > 1 else java}; `java -Xms1g -Xmx8g -cp benchmarks.jar "
      "org.refam.bench.PeakMemory T SAMPLES BLOCKS HEADS GRID`, vector module not added (scalar kernels). "
      "Input = the slices an extractor hands over (every slice its own array); live before = heap after a full GC "
      "with the input loaded (includes the JVM's own few tens of MB); allocated in call = HotSpot's per-thread "
      "allocation counter across one post-processing call. Peak <= live before + allocated in call.")
    w("")
    w("| T | samples | blocks | heads | grid | image | input | live before | allocated in call | peak <= |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for m in memory:
        w(f"| {m['textTokens']} | {m['samples']} | {m['blocks']} | {m['heads']} | {m['gridSide']}x{m['gridSide']} "
          f"(N = {m['imageTokens']}) | {m['imageSide']} px | {fmt_bytes(m['inputBytes'])} | "
          f"{fmt_bytes(m['liveBeforeBytes'])} | {fmt_bytes(m['allocatedInCallBytes'])} | "
          f"{fmt_bytes(m['peakUpperBoundBytes'])} |")
    w("")
    small = next((m for m in memory if m["gridSide"] == 64 and m["samples"] == 1 and m["textTokens"] == 512), None)
    large = next((m for m in memory if m["gridSide"] == 128 and m["samples"] == 1 and m["textTokens"] == 512), None)
    if small and large:
        growth = large["allocatedInCallBytes"] / small["allocatedInCallBytes"]
        w(f"Scaling: with 4x the image tokens (64x64 -> 128x128 grid, 1024 -> 2048 px) the call allocates "
          f"{growth:.2f}x as much: linear in N (a buffer square in N would make it about 16x).")
        w("")
    one = next((m for m in memory if m["gridSide"] == 64 and m["samples"] == 1 and m["textTokens"] == 512), None)
    four = next((m for m in memory if m["gridSide"] == 64 and m["samples"] == 4 and m["textTokens"] == 512), None)
    if one and four:
        extra = ((four["liveBeforeBytes"] - four["inputBytes"]) - (one["liveBeforeBytes"] - one["inputBytes"])) / 36
        w(f"Live heap beyond the input grows by {fmt_bytes(extra)} per slice (T = 512, samples 4 against 1): G1 "
          "stores an array larger than half a region in whole regions (4 MiB regions at -Xmx8g), and an image-to-text "
          "slice of exactly 4 or 8 MiB plus its array header takes one more region. That is real heap an application "
          "must provide; an extractor that returned its slices in one array, or a region size that is not a divisor "
          "of the slice size, would avoid it.")
        w("")
    w(MEMORY_RULE)
    w("")

    # ------------------------------------------------------------------------------------------------ not measured
    w("## End to end on the tiny model")
    w("")
    w("Measured separately, Java against PyTorch eager on the same refam-tiny weights in the same session, with the "
      "time per grounding split by stage: [performance-e2e.md](performance-e2e.md), written by "
      "`tools/bench/e2e_compare.sh`.")
    w("")
    w("## GPU")
    w("")
    w("**Not yet measured.** No GPU was available in this session; this section will hold the extraction time "
      "on CUDA against CPU and the host-side share of a grounding.")
    w("")
    w("## Targets")
    w("")
    met = [m for m in KERNELS if verdicts.get((m, "panama")) and min(verdicts[(m, "panama")]) >= TARGET_BANDWIDTH]
    missed = [m for m in KERNELS if verdicts.get((m, "panama")) and m not in met]
    w(f"- Kernels >= {TARGET_BANDWIDTH} of the bandwidth baseline (vector kernels, every size): met by "
      f"{', '.join(f'`{m}`' for m in met) or 'none'}; missed (at least one size) by "
      f"{', '.join(f'`{m}`' for m in missed) or 'none'}.")
    w(f"- Post-processing Java >= {TARGET_NUMPY}x NumPy: met in {sum(ok)} of {len(ok)} configurations.")
    cidx = index(cold)
    first = [(cidx[k]["score"], cidx[(k[0], "scalar", k[2], k[3])]["score"]) for k in cidx
             if k[1] == "panama" and (k[0], "scalar", k[2], k[3]) in cidx]
    if first and all(p_ > s_ for p_, s_ in first):
        w("- The first call in a fresh JVM is slower with the vector kernels than with the scalar ones (table \"The "
          "first call\"): the incubating vector API is only fast once C2 has compiled it. For one-shot command-line "
          "use `-Drefam.kernels=scalar` (or leaving the module out) is the better choice; the vector kernels pay off "
          "in a long-running process.")
    w("- Allocation: the per-call buffers are proportional to tokens, not to blocks or heads; the sink handler's "
      "per-slice statistics are the one item that grows with blocks x tokens (see above).")
    w("- Host memory: nothing square in the token count (see above).")
    w("")
    w(TARGETS_NOTES)
    w("")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(L))


ALLOCATION_NOTES = """What is expected, per call:

- the kernels allocate nothing that grows with the input, except `upsampleBilinear`: its per-column and per-row
  index arrays, `3 (W + H)` words, plus two rows of W floats in the vector implementation. The vector
  `columnStatistics` allocates three arrays of at most 48 floats per call; the facade's `requireFinite` copies the
  shape and strides. The few hundred bytes per operation of the 24-head `headMean` are most likely JMH's
  per-iteration bookkeeping spread over few long operations (the kernel allocates nothing; the scalar fork shows
  them too);
- the post-processing allocates, as the pipeline does, two `N x T` float buffers (work and average; one when there
  is a single slice), one `T x T` buffer, the `N` grid and the image-size heat map: proportional to tokens but
  not to blocks or heads. On top of that, the sink handler allocates its statistics (five `double[T]` arrays) and
  a few small objects per slice, so that part grows with blocks x samples x T (see the per-slice figure below).
  It is small next to the buffers, but it is proportional to blocks x tokens; reusing the statistics arrays across
  the slices of one call (a workspace owned by the call) would remove it. `GlobalSinkHandler` is outside this
  branch's files, so it is reported here, not changed."""

MEMORY_RULE = """The rule: nothing square in the token count on the host. No buffer of `N x N`, `(N + T)^2` or
`heads x N x N` floats is ever built; the largest host buffers are `N x T` (the work matrix and the average), and the
attention itself arrives from the extractor as `[heads, N, T]` slices of image-to-text and `[heads, T, T]` slices of
text-to-text attention (method.md step 4: the exported graph slices `P[:, :, T:, :T]` and reduces heads before
anything reaches the host). What dominates a grounding is the extractor's output, `samples x blocks x heads x (N +
T) x T` floats, held until the call ends: 0.45 GiB for FLUX dev (T = 512) with 4 samples and 12 blocks of
head-mean attention, and 24 times that (10.8 GiB) with per-head attention, which is why the head mean belongs in
the exported graph (`keepHeads = false`, the default)."""

TARGETS_NOTES = """Why the kernels that miss the bandwidth target miss it, and what was tried (the
exploratory measurements behind "tried" were made on this machine while building the kernels and are not in the
tables above):

- `columnStatistics` does five floating-point operations per element (sum, square, share) plus a row sum and a
  widening to double on top of the read: it is bound by arithmetic on this CPU, not by memory. Tried: per-element
  widening to double lanes (the first version, about half as fast), blocks of 16 rows whose column sums stay in
  float registers and are folded into the double accumulators once per block (kept), fused multiply-add (no
  measurable gain, not kept: it is slow where the hardware lacks it), two dependency chains (no gain).
- `upsample` interpolates each grid row along x with gathers (64 x W scalar operations) and then writes W x H
  pixels as vector blends of two interpolated rows; the write-only stream also pays for the cache lines it
  allocates. Tried: the separable form (kept; bit-identical to the scalar per-pixel form, speed-up in the table
  above).
- `maskedSum` reads one 64-byte line per 1 KiB row and pays a horizontal sum per row; its baseline is a sequential
  read of those lines only. Tried: each row's span of kept columns as one 128-bit vector with a mask and a
  horizontal sum; it was no faster than the scalar gather, so the vector implementation delegates to the scalar
  one.
- `headMean` with 24 heads reads 24 regions 4 or 8 MiB apart. Tried: all heads of a row chunk summed in registers
  (24 concurrent streams; the first version) and blocks of rows with one head at a time (kept: the destination
  block stays in the first-level cache and each head is read in 16 KiB runs); block sizes from 16 KiB to the
  whole matrix made no difference beyond the noise.
- `argmax`, `nanCheck`, `renormalize`: four accumulators instead of one; for argmax 256-bit instead of 512-bit
  vectors (with JDK 17 on this CPU a 512-bit compare-into-mask and blend chain ran 3 to 7 times slower); for the
  NaN check an arithmetic test (`x - x` is NaN exactly for NaN and the infinities) instead of mask tests.

Why Java misses 2x NumPy where it does: the work is dominated by memory traffic on both sides. The heaviest
configurations stream the extractor's slices (up to 48 x 24 heads x 4096 x 512 floats) once, and NumPy's `sum` over
the head axis and BLAS `gemv` for the weighted column sums are bandwidth-bound operations too, so the two can only
differ by the passes each makes over the `N x T` matrices. Per slice the pipeline (mirrored by `PostProcessing`)
checks the slice, zero-fills the work matrix, adds the head mean into it, reads it for the sink statistics, moves
the sink's column and adds it into the average; NumPy makes about as many passes, with temporaries. One change in
the pipeline would remove a pass over the work matrix (outside this branch's files, left to its owner): writing
the head mean instead of zero-filling and adding (a "set" variant of the kernel).

The scalar kernels are what a JVM without `--add-modules jdk.incubator.vector` runs. Two of their loops are far from
the bandwidth and could be improved without the vector API (they belong to `ScalarKernels`, outside this branch's
files): the head mean (C2 does not vectorise `dst[d + c] += w * src[s + c]` with two unrelated offsets, while the
vector kernel runs the same float operations; see its speed-up above) and the bilinear upsampling (the separable
form of `PanamaKernels.bilinear` needs no vectors)."""


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--results", required=True, help="folder written by run_benchmarks.sh")
    p.add_argument("--out", required=True, help="Markdown file to write")
    write(p.parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
