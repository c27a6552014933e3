#!/usr/bin/env python3
"""PyTorch-eager reference for the end-to-end latency of one referring expression on refam-tiny.

Runs, per expression, the computation that refam-bench's ``EndToEndBench.ground`` runs in Java (RefAM with
``RefAMConfig.defaults()`` on the bundled refam-tiny model through ONNX Runtime), written the way a PyTorch user
would write it, eagerly, under ``torch.no_grad()``, from the same weights (the committed checkpoint
``tools/train/checkpoints``, the one ``models/refam-tiny`` was exported from):

1. tokenize the expression with the bundle's ``tokenizer.json`` vocabulary (lower case, whitespace split,
   punctuation isolated, ``</s>`` appended), append the five default magnets ``. with a the pink`` each with its
   own ``</s>``, pad with ``<pad>`` to the bundle's text length when its manifest says ``padding: max-length`` (unpadded for
   ``none``); no attention mask input (method.md 2.1, 2.4);
2. the 48 x 48 RGB bytes to ``[-1, 1]`` and ``patchify`` 4 x 4 (the bundle's image encoder);
3. the T5 encoder on the ids; seeded noise ``eps`` and ``x_t = 0.5 x0 + 0.5 eps`` (t = 0.5, one pass:
   ``SamplingOptions.DEFAULT``); one transformer forward that returns the head-mean image->text and text->text
   attention of every exported block (0-3) and the prediction, as the ONNX graph does;
4. the post-processing of RefAM's defaults on the manifest's default blocks: global-sink statistics (strength
   >= 4 uniform shares over image and text queries, coefficient of variation <= 0.5) and redirection of sink columns
   onto the magnets' end tokens, average over blocks, renormalisation over all text keys, the token filter (drop
   padding, special, magnet, sink, punctuation and stop-word tokens), the sum of the kept columns, bilinear
   upsampling of the 12 x 12 grid to 48 x 48, argmax, and the threshold mask (pixels >= 0.5 of the peak,
   4-connected to it; grown here by repeated cross-shaped max-pooling).

``--check REF.json`` (written by ``java -cp refam-bench/target/benchmarks.jar org.refam.bench.EndToEndReference``)
first proves the two sides compute the same thing: it compares the image bytes and token ids, then runs the
pipeline once with the Java backend's noise (``java.util.SplittableRandom`` seed 0 and its Box-Muller, ported
below) and compares the attention of every exported block, the grid heat map, the peak, the kept tokens, the
sinks and the mask size. The timed runs draw the noise with ``torch.randn`` and a seeded generator, as a PyTorch
user would; the draw costs the same.

Threads: ``--threads N`` sets ``OMP_NUM_THREADS`` and ``OPENBLAS_NUM_THREADS`` before torch is imported and calls
``torch.set_num_threads(N)``. Prints one JSON object (times in ms per expression) or writes it with ``--json``.

    /usr/bin/python3 tools/bench/e2e_pytorch.py --threads 1 --check /tmp/ref.json --json /tmp/torch-1.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import string
import sys
import time
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXPRESSION = "the red triangle"  # EndToEndWorkload.EXPRESSION
SIDE = 48  # EndToEndWorkload.SIDE, the bundle's image.size
MAGNETS = [".", "with", "a", "the", "pink"]  # MagnetRedistributor.DEFAULT_WORDS (paper's token-level figure)
TIMESTEP = 0.5  # SamplingOptions.DEFAULT
NOISE_SEED = 0  # SamplingOptions.DEFAULT
SINK_STRENGTH = 4.0  # GlobalSinkHandler.DEFAULT_STRENGTH
SINK_MAX_VARIATION = 0.5  # GlobalSinkHandler.DEFAULT_MAX_VARIATION
MASK_THRESHOLD = 0.5  # RefAMConfig default maskThreshold
PAD, EOS = "<pad>", "</s>"


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    ap.add_argument("--bundle", default=os.path.join(ROOT, "models/refam-tiny"))
    ap.add_argument("--checkpoint", default=os.path.join(ROOT, "tools/train/checkpoints"))
    ap.add_argument("--check", metavar="REF.json", help="compare with the Java pipeline's output first")
    ap.add_argument("--warmup-s", type=float, default=5.0, help="warm-up seconds (default 5)")
    ap.add_argument("--measure-s", type=float, default=10.0, help="measured seconds (default 10)")
    ap.add_argument("--json", help="write the result here instead of printing it")
    return ap.parse_args(argv)


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None:
    # before torch (and its OpenMP / OpenBLAS) is loaded
    os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)
    os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "tools"))
from refam_tools import flux, patchify, t5  # noqa: E402
from refam_tools.stop_words import STOP_WORDS  # noqa: E402


# ------------------------------------------------------------------------------------------------ input


def scene() -> np.ndarray:
    """EndToEndWorkload.image(): the same integer rules, uint8 [48, 48, 3]."""
    y, x = np.mgrid[0:SIDE, 0:SIDE]
    img = np.empty((SIDE, SIDE, 3), np.int64)
    img[..., 0] = 180 + 20 * x // 47
    img[..., 1] = 180 + 20 * y // 47
    img[..., 2] = 200
    img[(y >= 6) & (y <= 20) & (np.abs(x - 12) * 2 <= y - 6)] = (220, 30, 30)
    img[(x - 34) ** 2 + (y - 14) ** 2 <= 49] = (30, 60, 220)
    img[(x >= 18) & (x <= 29) & (y >= 30) & (y <= 41)] = (40, 180, 60)
    return img.astype(np.uint8)


def is_punctuation(c: str) -> bool:
    """Hugging Face ``Punctuation`` pre-tokenizer test: ASCII punctuation or a Unicode P* category."""
    return c in string.punctuation or unicodedata.category(c).startswith("P")


class Prompter:
    """The bundle's WordLevel tokenizer plus RefAM's prompt layout (expression, magnets, padding) and token filter."""

    def __init__(self, tokenizer_json: str, length: int, padded: bool = True):
        with open(tokenizer_json, "r", encoding="utf-8") as f:
            model = json.load(f)["model"]
        self.vocab = dict(model["vocab"])
        self.unk = self.vocab[model.get("unk_token", "<unk>")]
        self.length = length
        self.padded = padded

    def segment(self, text: str):
        """[(id, piece, whitespace word)] of one segment, then ``(</s>, </s>, None)``."""
        out = []
        for word in text.lower().split():
            run = ""
            for c in word:
                if is_punctuation(c):
                    if run:
                        out.append((self.vocab.get(run, self.unk), run, word))
                        run = ""
                    out.append((self.vocab.get(c, self.unk), c, word))
                else:
                    run += c
            if run:
                out.append((self.vocab.get(run, self.unk), run, word))
        return out + [(self.vocab[EOS], EOS, None)]

    def prompt(self, expression: str):
        """``(ids [T], kept, targets)``: kept are the positions of the expression's tokens that DefaultTokenFilter
        keeps before sinks are known (not special, not punctuation, whitespace word not a stop word); targets are
        the magnets' end tokens, where GlobalSinkHandler redirects sink columns."""
        ids, kept, targets = [], [], []
        for s, text in enumerate([expression] + MAGNETS):
            for tid, piece, word in self.segment(text):
                if word is None:
                    if s > 0:
                        targets.append(len(ids))
                elif s == 0 and any(c.isalnum() for c in piece) and strip_word(word) not in STOP_WORDS:
                    kept.append(len(ids))
                ids.append(tid)
        if len(ids) > self.length:
            raise ValueError(f"'{expression}' with magnets has {len(ids)} tokens; the model takes {self.length}")
        if not self.padded:
            return ids, kept, targets
        return ids + [self.vocab[PAD]] * (self.length - len(ids)), kept, targets


def strip_word(word: str) -> str:
    """StopWords.normalize: lower case without leading and trailing non-alphanumeric characters."""
    w = word.lower()
    a, b = 0, len(w)
    while a < b and not w[a].isalnum():
        a += 1
    while b > a and not w[b - 1].isalnum():
        b -= 1
    return w[a:b]


def java_noise(seed: int, count: int) -> np.ndarray:
    """``GaussianNoise.fill`` of refam-onnx: ``java.util.SplittableRandom(seed)`` (SplitMix64: seed += golden gamma,
    mix64, ``nextDouble = (nextLong >>> 11) * 2^-53``) and Box-Muller ``sqrt(-2 ln(1 - u1)) (cos, sin)(2 pi u2)``."""
    gamma = np.uint64(0x9E3779B97F4A7C15)
    pairs = (count + 1) // 2
    with np.errstate(over="ignore"):
        z = (np.uint64(seed) + gamma * np.arange(1, 2 * pairs + 1, dtype=np.uint64)).astype(np.uint64)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    u = (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
    r = np.sqrt(-2.0 * np.log(1.0 - u[0::2]))
    phi = 2.0 * np.pi * u[1::2]
    out = np.empty(2 * pairs, np.float64)
    out[0::2] = r * np.cos(phi)
    out[1::2] = r * np.sin(phi)
    return out[:count].astype(np.float32)


# ------------------------------------------------------------------------------------------------ pipeline


class Pipeline:
    """The model and RefAM's default post-processing in PyTorch; ``ground`` is one expression."""

    def __init__(self, bundle: str, checkpoint: str):
        m = json.load(open(os.path.join(bundle, "manifest.json"), encoding="utf-8"))
        tr = m["transformer"]
        self.length = tr["textLength"]
        self.patch = m["imageEncoder"]["patchSize"]
        self.exported = tuple(tr["attention"]["blocks"])
        self.rows = [self.exported.index(b) for b in tr["attention"]["defaultBlocks"]]
        self.default_blocks = tr["attention"]["defaultBlocks"]
        self.padded = m["textEncoder"].get("padding", "max-length") == "max-length"
        self.prompter = Prompter(os.path.join(bundle, "tokenizer.json"), self.length, self.padded)
        fp = flux.params_from_json(json.load(open(os.path.join(checkpoint, "flux-config.json"), encoding="utf-8")))
        self.flux = flux.load(fp, os.path.join(checkpoint, "transformer.safetensors"))
        self.t5 = t5.load(t5.T5Config(**json.load(open(os.path.join(checkpoint, "t5-config.json"), encoding="utf-8"))),
                          os.path.join(checkpoint, "text_encoder.safetensors"))
        self.capture = flux.AttentionCapture(self.exported, per_head=False, text_to_text=True)
        grid = SIDE // self.patch
        self.grid = grid
        # constant inputs, built once as the Java backend builds them once per workspace
        self.img_ids = flux.image_ids(grid, grid)
        self.txt_ids = flux.text_ids(self.length)
        self.t = torch.tensor([TIMESTEP])
        self.y = torch.zeros(1, fp.vec_in_dim)
        self.generator = torch.Generator()
        bundle_step = json.load(open(os.path.join(bundle, "training.json"), encoding="utf-8")).get("step")
        ckpt_step = json.load(open(os.path.join(checkpoint, "checkpoint.json"), encoding="utf-8")).get("step")
        self.step = ckpt_step
        if bundle_step != ckpt_step:
            print(f"warning: bundle step {bundle_step} != checkpoint step {ckpt_step}", file=sys.stderr)

    def model(self, image: np.ndarray, expression: str, eps: torch.Tensor = None, stages: dict = None):
        """Tokens, encoders, noise and the transformer: ``(prompt, img2txt [L, N, T], txt2txt [L, T, T], output)``
        with the attention of the default blocks. ``stages`` (optional) accumulates seconds per stage."""
        clock = time.perf_counter() if stages is not None else 0.0

        def lap(name):
            nonlocal clock
            if stages is not None:
                now = time.perf_counter()
                stages[name] = stages.get(name, 0.0) + now - clock
                clock = now

        ids, kept, targets = self.prompter.prompt(expression)
        lap("tokenize")
        pixels = torch.from_numpy(image).permute(2, 0, 1).unsqueeze(0).float() / 127.5 - 1.0
        x0 = patchify.pack(pixels, self.patch)
        lap("imageEncoder")
        txt = self.t5(torch.tensor([ids], dtype=torch.int64))
        lap("textEncoder")
        if eps is None:
            self.generator.manual_seed(NOISE_SEED)
            eps = torch.randn(x0.shape, generator=self.generator)
        xt = (1.0 - TIMESTEP) * x0 + TIMESTEP * eps
        txt_ids = self.txt_ids if len(ids) == self.length else flux.text_ids(len(ids))
        out = self.flux(xt, self.img_ids, txt, txt_ids, self.t, self.y, capture=self.capture)
        lap("transformer")
        return (ids, kept, targets), out.img2txt[0, self.rows], out.txt2txt[0, self.rows], out

    def post(self, prompt, i2t: torch.Tensor, t2t: torch.Tensor):
        """RefAM's defaults on ``[L, N, T]`` / ``[L, T, T]``: ``(grid [gh, gw], up [H, W], peak (x, y), score, mask,
        kept, sinks)``."""
        ids, kept, targets = prompt
        n, t = i2t.shape[1], i2t.shape[2]
        acc = torch.zeros(n, t)
        sinks = set()
        for b in range(i2t.shape[0]):
            a, tx = i2t[b].clone(), t2t[b].clone()
            # global sinks (GlobalSinkHandler): share of every image and text query row, mean and CV of the image map
            rs = a.sum(1, keepdim=True)
            share = (a * torch.where(rs > 0, 1.0 / rs, torch.zeros_like(rs))).sum(0, dtype=torch.float64)
            ts = tx.sum(1, keepdim=True)
            share += (tx * torch.where(ts > 0, 1.0 / ts, torch.zeros_like(ts))).sum(0, dtype=torch.float64)
            strength = share / (n + t) * t
            mean = a.sum(0, dtype=torch.float64) / n
            var = ((a.double() ** 2).sum(0) / n - mean ** 2).clamp_min(0)
            found = (strength >= SINK_STRENGTH) & (mean > 0) & (var.sqrt() <= SINK_MAX_VARIATION * mean)
            cols = found.nonzero().flatten().tolist()
            if cols:
                sinks.update(cols)
                to = [j for j in targets if j not in cols]
                if to:  # REDIRECT onto the magnets' end tokens, else SUPPRESS
                    for m in (a, tx):
                        moved = m[:, cols].sum(1, keepdim=True) / len(to)
                        m[:, cols] = 0
                        m[:, to] += moved
                else:
                    a[:, cols] = 0
                    tx[:, cols] = 0
            acc += a / i2t.shape[0]
        s = acc.sum(1, keepdim=True)  # renormalisation after the average, over all text keys
        acc = torch.where(s > 0, acc / s, acc)
        keep = [j for j in kept if j not in sinks]
        if not keep:
            raise ValueError(f"all tokens of the expression were filtered (sinks {sorted(sinks)})")
        grid = acc[:, keep].sum(1).reshape(1, 1, self.grid, self.grid)
        up = F.interpolate(grid, size=(SIDE, SIDE), mode="bilinear", align_corners=False)[0, 0]
        peak = int(up.argmax())
        score = up.reshape(-1)[peak]
        py, px = divmod(peak, SIDE)
        above = (up >= MASK_THRESHOLD * score).float()[None, None]
        mask = torch.zeros_like(above)
        mask[0, 0, py, px] = 1.0
        if score > 0:
            while True:
                grown = torch.maximum(F.max_pool2d(mask, (3, 1), 1, (1, 0)), F.max_pool2d(mask, (1, 3), 1, (0, 1)))
                grown = grown * above
                if torch.equal(grown, mask):
                    break
                mask = grown
        return grid[0, 0], up, (px, py), float(score), mask[0, 0] > 0, keep, sorted(sinks)

    def ground(self, image: np.ndarray, expression: str):
        prompt, i2t, t2t, _ = self.model(image, expression)
        return self.post(prompt, i2t, t2t)


# ------------------------------------------------------------------------------------------------ check, time


def check(p: Pipeline, image: np.ndarray, ref_path: str) -> dict:
    """Compares with the Java pipeline's output (EndToEndReference); raises on a mismatch."""
    ref = json.load(open(ref_path, encoding="utf-8"))
    problems = []
    if ref["expression"] != EXPRESSION:
        problems.append(f"expression {ref['expression']!r} != {EXPRESSION!r}")
    if not np.array_equal(np.array(ref["rgb"], np.uint8).reshape(SIDE, SIDE, 3), image):
        problems.append("the images differ")
    ids, kept, targets = p.prompter.prompt(EXPRESSION)
    if ref["ids"] != ids:
        problems.append(f"token ids differ: java {ref['ids']} vs {ids}")
    if list(ref["blocks"]) != list(p.exported) or list(ref["defaultBlocks"]) != list(p.default_blocks):
        problems.append(f"blocks differ: java {ref['blocks']} / {ref['defaultBlocks']}")
    n = (SIDE // p.patch) ** 2
    eps = torch.from_numpy(java_noise(NOISE_SEED, n * 3 * p.patch ** 2)).reshape(1, n, -1)
    with torch.no_grad():
        prompt, _, _, out = p.model(image, EXPRESSION, eps)
        i2t_all, t2t_all = out.img2txt[0], out.txt2txt[0]
        grid, up, peak, score, mask, keep, sinks = p.post(prompt, i2t_all[p.rows], t2t_all[p.rows])
    j_i2t = torch.tensor(ref["img2txt"]).reshape(len(ref["blocks"]), n, -1)
    j_t2t = torch.tensor(ref["txt2txt"]).reshape(len(ref["blocks"]), len(ids), len(ids))
    d_i2t = float((j_i2t - i2t_all).abs().max())
    d_t2t = float((j_t2t - t2t_all).abs().max())
    j_grid = torch.tensor(ref["grid"]).reshape(grid.shape)
    d_grid = float((j_grid - grid).abs().max() / j_grid.abs().max())
    tol = 1e-4
    if d_i2t > tol or d_t2t > tol:
        problems.append(f"attention differs: image->text {d_i2t:.2e}, text->text {d_t2t:.2e} (tolerance {tol})")
    if d_grid > tol:
        problems.append(f"grid heat map differs by {d_grid:.2e} of its maximum")
    if list(ref["peak"]) != list(peak):
        problems.append(f"peak: java {ref['peak']} vs torch {list(peak)}")
    if list(ref["kept"]) != keep or list(ref["sinks"]) != sinks:
        problems.append(f"kept/sinks: java {ref['kept']}/{ref['sinks']} vs torch {keep}/{sinks}")
    if int(ref["maskPixels"]) != int(mask.sum()):
        problems.append(f"mask: java {ref['maskPixels']} pixels vs torch {int(mask.sum())}")
    result = {"maxAbsDiffImg2Txt": d_i2t, "maxAbsDiffTxt2Txt": d_t2t, "gridRelDiff": d_grid, "peak": list(peak),
              "javaPeak": ref["peak"], "peakScore": score, "javaPeakScore": ref["peakScore"], "kept": keep,
              "sinks": sinks, "maskPixels": int(mask.sum()), "provider": ref["provider"], "ok": not problems}
    if problems:
        raise SystemExit("PyTorch and Java disagree:\n  " + "\n  ".join(problems) + f"\n{json.dumps(result)}")
    return result


def timed(fn, warmup_s: float, measure_s: float):
    """Calls ``fn`` for ``warmup_s`` seconds, then times each call for ``measure_s`` seconds; ms per call."""
    end = time.perf_counter() + warmup_s
    while time.perf_counter() < end:
        fn()
    times = []
    end = time.perf_counter() + measure_s
    while time.perf_counter() < end:
        t0 = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - t0) / 1e6)
    q = statistics.quantiles(times, n=20)
    return {"calls": len(times), "mean": statistics.fmean(times), "median": statistics.median(times),
            "p05": q[0], "p95": q[-1], "min": min(times),
            "stdev": statistics.stdev(times) if len(times) > 1 else 0.0}


def main() -> int:
    args = ARGS
    torch.set_num_threads(args.threads)
    image = scene()
    p = Pipeline(args.bundle, args.checkpoint)
    out = {"torch": torch.__version__, "numpy": np.__version__, "python": platform.python_version(),
           "threads": torch.get_num_threads(), "interopThreads": torch.get_num_interop_threads(),
           "env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE")},
           "checkpointStep": p.step, "expression": EXPRESSION, "loadAverageStart": os.getloadavg()}
    if args.check:
        out["check"] = check(p, image, args.check)
    with torch.no_grad():
        r = p.ground(image, EXPRESSION)
        out["peak"] = list(r[2])
        out["ground"] = timed(lambda: p.ground(image, EXPRESSION), args.warmup_s, args.measure_s)
        out["model"] = timed(lambda: p.model(image, EXPRESSION), args.warmup_s / 2, args.measure_s / 2)
        prompt, i2t, t2t, _ = p.model(image, EXPRESSION)
        out["post"] = timed(lambda: p.post(prompt, i2t, t2t), args.warmup_s / 2, args.measure_s / 2)
        stages, calls = {}, max(1, out["ground"]["calls"] // 2)
        for _ in range(calls):
            prompt, i2t, t2t, _ = p.model(image, EXPRESSION, stages=stages)
            t0 = time.perf_counter()
            p.post(prompt, i2t, t2t)
            stages["post"] = stages.get("post", 0.0) + time.perf_counter() - t0
        out["stages"] = {"calls": calls, **{k: v * 1e3 / calls for k, v in stages.items()}}
        from torch.profiler import profile
        with profile(with_flops=True) as prof:
            prompt, i2t, t2t, _ = p.model(image, EXPRESSION)
        with profile() as prof_post:
            p.post(prompt, i2t, t2t)
        # ATen operator calls per expression, nested ones included: eager dispatch is paid per call
        out["atenCalls"] = {"model": len(prof.events()), "post": len(prof_post.events())}
        # floating-point operations the profiler counts (matrix products and element-wise multiply/add)
        out["modelGflop"] = sum(e.flops for e in prof.key_averages()) / 1e9
    out["loadAverageEnd"] = os.getloadavg()
    text = json.dumps(out, indent=1)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
