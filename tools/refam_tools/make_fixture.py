"""Writes a tiny random model bundle plus PyTorch reference inputs and outputs for the Java tests.

``python3 -m refam_tools.make_fixture --out DIR`` produces::

    DIR/bundle/            a valid bundle: transformer.onnx, text_encoder.onnx (tiny T5), image_encoder.onnx
                           (patchify, p=4), tokenizer.json (a word-level tokenizer over a small vocabulary),
                           manifest.json
    DIR/extra/             clip_text.onnx and vae_encoder.onnx (tiny, random) to check those graph kinds
    DIR/fixture.safetensors   every reference tensor (float32, int64)
    DIR/fixture.json       the cases: which graph, which tensor feeds which input, which tensor each output
                           must match, and the tolerance

A Java test runs each case's graph with ONNX Runtime and compares every output with the stored tensor
(absolute tolerance ``tolerance``). The ``pipeline`` cases chain image encoder -> noising -> text encoder ->
transformer exactly as the Java pipeline must (see ``pipeline`` in fixture.json); the ``transformer-5x6`` case
runs the same graph at another image size (dynamic N). The format is documented in docs/model-bundle.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from typing import Dict, List, Optional

import torch

from . import build_bundle, clip_text, export_transformer, flux, patchify, safetensors_io, t5, vae_encoder

TOLERANCE = 1e-4
PATCH = 4
TEXT_LENGTH = 8
PROMPT = "a pink dog, left"
# Vocabulary of the fixture tokenizer: T5's special ids first (pad 0, </s> 1, <unk> 2), then words.
WORDS = [".", ",", "a", "an", "the", "with", "to", "of", "and", "on", "in", "at", "left", "right", "top", "bottom",
         "middle", "front", "behind", "pink", "red", "blue", "green", "orange", "yellow", "white", "black", "brown",
         "large", "largest", "small", "smallest", "big", "little", "dog", "cat", "man", "woman", "person", "child",
         "car", "bus", "bike", "goldfish", "fish", "chair", "table", "shirt", "hat", "ball", "tree", "house"]
SPECIALS = ["<pad>", "</s>", "<unk>"]


def tiny_params(guidance: bool) -> flux.FluxParams:
    return flux.FluxParams(in_channels=3 * PATCH * PATCH, vec_in_dim=8, context_in_dim=16, hidden_size=32,
                           mlp_ratio=4.0, num_heads=2, depth=2, depth_single_blocks=1, axes_dim=[4, 6, 6],
                           theta=10_000, qkv_bias=True, guidance_embed=guidance, abs_pos_embed=[8, 8],
                           attn_blocks=[1, 2])


def tiny_t5() -> t5.T5Config:
    return t5.T5Config(vocab_size=len(SPECIALS) + len(WORDS), d_model=16, d_kv=4, d_ff=24, num_layers=2, num_heads=2)


def tokenizer_json() -> Dict[str, object]:
    """A Hugging Face ``tokenizer.json``: lowercase, whitespace/punctuation split, word-level vocabulary, and
    T5's convention of appending ``</s>`` to every sequence."""
    vocab = {w: i for i, w in enumerate(SPECIALS + WORDS)}
    added = [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
              "special": True} for i, s in enumerate(SPECIALS)]
    eos = {"SpecialToken": {"id": "</s>", "type_id": 0}}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"Sequence": {"id": "A", "type_id": 0}}, eos],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}}, eos, {"Sequence": {"id": "B", "type_id": 0}}, eos],
            "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}},
        },
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "<unk>"},
    }


def encode(text: str, length: int) -> List[int]:
    """What the fixture tokenizer produces for ``text``, padded with ``<pad>`` to ``length``."""
    vocab = {w: i for i, w in enumerate(SPECIALS + WORDS)}
    ids = [vocab.get(w, 2) for w in re.findall(r"\w+|[^\w\s]+", text.lower())] + [1]
    if len(ids) > length:
        raise ValueError(f"{text!r} needs {len(ids)} tokens, more than {length}")
    return ids + [0] * (length - len(ids))


def make(out: str, seed: int = 0, guidance: bool = False, per_head: bool = False) -> Dict[str, object]:
    """Writes the fixture into ``out`` (replacing an earlier one) and returns the fixture.json content."""
    torch.manual_seed(seed)
    for sub in ("bundle", "extra", "staging"):
        shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
    staging = os.path.join(out, "staging")
    extra = os.path.join(out, "extra")
    os.makedirs(staging)
    os.makedirs(extra)

    params = tiny_params(guidance)
    model = flux.build(params, seed)
    text_model = t5.load(tiny_t5(), None, seed + 1)
    image_model = patchify.PatchifyEncoder(PATCH)
    export_transformer.export(model, os.path.join(staging, "transformer.onnx"), params.attn_blocks,
                              per_head=per_head, text_length=TEXT_LENGTH)
    t5.export(text_model, os.path.join(staging, "text_encoder.onnx"), TEXT_LENGTH)
    patchify.export(image_model, os.path.join(staging, "image_encoder.onnx"))
    tok = os.path.join(staging, "tokenizer.json")
    with open(tok, "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(), f, indent=1, ensure_ascii=False)
    bundle = os.path.join(out, "bundle")
    build_bundle.build(bundle, "refam-fixture-tiny", os.path.join(staging, "transformer.onnx"),
                       os.path.join(staging, "text_encoder.onnx"), tok, os.path.join(staging, "image_encoder.onnx"),
                       image_size=8 * PATCH, resize="fit", pooled="zeros",
                       description="tiny random model for tests; not a trained model")
    shutil.rmtree(staging)

    tensors: Dict[str, torch.Tensor] = {}
    cases: List[Dict[str, object]] = []
    g = torch.Generator().manual_seed(seed + 2)

    def case(name: str, graph: str, inputs: Dict[str, torch.Tensor], outputs: Dict[str, torch.Tensor]) -> None:
        for kind, group in (("inputs", inputs), ("outputs", outputs)):
            for tname, value in group.items():
                tensors[f"{name}/{tname}"] = value.detach().contiguous()
        cases.append({"name": name, "graph": graph, "inputs": {k: f"{name}/{k}" for k in inputs},
                      "outputs": {k: f"{name}/{k}" for k in outputs}})

    with torch.no_grad():
        # the pipeline: pixels -> tokens -> noised tokens; prompt ids -> text states; transformer
        gh, gw, t = 3, 4, 0.5
        pixels = torch.rand(1, 3, gh * PATCH, gw * PATCH, generator=g) * 2 - 1
        x0 = image_model(pixels)
        eps = torch.randn(x0.shape, generator=g)
        img = (1 - t) * x0 + t * eps
        ids = torch.tensor([encode(PROMPT, TEXT_LENGTH)], dtype=torch.int64)
        txt = text_model(ids)
        feeds = {"img": img, "img_ids": flux.image_ids(gh, gw), "txt": txt, "txt_ids": flux.text_ids(TEXT_LENGTH),
                 "timesteps": torch.tensor([t]), "y": torch.zeros(1, params.vec_in_dim)}
        if guidance:
            feeds["guidance"] = torch.tensor([flux.DEFAULT_GUIDANCE])
        case("pipeline-image", "bundle/image_encoder.onnx", {"pixels": pixels}, {"tokens": x0})
        case("pipeline-text", "bundle/text_encoder.onnx", {"input_ids": ids}, {"last_hidden_state": txt})
        tensors["pipeline/eps"] = eps
        case("pipeline-transformer", "bundle/transformer.onnx", feeds, _transformer_outputs(model, feeds, per_head))

        gh2, gw2 = 5, 6
        feeds2 = {"img": torch.randn(1, gh2 * gw2, params.in_channels, generator=g),
                  "img_ids": flux.image_ids(gh2, gw2), "txt": torch.randn(1, TEXT_LENGTH, 16, generator=g),
                  "txt_ids": flux.text_ids(TEXT_LENGTH), "timesteps": torch.tensor([0.25]),
                  "y": torch.randn(1, params.vec_in_dim, generator=g)}
        if guidance:
            feeds2["guidance"] = torch.tensor([2.0])
        case("transformer-5x6", "bundle/transformer.onnx", feeds2, _transformer_outputs(model, feeds2, per_head))

        cc = clip_text.ClipTextConfig(vocab_size=60, hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                                      num_attention_heads=2, max_position_embeddings=10, bos_token_id=58,
                                      eos_token_id=59, pad_token_id=59)
        clip_model = clip_text.load(cc, None, seed + 3)
        clip_text.export(clip_model, os.path.join(extra, "clip_text.onnx"))
        clip_ids = torch.full((1, 10), 59, dtype=torch.int64)
        clip_ids[0, :5] = torch.tensor([58, 7, 21, 33, 59])
        pooled, hidden = clip_model(clip_ids)
        case("clip", "extra/clip_text.onnx", {"input_ids": clip_ids}, {"pooled": pooled, "last_hidden_state": hidden})

        vp = vae_encoder.AutoEncoderParams(ch=16, ch_mult=[1, 1, 2, 2], num_res_blocks=1, z_channels=4, groups=8)
        vae = vae_encoder.load(vp, None, seed + 4)
        vae_encoder.export(vae, os.path.join(extra, "vae_encoder.onnx"))
        vae_pixels = torch.rand(1, 3, 32, 48, generator=g) * 2 - 1
        vae_tokens, latent = vae(vae_pixels)
        case("vae", "extra/vae_encoder.onnx", {"pixels": vae_pixels}, {"tokens": vae_tokens, "latent": latent})
    for name in os.listdir(extra):
        if name.endswith(".onnx.json"):
            os.remove(os.path.join(extra, name))

    safetensors_io.save_file(tensors, os.path.join(out, "fixture.safetensors"),
                             metadata={"createdBy": "refam_tools.make_fixture", "seed": str(seed)})
    fixture = {
        "format": "refam-fixture",
        "formatVersion": 1,
        "tensors": "fixture.safetensors",
        "tolerance": TOLERANCE,
        "bundle": "bundle",
        "cases": cases,
        "pipeline": {
            "prompt": PROMPT,
            "inputIds": "pipeline-text/input_ids",
            "pixels": "pipeline-image/pixels",
            "imageHeight": gh * PATCH,
            "imageWidth": gw * PATCH,
            "gridHeight": gh,
            "gridWidth": gw,
            "timestep": t,
            "noise": "pipeline/eps",
            "formula": "img = (1 - t) * tokens + t * eps",
            "y": "zeros",
        },
    }
    with open(os.path.join(out, "fixture.json"), "w", encoding="utf-8") as f:
        json.dump(fixture, f, indent=2)
        f.write("\n")
    return fixture


def _transformer_outputs(model: flux.Flux, feeds: Dict[str, torch.Tensor], per_head: bool) -> Dict[str, torch.Tensor]:
    p = model.params
    capture = flux.AttentionCapture(tuple(p.attn_blocks), per_head=per_head)
    o = model(feeds["img"], feeds["img_ids"], feeds["txt"], feeds["txt_ids"], feeds["timesteps"], feeds["y"],
              feeds.get("guidance"), capture=capture)
    return {"pred": o.pred, "attn_img2txt": o.img2txt[0], "attn_txt2txt": o.txt2txt[0]}


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m refam_tools.make_fixture",
                                 description="Tiny random bundle + PyTorch reference tensors for the Java tests.")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--guidance", action="store_true", help="a guidance-distilled (dev-like) transformer")
    ap.add_argument("--per-head", action="store_true", help="attn_img2txt per head")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    make(args.out, args.seed, args.guidance, args.per_head)
    print(f"wrote {args.out}/fixture.json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
