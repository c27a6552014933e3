"""Trains refam-tiny: a small FLUX-architecture DiT and a tiny T5-style text encoder on RefShapes, on one CPU core.

Recipe (docs/training.md): x-prediction (the transformer outputs the clean image tokens ``x0_hat``; the loss is
the mean squared error of the velocity ``v_hat = (x_t - x0_hat) / max(t, 0.05)`` against ``v = eps - x0``),
rectified flow ``x_t = (1 - t) x0 + t eps`` with ``t = sigmoid(N(0.8, 1))``, the patchify image encoder (pixels in
[-1, 1], 4x4 patches: 48 values per token, below the width 96), a learned absolute 2D position table beside RoPE
(``FluxParams.abs_pos_embed``), padding masked as keys in the encoder and the transformer when the config's
``maskPads`` is true (the bundle then runs prompts unpadded, which is the same computation), ``y`` = zeros (the bundle's ``pooledText.source`` is ``zeros``), AdamW 1e-3, batch 64, an EMA of
the weights that is what gets exported.

Texts per sample: one of the scene's training captions (55%; the generator makes a quarter of them describe a
subset of the objects; with probability ``cellFreeCaptionShare`` its grid-cell phrases are removed, so that the
words can only be bound to the objects by what they look like) or one of its referring expressions (45%); with probability 0.25, 1..5 filler pieces
(a word that carries no scene content, each followed by ``</s>``) are appended, so that the encoder sees prompts
shaped like the pipeline's magnet prompts (method.md 2.1).

Run from the repository root (see docs/training.md)::

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 tools/train/train_tiny.py \\
        --config tools/train/config-tiny.json --run tools/runs/tiny --log tools/train/train-log-tiny.txt

It resumes from ``RUN/state.pt`` (weights, EMA, optimizer, step, RNG) when present, else from the committed
weights-only checkpoint ``tools/train/checkpoints`` when ``--init-from`` names it, else starts fresh.
``--bench N`` times N steps and exits; ``--probe-only`` prints the gates and the point-accuracy probe and exits.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import random
import re
import shutil
import signal
import string
import sys
import time
import unicodedata
from typing import Dict, List, Optional, Sequence, Tuple

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import Tensor, nn  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

from refam_tools import flux, patchify, safetensors_io, t5  # noqa: E402
from refam_tools.stop_words import STOP_WORDS  # noqa: E402

torch.set_num_threads(1)

PAD_ID = 0
EOS_ID = 1


# ------------------------------------------------------------------------------------------------ tokenizer


def is_punctuation(c: str) -> bool:
    """HuggingFace ``Punctuation`` pre-tokenizer test: ASCII punctuation or a Unicode ``P*`` category."""
    return c in string.punctuation or unicodedata.category(c).startswith("P")


class WordTokenizer:
    """The RefShapes ``tokenizer.json`` (WordLevel, Lowercase, WhitespaceSplit + isolated Punctuation, ``</s>``
    appended) without the ``tokenizers`` package."""

    def __init__(self, path: str):
        with open(path, "r", encoding="utf-8") as f:
            raw = json.load(f)
        model = raw["model"]
        if model.get("type") != "WordLevel":
            raise ValueError(f"{path}: expected a WordLevel model, got {model.get('type')}")
        self.vocab: Dict[str, int] = dict(model["vocab"])
        self.unk = self.vocab[model.get("unk_token", "<unk>")]
        self.words = {i: w for w, i in self.vocab.items()}
        if self.vocab.get("<pad>") != PAD_ID or self.vocab.get("</s>") != EOS_ID:
            raise ValueError(f"{path}: <pad> must be {PAD_ID} and </s> {EOS_ID}")

    @staticmethod
    def split(text: str) -> List[str]:
        out: List[str] = []
        for word in text.lower().split():
            run = ""
            for c in word:
                if is_punctuation(c):
                    if run:
                        out.append(run)
                        run = ""
                    out.append(c)
                else:
                    run += c
            if run:
                out.append(run)
        return out

    def encode(self, text: str, eos: bool = True) -> List[int]:
        ids = [self.vocab.get(w, self.unk) for w in self.split(text)]
        return ids + [EOS_ID] if eos else ids

    def is_content(self, token_id: int) -> bool:
        """The pipeline's default filter keeps this token: not special, not punctuation, not a stop word."""
        w = self.words.get(token_id, "")
        if token_id <= 2 or not w or all(is_punctuation(c) for c in w):
            return False
        return w not in STOP_WORDS


def pad_ids(ids: Sequence[int], length: int) -> List[int]:
    ids = list(ids)[:length]
    return ids + [PAD_ID] * (length - len(ids))


# ------------------------------------------------------------------------------------------------ data


def load_split(folder: str, size: int, with_masks: bool = False):
    """``(index, images uint8 [N, H, W, 3], masks or None)``; images cached as ``images-uint8.npy`` beside it."""
    from PIL import Image

    with open(os.path.join(folder, "index.json"), "r", encoding="utf-8") as f:
        index = json.load(f)
    if index["width"] != size or index["height"] != size:
        raise ValueError(f"{folder}: images are {index['width']}x{index['height']}, config wants {size}")
    cache = os.path.join(folder, "images-uint8.npy")
    n = len(index["images"])
    if os.path.isfile(cache):
        images = np.load(cache)
    else:
        images = np.zeros((n, size, size, 3), dtype=np.uint8)
        for i, rec in enumerate(index["images"]):
            images[i] = np.asarray(Image.open(os.path.join(folder, rec["file"])).convert("RGB"))
        np.save(cache, images)
    if images.shape[0] != n:
        raise ValueError(f"{cache} holds {images.shape[0]} images, index has {n}: delete the cache")
    masks = None
    if with_masks:
        masks = {}
        for i, rec in enumerate(index["images"]):
            for o in rec["objects"]:
                masks[(i, o["id"])] = np.asarray(Image.open(os.path.join(folder, o["mask"]))) > 127
    return index, images, masks


def to_tokens(images_u8: np.ndarray, patch: int) -> Tensor:
    """uint8 ``[B, H, W, 3]`` -> patchify tokens ``[B, N, 3*p*p]`` in [-1, 1] (the bundle's image encoder)."""
    x = torch.from_numpy(images_u8).float().permute(0, 3, 1, 2) / 127.5 - 1.0
    return patchify.pack(x, patch)


CELL_PHRASE = re.compile(r" (?:in|at|on) the (?:top left|top right|bottom left|bottom right|center|centre|top|bottom|"
                         r"left|right)(?=[,.]| and|$)")


def drop_cells(caption: str) -> str:
    """The caption without its grid-cell phrases: "a red cross on the right, a blue star in the center." becomes
    "a red cross, a blue star." — the objects are then told apart only by what they look like."""
    return CELL_PHRASE.sub("", caption)


class TextSampler:
    """Draws one training text per scene: a caption or an expression, sometimes with filler pieces."""

    def __init__(self, index, tok: WordTokenizer, cfg: Dict[str, object], length: int):
        self.tok = tok
        self.length = length
        self.caption_share = float(cfg["captionShare"])
        self.filler_p = float(cfg["fillerProbability"])
        self.filler_max = int(cfg["fillerMaxPieces"])
        self.comma = tok.vocab[","]
        self.cell_free_p = float(cfg.get("cellFreeCaptionShare", 0.0))
        self.captions = [[self.fit(tok.encode(c["text"])) for c in rec["captions"]] for rec in index["images"]]
        self.cell_free = [[self.fit(tok.encode(drop_cells(c["text"]))) for c in rec["captions"]]
                          for rec in index["images"]]
        self.expressions = [[tok.encode(e["text"]) for e in rec["expressions"]] for rec in index["images"]]
        written = set()
        for lists in (self.captions, self.expressions):
            for scene in lists:
                for ids in scene:
                    written.update(ids)
        # Fillers: tokens the generator never writes (stop words, punctuation, "pink") plus the function words
        # "." "a" "the" "with" that it does write; none of them names anything in a scene.
        never = [i for w, i in tok.vocab.items() if i > 2 and i not in written]
        self.fillers = sorted(set(never) | {tok.vocab[w] for w in (".", "a", "the", "with")})
        self.cut = sum(len(tok.encode(c["text"])) > length for rec in index["images"] for c in rec["captions"])

    def fit(self, ids: List[int]) -> List[int]:
        """A caption longer than the text length is cut at its last comma that fits and closed with ``</s>``:
        "X1, X2, X3 and X4" becomes "X1, X2" or "X1, X2, X3", a caption of a subset of the objects."""
        if len(ids) <= self.length:
            return ids
        cuts = [p for p, i in enumerate(ids) if i == self.comma and p + 1 <= self.length]
        if not cuts:
            return ids[:self.length - 1] + [EOS_ID]
        return ids[:cuts[-1]] + [EOS_ID]

    def sample(self, scene: int, rng: random.Random) -> List[int]:
        pool = self.captions[scene]
        if rng.random() >= self.caption_share and self.expressions[scene]:
            pool = self.expressions[scene]
        elif self.cell_free_p > 0 and rng.random() < self.cell_free_p:
            pool = self.cell_free[scene]
        ids = list(rng.choice(pool))
        if rng.random() < self.filler_p:
            for _ in range(rng.randint(1, self.filler_max)):
                if len(ids) + 2 > self.length:
                    break
                ids += [rng.choice(self.fillers), EOS_ID]
        return pad_ids(ids, self.length)


# ------------------------------------------------------------------------------------------------ model


class TinyRefAM(nn.Module):
    """The T5-style encoder feeding ``txt`` of the FLUX transformer; ``y`` is zeros."""

    def __init__(self, fp: flux.FluxParams, tc: t5.T5Config, mask_pads: bool = False):
        super().__init__()
        self.mask_pads = mask_pads
        if fp.context_in_dim != tc.d_model:
            raise ValueError(f"flux context_in_dim {fp.context_in_dim} != t5 d_model {tc.d_model}")
        self.text = t5.T5Encoder(tc)
        self.flux = flux.Flux(fp)
        zero_init(self.flux)

    def forward(self, img: Tensor, img_ids: Tensor, ids: Tensor, t: Tensor,
                capture: Optional[flux.AttentionCapture] = None):
        b, n_txt = ids.shape
        mask = (ids != PAD_ID).to(torch.float32) if self.mask_pads else None
        txt = self.text(ids, mask)
        txt_ids = torch.zeros(b, n_txt, 3)
        y = torch.zeros(b, self.flux.params.vec_in_dim)
        return self.flux(img, img_ids.expand(b, -1, -1), txt, txt_ids, t, y, capture=capture, txt_mask=mask)


def zero_init(model: flux.Flux) -> None:
    """adaLN-Zero (DiT, Peebles & Xie 2023): modulation and output layers start at zero, so every block starts as
    the identity and the first prediction is 0. An initialisation only; the architecture is FLUX's."""
    for m in model.modules():
        if isinstance(m, flux.Modulation):
            nn.init.zeros_(m.lin.weight)
            nn.init.zeros_(m.lin.bias)
    nn.init.zeros_(model.final_layer.adaLN_modulation[1].weight)
    nn.init.zeros_(model.final_layer.adaLN_modulation[1].bias)
    nn.init.zeros_(model.final_layer.linear.weight)
    nn.init.zeros_(model.final_layer.linear.bias)


def lr_decay(tc, step: int) -> float:
    """Factor on the learning rate: 1 until ``decayFromStep``, then linear down to ``decayFinal`` (default 0.1) at
    ``decayToStep`` and constant after it; 1 everywhere when ``decayFromStep`` is absent (constant rate)."""
    start = tc.get("decayFromStep")
    if start is None or step < start:
        return 1.0
    span = max(1, int(tc["decayToStep"]) - int(start))
    final = float(tc.get("decayFinal", 0.1))
    return 1.0 - (1.0 - final) * min(1.0, (step - start) / span)


def sample_t(b: int, mean: float, std: float, gen: torch.Generator) -> Tensor:
    return torch.sigmoid(torch.randn(b, generator=gen) * std + mean)


def v_loss(model: TinyRefAM, x0: Tensor, img_ids: Tensor, ids: Tensor, t: Tensor, eps: Tensor,
           vmin: float, reduce: bool = True) -> Tensor:
    """x-prediction with the loss on v: ``v_hat = (x_t - x0_hat) / max(t, vmin)``, target ``eps - x0``."""
    tt = t[:, None, None]
    xt = (1 - tt) * x0 + tt * eps
    x0_hat = model(xt, img_ids, ids, t)
    v_hat = (xt - x0_hat) / torch.clamp(tt, min=vmin)
    err = (v_hat - (eps - x0)) ** 2
    return err.mean() if reduce else err.mean(dim=(1, 2))


# ------------------------------------------------------------------------------------------------ monitoring


class Monitor:
    """The cheap gates on a fixed val batch and the point-accuracy probe on fixed val expressions."""

    def __init__(self, index, images, masks, tok: WordTokenizer, cfg, patch: int, grid: int, length: int):
        mon = cfg["monitor"]
        self.tok, self.patch, self.grid, self.length = tok, patch, grid, length
        self.size = images.shape[1]
        self.img_ids = flux.image_ids(grid, grid)
        self.total_blocks = cfg["flux"]["depth"] + cfg["flux"]["depth_single_blocks"]
        self.capture = flux.AttentionCapture(tuple(range(self.total_blocks)), text_to_text=True)
        g = torch.Generator().manual_seed(1234)
        b = int(mon["gateBatch"])
        recs = index["images"][:b]
        self.gate_x0 = to_tokens(images[:b], patch)
        self.gate_eps = torch.randn(self.gate_x0.shape, generator=g)
        self.gate_caps = torch.tensor([pad_ids(tok.encode(r["captions"][0]["text"]), length) for r in recs])
        self.t_mis = float(mon["gateMismatchT"])
        self.t_probe = float(mon["probeT"])
        # Probe expressions: a fixed, seeded draw of (scene, expression) pairs from the val split.
        rng = random.Random(99)
        pairs = [(i, e) for i, r in enumerate(index["images"]) for e in range(len(r["expressions"]))]
        rng.shuffle(pairs)
        pairs = pairs[:int(mon["probeExpressions"])]
        self.pairs = pairs
        self.probe_x0 = to_tokens(images[[i for i, _ in pairs]], patch)
        self.probe_noise = [torch.randn(self.probe_x0.shape, generator=torch.Generator().manual_seed(500 + s))
                            for s in range(int(mon["probeNoiseSeeds"]))]
        expr = [index["images"][i]["expressions"][e] for i, e in pairs]
        self.templates = [x["template"] for x in expr]
        magnets: List[int] = []
        for m in mon["magnets"]:
            magnets += tok.encode(m)
        self.probe_ids = torch.tensor([pad_ids(tok.encode(x["text"]), length) for x in expr])
        self.probe_ids_mag = torch.tensor([pad_ids(tok.encode(x["text"]) + magnets, length) for x in expr])
        content = torch.tensor([[tok.is_content(int(j)) for j in row] for row in self.probe_ids.tolist()])
        self.content = content.float()  # [P, T]; magnets and pads are never content
        self.content_mag = torch.zeros_like(self.content)
        for r, x in enumerate(expr):
            n = len(tok.encode(x["text"]))
            self.content_mag[r, :n] = self.content[r, :n]
        self.target_masks = torch.stack([torch.from_numpy(masks[(i, x["target"])]) for (i, _), x in zip(pairs, expr)])
        nobj = [len(index["images"][i]["objects"]) for i, _ in pairs]
        self.random_object_pa = float(np.mean([1.0 / k for k in nobj]))
        # token-grid coverage of each target mask (share of the patch's pixels), for the attention ratio
        m = self.target_masks.float().reshape(-1, grid, patch, grid, patch).mean(dim=(2, 4))
        self.coverage = m.reshape(-1, grid * grid)

    @torch.no_grad()
    def gates(self, model: TinyRefAM) -> Dict[str, float]:
        model.eval()
        t = torch.full((self.gate_x0.shape[0],), self.t_mis)
        match = v_loss(model, self.gate_x0, self.img_ids, self.gate_caps, t, self.gate_eps, 0.05).item()
        mis = v_loss(model, self.gate_x0, self.img_ids, torch.roll(self.gate_caps, 1, 0), t, self.gate_eps,
                     0.05).item()
        model.train()
        return {"loss_match": match, "loss_mismatch": mis, "mismatch_penalty": mis / match - 1.0}

    @torch.no_grad()
    def maps(self, model: TinyRefAM, ids: Tensor) -> Tensor:
        """Image->text attention ``[P, L, N, T]`` (head mean), renormalised over text keys, averaged over the
        noise seeds, at t = probeT."""
        model.eval()
        acc = None
        for noise in self.probe_noise:
            chunks = []
            for s in range(0, ids.shape[0], 50):
                x0 = self.probe_x0[s:s + 50]
                t = torch.full((x0.shape[0],), self.t_probe)
                xt = (1 - self.t_probe) * x0 + self.t_probe * noise[s:s + 50]
                out = model(xt, self.img_ids, ids[s:s + 50], t, capture=self.capture)
                a = out.img2txt
                chunks.append(a / a.sum(dim=-1, keepdim=True))
            a = torch.cat(chunks)
            acc = a if acc is None else acc + a
        model.train()
        return acc / len(self.probe_noise)

    def point_accuracy(self, heat: Tensor) -> Tensor:
        """``heat [P, N]`` on the token grid -> hits ``[P]`` (bilinear upsampling to pixels, argmax in mask)."""
        p = heat.shape[0]
        up = F.interpolate(heat.reshape(p, 1, self.grid, self.grid), size=(self.size, self.size), mode="bilinear",
                           align_corners=False).reshape(p, -1)
        arg = up.argmax(dim=1)
        return self.target_masks.reshape(p, -1)[torch.arange(p), arg].float()

    @torch.no_grad()
    def probe(self, model: TinyRefAM) -> Dict[str, object]:
        res: Dict[str, object] = {"random_object_pa": round(self.random_object_pa, 3)}
        for name, ids, content in (("plain", self.probe_ids, self.content),
                                   ("magnets", self.probe_ids_mag, self.content_mag)):
            a = self.maps(model, ids)  # [P, L, N, T]
            cmap = (a * content[:, None, None, :]).sum(dim=-1)  # [P, L, N]
            per_block = [self.point_accuracy(cmap[:, l]).mean().item() for l in range(cmap.shape[1])]
            hits = self.point_accuracy(cmap.mean(dim=1))
            res[f"pa_{name}"] = round(hits.mean().item(), 3)
            res[f"pa_{name}_blocks"] = [round(v, 3) for v in per_block]
            if name == "magnets":
                # the three best block subsets (mean of their maps), to choose the bundle's defaultBlocks
                n_blocks = cmap.shape[1]
                subsets = []
                for bits in range(1, 2 ** n_blocks):
                    sel = [l for l in range(n_blocks) if bits >> l & 1]
                    subsets.append((self.point_accuracy(cmap[:, sel].mean(dim=1)).mean().item(), sel))
                subsets.sort(key=lambda x: (-x[0], len(x[1])))
                res["pa_magnets_best_subsets"] = [f"{sel}:{v:.3f}" for v, sel in subsets[:3]]
            cov = self.coverage
            mean_map = cmap.mean(dim=1)
            on_target = (mean_map * cov).sum(dim=1) / cov.sum(dim=1).clamp(min=1e-6)
            ratio = on_target / mean_map.mean(dim=1).clamp(min=1e-12)
            res[f"content_ratio_{name}"] = round(ratio.mean().item(), 3)
            if name == "plain":
                # every non-pad token (stop words and </s> included): what the filter is there to improve on
                allmap = (a * (ids != PAD_ID).float()[:, None, None, :]).sum(dim=-1).mean(dim=1)
                res["pa_all_nonpad"] = round(self.point_accuracy(allmap).mean().item(), 3)
                by = {}
                for tpl in sorted(set(self.templates)):
                    sel = torch.tensor([x == tpl for x in self.templates])
                    by[tpl] = f"{hits[sel].mean().item():.2f}/{int(sel.sum())}"
                res["pa_plain_by_template"] = by
                # share of the text-key attention of image queries that goes to pads
                pad_share = (a * (ids == PAD_ID).float()[:, None, None, :]).sum(dim=-1).mean().item()
                res["pad_share"] = round(pad_share, 3)
        return res


# ------------------------------------------------------------------------------------------------ checkpoints


def weights_only(model: TinyRefAM) -> Tuple[Dict[str, Tensor], Dict[str, Tensor]]:
    return ({k: v.detach().clone().float() for k, v in model.flux.state_dict().items()},
            {k: v.detach().clone().float() for k, v in model.text.state_dict().items()})


def write_weights(folder: str, model: TinyRefAM, cfg, step: int, extra: Dict[str, object]) -> None:
    """The committed, weights-only checkpoint: transformer.safetensors, text_encoder.safetensors (EMA weights,
    fp32), the two configs the export commands read, tokenizer.json and checkpoint.json."""
    os.makedirs(folder, exist_ok=True)
    tr, te = weights_only(model)
    meta = {"step": str(step), "name": cfg["name"]}
    for name, tensors in (("transformer", tr), ("text_encoder", te)):
        tmp = os.path.join(folder, f".{name}.safetensors.tmp")
        safetensors_io.save_file(tensors, tmp, meta)
        os.replace(tmp, os.path.join(folder, f"{name}.safetensors"))
    with open(os.path.join(folder, "flux-config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg["flux"], f, indent=2)
        f.write("\n")
    with open(os.path.join(folder, "t5-config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg["t5"], f, indent=2)
        f.write("\n")
    info = {"step": step, "textLength": cfg["textLength"], "patch": cfg["patch"],
            "imageSize": cfg["data"]["imageSize"], "prediction": "x0", "weights": "ema",
            "maskPads": bool(cfg.get("maskPads", False)), **extra}
    with open(os.path.join(folder, "checkpoint.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, indent=2)
        f.write("\n")


def save_state(path: str, model, ema, opt, step: int, rng: random.Random, gen: torch.Generator,
               log_lines: int) -> None:
    tmp = path + ".tmp"
    torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "step": step,
                "py_rng": rng.getstate(), "torch_gen": gen.get_state(), "np_rng": np.random.get_state(),
                "log_lines": log_lines}, tmp)
    os.replace(tmp, path)


# ------------------------------------------------------------------------------------------------ main


class Log:
    def __init__(self, path: Optional[str]):
        self.path = path

    def __call__(self, msg: str) -> None:
        line = f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())}Z {msg}"
        print(line, flush=True)
        if self.path:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(line + "\n")


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", default=os.path.join(ROOT, "tools/train/config-tiny.json"))
    ap.add_argument("--run", default=os.path.join(ROOT, "tools/runs/tiny"), help="full-state checkpoints (ignored by git)")
    ap.add_argument("--log", default=None, help="append the log here (e.g. tools/train/train-log-tiny.txt)")
    ap.add_argument("--weights-out", default=os.path.join(ROOT, "tools/train/checkpoints"),
                    help="weights-only checkpoint folder (committed)")
    ap.add_argument("--init-from", default=None, help="weights-only checkpoint folder to start from when RUN "
                                                      "has no state (optimizer restarts)")
    ap.add_argument("--bench", type=int, default=0, help="time this many steps and exit")
    ap.add_argument("--probe-only", action="store_true")
    ap.add_argument("--max-minutes", type=float, default=0, help="stop (with a checkpoint) after this long")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                    help="override a config value, e.g. --set train.batch=32 (for trials; the run's config is logged)")
    args = ap.parse_args(argv)

    with open(args.config, "r", encoding="utf-8") as f:
        cfg = json.load(f)
    for item in args.set:
        key, value = item.split("=", 1)
        node = cfg
        parts = key.split(".")
        for part in parts[:-1]:
            node = node[part]
        node[parts[-1]] = json.loads(value)
    log = Log(args.log)
    tc, mon = cfg["train"], cfg["monitor"]
    size, patch, length = cfg["data"]["imageSize"], cfg["patch"], cfg["textLength"]
    grid = size // patch
    fp = flux.params_from_json(dict(cfg["flux"]), args.config)
    tcfg = t5.T5Config(**cfg["t5"])
    if fp.in_channels != 3 * patch * patch:
        raise ValueError(f"in_channels {fp.in_channels} != 3 * patch^2 = {3 * patch * patch}")

    seed = int(cfg["seed"])
    rng = random.Random(seed)
    gen = torch.Generator().manual_seed(seed)
    np.random.seed(seed % 2 ** 32)
    torch.manual_seed(seed)

    t0 = time.time()
    train_dir = os.path.join(ROOT, cfg["data"]["train"])
    val_dir = os.path.join(ROOT, cfg["data"]["val"])
    tok = WordTokenizer(os.path.join(train_dir, "tokenizer.json"))
    if len(tok.vocab) != tcfg.vocab_size:
        raise ValueError(f"tokenizer has {len(tok.vocab)} tokens, t5 vocab_size is {tcfg.vocab_size}")
    train_index, train_images, _ = load_split(train_dir, size)
    val_index, val_images, val_masks = load_split(val_dir, size, with_masks=True)
    sampler = TextSampler(train_index, tok, tc, length)
    monitor = Monitor(val_index, val_images, val_masks, tok, cfg, patch, grid, length)
    log(f"data: {len(train_index['images'])} train scenes, {len(val_index['images'])} val scenes, "
        f"{sampler.cut} captions longer than {length} tokens (cut at a comma), fillers "
        f"{[tok.words[i] for i in sampler.fillers]}, loaded in {time.time() - t0:.1f} s")

    model = TinyRefAM(fp, tcfg, bool(cfg.get("maskPads", False)))
    ema = copy.deepcopy(model).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    n_tr = sum(p.numel() for p in model.flux.parameters())
    n_te = sum(p.numel() for p in model.text.parameters())
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim < 2 or "abs_pos_embed" in name or "shared" in name else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": tc["weightDecay"]},
                             {"params": no_decay, "weight_decay": 0.0}], lr=tc["lr"], betas=tuple(tc["betas"]))
    step = 0
    os.makedirs(args.run, exist_ok=True)
    state_path = os.path.join(args.run, "state.pt")
    warm_from = 0
    if os.path.isfile(state_path):
        st = torch.load(state_path)
        model.load_state_dict(st["model"])
        ema.load_state_dict(st["ema"])
        opt.load_state_dict(st["opt"])
        step = st["step"]
        rng.setstate(st["py_rng"])
        gen.set_state(st["torch_gen"])
        np.random.set_state(st["np_rng"])
        log(f"resumed from {state_path} at step {step}")
    elif args.init_from:
        flux.load_weights(model.flux, os.path.join(args.init_from, "transformer.safetensors"))
        model.text.load_state_dict(safetensors_io.load(os.path.join(args.init_from, "text_encoder.safetensors")))
        ema.load_state_dict(model.state_dict())
        with open(os.path.join(args.init_from, "checkpoint.json"), "r", encoding="utf-8") as f:
            step = int(json.load(f)["step"])
        warm_from = step
        log(f"initialised from weights-only {args.init_from} at step {step} (fresh optimizer, re-warm-up)")
    else:
        log("fresh start")
    log(f"model: transformer {n_tr:,} params, text encoder {n_te:,} params, grid {grid}x{grid}, "
        f"{3 * patch * patch} values/token, width {fp.hidden_size}, text length {length}, "
        f"blocks {fp.depth}+{fp.depth_single_blocks}; threads {torch.get_num_threads()}, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}")
    # Copy the tokenizer next to the committed weights so the export does not need the generated data.
    os.makedirs(args.weights_out, exist_ok=True)
    shutil.copyfile(os.path.join(train_dir, "tokenizer.json"), os.path.join(args.weights_out, "tokenizer.json"))

    if args.probe_only:
        log(f"step {step} gates {json.dumps(monitor.gates(ema))}")
        log(f"step {step} probe {json.dumps(monitor.probe(ema))}")
        return 0

    stop = {"now": False}

    def on_signal(signum, frame):  # noqa: ARG001
        stop["now"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    n_train = train_images.shape[0]
    img_ids = flux.image_ids(grid, grid)
    b = int(tc["batch"])
    last_ckpt = time.time()
    started = time.time()
    loss_acc, n_acc, t_acc = 0.0, 0, time.time()
    bench_start = None
    model.train()
    last_gates: Dict[str, object] = {}
    while step < int(tc["maxSteps"]):
        if args.bench and bench_start is None and step - warm_from >= 3:
            bench_start = (time.time(), step)
        scenes = [rng.randrange(n_train) for _ in range(b)]
        x0 = to_tokens(train_images[scenes], patch)
        ids = torch.tensor([sampler.sample(s, rng) for s in scenes])
        t = sample_t(b, tc["tLogitMean"], tc["tLogitStd"], gen)
        eps = torch.randn(x0.shape, generator=gen)
        lr = tc["lr"] * min(1.0, (step - warm_from + 1) / tc["warmupSteps"]) * lr_decay(tc, step)
        for g in opt.param_groups:
            g["lr"] = lr
        loss = v_loss(model, x0, img_ids, ids, t, eps, tc["vDenominatorMin"])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), tc["gradClip"])
        opt.step()
        d = min(tc["emaDecay"], (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(d).add_(pm.detach(), alpha=1 - d)
        step += 1
        loss_acc += loss.item()
        n_acc += 1
        if args.bench and bench_start and step - bench_start[1] >= args.bench:
            dt = (time.time() - bench_start[0]) / (step - bench_start[1])
            log(f"bench: {dt:.3f} s/step over {step - bench_start[1]} steps (batch {b})")
            return 0
        if step % mon["logEverySteps"] == 0:
            dt = (time.time() - t_acc) / n_acc
            log(f"step {step} loss {loss_acc / n_acc:.4f} gnorm {float(gnorm):.2f} lr {lr:.2e} "
                f"{dt:.3f} s/step")
            loss_acc, n_acc, t_acc = 0.0, 0, time.time()
        if step % mon["gateEverySteps"] == 0:
            last_gates = monitor.gates(ema)
            log(f"step {step} gates {json.dumps({k: round(v, 4) for k, v in last_gates.items()})}")
        if step % mon["probeEverySteps"] == 0:
            tp = time.time()
            res = monitor.probe(ema)
            last_gates = {**last_gates, **{k: v for k, v in res.items() if not isinstance(v, dict)}}
            log(f"step {step} probe {json.dumps(res)} ({time.time() - tp:.1f} s)")
        over = args.max_minutes and time.time() - started > args.max_minutes * 60
        if stop["now"] or over or time.time() - last_ckpt > mon["checkpointMinutes"] * 60:
            save_state(state_path, model, ema, opt, step, rng, gen, 0)
            write_weights(args.weights_out, ema, cfg, step, {"gates": last_gates})
            last_ckpt = time.time()
            log(f"step {step} checkpoint written ({state_path}, {args.weights_out})")
            if stop["now"] or over:
                log(f"stopping at step {step}")
                return 0
    save_state(state_path, model, ema, opt, step, rng, gen, 0)
    write_weights(args.weights_out, ema, cfg, step, {"gates": last_gates})
    log(f"reached maxSteps {step}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
