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
    w("Java: `PostProcessBench` runs the pipeline itself, `org.refam.core.RefAM.ground` with its default "
      "configuration, on an extractor that replays precomputed slices (`PostProcessing`): per slice the head mean "
      "of image-to-text attention written into the work matrix and checked for NaN and infinities (the input is "
      "scanned only when the mean fails), the check and head mean of text-to-text attention, sink statistics and "
      "redirection (`GlobalSinkHandler.standard()`), weighted add; then renormalisation over all text keys, token "
      "filter, masked sum, upsampling to 1024 x 1024, argmax. The scratch buffers come from the pipeline's pool "
      "(reused once warmed up). NumPy: the same maths with whole-array operations (`postprocess_numpy.py`, the "
      "same finiteness checks). Both exclude the model and the mask (Java tokenizes the expression, a few "
      "microseconds; its mask comes from a segmenter that returns a prepared mask). heads = 1: the "
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
    streams = attention_streams(numpy, idx)
    if streams:
        w(streams)
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
                growth.append(f"T = {t}, {impl}: {per / 1024:.1f} KiB per slice")
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
    w("- Allocation: " + allocation_verdict(idx))
    w("- Host memory: nothing square in the token count (see above).")
    w("")
    w(TARGETS_NOTES)
    w("")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(L))


ALLOCATION_NOTES = """What is expected, per call:

- the kernels allocate nothing that grows with the input, except `upsampleBilinear`: its per-column and per-row
  index arrays, `3 (W + H)` words, and two rows of W floats (both implementations are separable). The vector
  `columnStatistics` allocates three arrays of at most 64 floats or doubles per call (about 1 KiB); the facade's
  `requireFinite` copies the shape and strides. The few hundred bytes per operation of the 24-head `headMean` are
  most likely JMH's per-iteration bookkeeping spread over few long operations (the kernel allocates nothing; the
  scalar fork shows them too);
- the post-processing (`RefAM`) takes its scratch buffers (two `N x T` float buffers, a third with per-head
  renormalisation, one `T x T`) from a pool that keeps them between calls, each grown to the largest shape seen
  (`RefAM.releaseBuffers()` drops the idle ones), and `GlobalSinkHandler` keeps its statistics accumulators (five
  `double[T]`) per thread. What a warmed-up call still allocates is what it returns, the `N` grid and the
  image-size heat map (4 MiB at 1024 x 1024: the caller keeps it, so it cannot come from a pool), plus per slice a
  few small objects (the sink workspace and report, the column-statistics blocks, the NaN check's shape copies) that
  depend neither on T nor on the heads.
  Where the vector fork allocates several MiB more than the scalar one (24 heads, samples 4: operations of 0.3 to
  0.8 s, so only a handful per one-second warm-up iteration), that is warm-up: until C2 has compiled every vector
  method, vector operations run as Java objects. A rerun of `PostProcessBench.Panama` (heads 24, samples 4,
  T = 512) with `-wi 10` instead of 3 allocated 12.5 MB in its first measured iteration and 4.5 MB (4520940 B) in
  the next two, the figure of the scalar fork.

Before the buffer reuse (the same benchmark on the pipeline of commit 7105578, vector kernels, heads = 1,
`-f 1 -wi 3 -i 3 -w 1s -r 1s -prof gc`, measured once on this machine): 12.5 MiB (T = 256) and 21.5 MiB (T = 512)
per call with 12 slices, 13.1 MiB and 22.5 MiB with 48, so each further slice allocated 17.2 KiB at T = 256 and
29.3 KiB at T = 512 (the sink statistics, growing with blocks x tokens), and every call two fresh `N x T` buffers."""

MEMORY_RULE = """The rule: nothing square in the token count on the host. No buffer of `N x N`, `(N + T)^2` or
`heads x N x N` floats is ever built; the largest host buffers are `N x T` (the work matrix and the average), and the
attention itself arrives from the extractor as `[heads, N, T]` slices of image-to-text and `[heads, T, T]` slices of
text-to-text attention (method.md step 4: the exported graph slices `P[:, :, T:, :T]` and reduces heads before
anything reaches the host). What dominates a grounding is the extractor's output, `samples x blocks x heads x (N +
T) x T` floats, held until the call ends: 0.45 GiB for FLUX dev (T = 512) with 4 samples and 12 blocks of
head-mean attention, and 24 times that (10.8 GiB) with per-head attention, which is why the head mean belongs in
the exported graph (`keepHeads = false`, the default)."""

TARGETS_NOTES = """Why the kernels that miss the bandwidth target miss it, and what was tried (the
exploratory measurements behind "tried" were made on this machine, with other work on the second core, while
changing the kernels, and are not in the tables above):

- `headMean` with 24 heads: four heads per pass over a block of rows, summed in registers, so the destination block
  (16 KiB, first-level cache) is loaded and stored once per four heads instead of once per head, and four
  contiguous streams are read at a time (before: one head at a time, ratio 0.30 to 0.50 in the previous report).
  With JDK 17 the vector code must be straight-line per vector: a version that looped over a variable number of
  heads, or chose the first term with a conditional, kept its vectors in registers in the isolated benchmark but
  boxed them inside the pipeline (2 GB allocated per call, twice slower); the allocation of `PostProcessBench` is
  the check. The pipeline also writes the head mean (`AttentionKernels.headMean`) instead of zero-filling the work
  matrix and adding into it, and checks the `N x T` mean for NaN and infinities instead of the `[H, N, T]` input
  (the input is scanned only when the mean fails, to name the bad value): two passes less per slice.
- `columnStatistics` does per element a row-sum add, a column-sum add and two multiply-adds, plus a horizontal sum
  per row: bound by arithmetic on this CPU, not by memory. Now: blocks of 64 rows, first their row sums, then two
  column chunks at a time (six independent chains), fused multiply-add where HotSpot compiles it to one instruction
  (`-XX:+UseFMA`); about a fifth faster than the previous blocks of 16 rows in the exploratory runs. Tried: four
  chunks at a time (twelve accumulators; about four times slower with JDK 17's C2), a tree of pairwise adds instead
  of `reduceLanes` for the row sums (JDK 17 adds float lanes one after the other; no difference beyond the noise),
  no row sums at all (to measure: the column sums alone take about two thirds of the time).
- `upsample` is separable in both implementations: each grid row is interpolated along x once (vector gathers in
  `panama`), then every output row is a blend of two of them; bit-identical to interpolating each pixel. The output
  is written, not read: each written line is first fetched (read for ownership), so the kernel moves about twice the
  bytes the table counts against a read-only baseline. Tried: 256-bit vectors for the blend (several times slower:
  with JDK 17, mixing 256- and 512-bit species in one loop).
- `maskedSum` now sums four rows at a time (four independent chains of adds; a row's sum over the kept columns is
  one chain), the same operations per row. It touches one line per 1 or 2 KiB row spread over the whole `N x T`
  matrix (served from the last-level cache), while its baseline reads the same number of bytes contiguously (272
  KiB, from the second-level cache): a gap a gather cannot close. A vector version (each row's span of kept columns
  as one masked vector) was no faster, so `panama` delegates to the scalar loop.
- `renormalize`: the tail of each row's sum after the vector loop (15 columns at T = 207) is summed in four chains
  instead of one chain of double adds.
- `argmax`, `nanCheck`: four accumulators instead of one; for argmax 256-bit instead of 512-bit vectors (with JDK 17
  on this CPU a 512-bit compare-into-mask and blend chain ran 3 to 7 times slower); for the NaN check an arithmetic
  test (`x - x` is NaN exactly for NaN and the infinities) instead of mask tests.

Java against NumPy: both sides are dominated by memory traffic in the 24-head configurations (the extractor's slices,
up to 48 x 24 heads x 4096 x 512 floats, are streamed once), so the ratio there is the number of passes each makes.
Per slice the pipeline now reads the `[H, N, T]` attention once (the head mean; the NaN check runs on the mean) and
the `N x T` work matrix a few times in cache-sized blocks (sink statistics, the sink's column, the weighted add);
NumPy, with the same checks, also reads the attention once (its sum over the head axis) and makes its passes over
the mean with whole-array temporaries (BLAS `gemv` for the weighted column sums).

The scalar kernels are what a JVM without `--add-modules jdk.incubator.vector` runs. The upsampling is now
separable there too (the plain blend loop is vectorised by C2); the head mean is still far from the bandwidth (C2
does not vectorise `dst[d + c] += w * src[s + c]` with two unrelated offsets, while the vector kernel runs the same
float operations; see its speed-up above)."""


def attention_streams(numpy, idx):
    """How fast the 24-head configurations stream the extractor's attention, against the largest sequential read."""
    java, py = [], []
    for r in numpy["results"]:
        if int(r["heads"]) == 1:
            continue
        params = tuple(sorted({"textTokens": str(r["textTokens"]), "samples": str(r["samples"]),
                               "blocks": str(r["blocks"]), "heads": str(r["heads"])}.items()))
        p = idx.get(("PostProcessBench", "panama", "postProcess", params))
        if not p:
            continue
        t = int(r["textTokens"])
        attention = 4.0 * r["samples"] * r["blocks"] * int(r["heads"]) * (4096 + t) * t
        java.append(attention / seconds(p["score"], p["unit"]) / 1e9)
        py.append(attention / (r["medianMs"] / 1e3) / 1e9)
    reads = [b / seconds(r["score"], r["unit"]) / 1e9 for (cls, _, method, params), r in idx.items()
             if cls == "ReadBaselineBench" and method == "vectorFloatSum"
             for b in [int(dict(params)["bytes"])] if b >= 64 << 20]
    if not java:
        return ""
    text = (f"In the 24-head configurations the attention alone (samples x 12 blocks x 24 heads x (N + T) x T floats, "
            f"each read once by both) streams at {min(java):.1f} to {max(java):.1f} GB/s in Java (vector kernels) and "
            f"{min(py):.1f} to {max(py):.1f} GB/s in NumPy")
    if reads:
        text += f"; a plain sequential read of 100 MiB ran at {max(reads):.1f} GB/s in this run (calibration above)"
    return text + (". Both are bound by the memory bandwidth there, so twice NumPy's speed would need a read faster "
                   "than the machine's.")


def allocation_verdict(idx):
    """One sentence on the allocation target from the PostProcessBench rows."""
    def figures(impl):
        def alloc(t, samples, heads):
            r = idx.get(("PostProcessBench", impl, "postProcess", tuple(sorted(
                {"textTokens": t, "samples": samples, "blocks": "12", "heads": heads}.items()))))
            return None if r is None else r["alloc"]
        cells = {(t, s_, h): alloc(t, s_, h) for t in ("256", "512") for s_ in ("1", "4") for h in ("1", "24")}
        if any(v is None for v in cells.values()):
            return None
        per_slice = {t: (cells[(t, "4", "1")] - cells[(t, "1", "1")]) / 36 for t in ("256", "512")}
        heads_extra = max(cells[(t, s_, "24")] - cells[(t, s_, "1")] for t in ("256", "512") for s_ in ("1", "4"))
        # proportional to tokens would show as a per-slice figure that grows by a float or more per extra text key;
        # proportional to heads as a 24-head call that allocates more than a 1-head one
        met = per_slice["512"] - per_slice["256"] < 4 * 256 and heads_extra < 64 * 1024
        text = (f"a call allocates {fmt_bytes(cells[('256', '1', '1')])} (T = 256) or "
                f"{fmt_bytes(cells[('512', '1', '1')])} (T = 512) with 12 slices, almost all of it the image-size "
                f"heat map it returns; each further slice adds {per_slice['256'] / 1024:.1f} KiB at T = 256 and "
                f"{per_slice['512'] / 1024:.1f} KiB at T = 512 (small objects, not growing with T), and 24 heads "
                f"instead of 1 add at most {fmt_bytes(max(0, heads_extra))} per call")
        return met, text, heads_extra
    scalar, panama = figures("scalar"), figures("panama")
    if scalar is None or panama is None:
        return "not measured in this run."
    if scalar[0] and panama[0]:
        return f"met (vector kernels): {panama[1]}."
    if scalar[0]:
        return (f"met once warmed up (scalar kernels: {scalar[1]}); the vector fork allocated up to "
                f"{fmt_bytes(panama[2])} more per call in the 24-head rows, warm-up left in JMH's short runs (see "
                f"\"Allocation per operation\").")
    return f"missed (scalar kernels: {scalar[1]})."


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--results", required=True, help="folder written by run_benchmarks.sh")
    p.add_argument("--out", required=True, help="Markdown file to write")
    write(p.parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
