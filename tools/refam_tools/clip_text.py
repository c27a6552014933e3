"""The CLIP text encoder (ViT-L/14, as used by FLUX for the pooled vector ``y``) in plain PyTorch.

Parameter names follow Hugging Face ``CLIPTextModel`` (``text_model.embeddings.token_embedding``,
``text_model.embeddings.position_embedding``, ``text_model.encoder.layers.N.self_attn.{q,k,v,out}_proj``,
``layer_norm1``, ``mlp.fc1``, ``mlp.fc2``, ``layer_norm2``, ``text_model.final_layer_norm``).

Architecture facts (Radford et al. 2021; openai/clip-vit-large-patch14 config): 12 pre-norm layers, width 768,
12 heads, MLP 3072 with quick-GELU ``x * sigmoid(1.702 x)``, LayerNorm eps 1e-5, causal self-attention, 77
learned positions. FLUX uses ``pooler_output`` (reference ``conditioner.py``): the final-normed hidden state at
the end-of-text token. The graph takes the first position holding ``eos_token_id`` (49407 for CLIP), which is
where Hugging Face pools for this checkpoint (there the EOS id is also the largest id, so its argmax-of-ids
rule picks the same position). FLUX pads CLIP prompts to 77 tokens with the pad token of the FLUX tokenizer
(``<|endoftext|>``, also 49407) and no attention mask.

Command: ``python3 -m refam_tools.clip_text --weights text_encoder/ --out build/clip_text.onnx``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from dataclasses import dataclass
from typing import Dict, List, Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from . import onnx_util


@dataclass
class ClipTextConfig:
    """Field names follow Hugging Face ``CLIPTextConfig``; defaults are openai/clip-vit-large-patch14's."""

    vocab_size: int = 49408
    hidden_size: int = 768
    intermediate_size: int = 3072
    num_hidden_layers: int = 12
    num_attention_heads: int = 12
    max_position_embeddings: int = 77
    layer_norm_eps: float = 1e-5
    hidden_act: str = "quick_gelu"
    bos_token_id: int = 49406
    eos_token_id: int = 49407
    pad_token_id: int = 49407  # FLUX's CLIP tokenizer pads with <|endoftext|>

    def __post_init__(self) -> None:
        if self.hidden_act not in ("quick_gelu", "gelu"):
            raise ValueError(f"hidden_act {self.hidden_act!r} is not supported (quick_gelu, gelu)")


def load_config(spec: Optional[str]) -> ClipTextConfig:
    """``None``/``large`` for CLIP-L, or a Hugging Face ``config.json`` (or its folder); unknown keys ignored. Token
    ids are kept at CLIP-L's values unless the file names them."""
    if spec in (None, "large"):
        return ClipTextConfig()
    path = os.path.join(spec, "config.json") if os.path.isdir(spec) else spec
    with open(path, "r", encoding="utf-8") as f:
        raw = json.load(f)
    raw = raw.get("text_config", raw)
    known = {f.name for f in dataclasses.fields(ClipTextConfig)}
    values = {k: v for k, v in raw.items() if k in known}
    if values.get("eos_token_id") == 2:  # legacy configs carry 2; the real end-of-text id is 49407
        values.pop("eos_token_id")
    if values.get("bos_token_id") == 0:
        values.pop("bos_token_id")
    values.pop("pad_token_id", None)
    return ClipTextConfig(**values)


class ClipAttention(nn.Module):
    def __init__(self, c: ClipTextConfig):
        super().__init__()
        self.heads = c.num_attention_heads
        self.q_proj = nn.Linear(c.hidden_size, c.hidden_size)
        self.k_proj = nn.Linear(c.hidden_size, c.hidden_size)
        self.v_proj = nn.Linear(c.hidden_size, c.hidden_size)
        self.out_proj = nn.Linear(c.hidden_size, c.hidden_size)

    def forward(self, x: Tensor, mask: Tensor) -> Tensor:
        b, n, c = x.shape
        d = c // self.heads

        def heads(t: Tensor) -> Tensor:
            return t.reshape(b, n, self.heads, d).transpose(1, 2)

        scores = torch.matmul(heads(self.q_proj(x)) * d ** -0.5, heads(self.k_proj(x)).transpose(-1, -2)) + mask
        out = torch.matmul(torch.softmax(scores, dim=-1), heads(self.v_proj(x)))
        return self.out_proj(out.transpose(1, 2).reshape(b, n, c))


class ClipMlp(nn.Module):
    def __init__(self, c: ClipTextConfig):
        super().__init__()
        self.fc1 = nn.Linear(c.hidden_size, c.intermediate_size)
        self.fc2 = nn.Linear(c.intermediate_size, c.hidden_size)
        self.quick = c.hidden_act == "quick_gelu"

    def forward(self, x: Tensor) -> Tensor:
        h = self.fc1(x)
        h = h * torch.sigmoid(1.702 * h) if self.quick else F.gelu(h)
        return self.fc2(h)


class ClipLayer(nn.Module):
    def __init__(self, c: ClipTextConfig):
        super().__init__()
        self.self_attn = ClipAttention(c)
        self.layer_norm1 = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.mlp = ClipMlp(c)
        self.layer_norm2 = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, x: Tensor, mask: Tensor) -> Tensor:
        x = x + self.self_attn(self.layer_norm1(x), mask)
        return x + self.mlp(self.layer_norm2(x))


class ClipEmbeddings(nn.Module):
    def __init__(self, c: ClipTextConfig):
        super().__init__()
        self.token_embedding = nn.Embedding(c.vocab_size, c.hidden_size)
        self.position_embedding = nn.Embedding(c.max_position_embeddings, c.hidden_size)


class ClipEncoder(nn.Module):
    def __init__(self, c: ClipTextConfig):
        super().__init__()
        self.layers = nn.ModuleList(ClipLayer(c) for _ in range(c.num_hidden_layers))


class ClipTransformer(nn.Module):
    def __init__(self, c: ClipTextConfig):
        super().__init__()
        self.embeddings = ClipEmbeddings(c)
        self.encoder = ClipEncoder(c)
        self.final_layer_norm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)


class ClipTextEncoder(nn.Module):
    """``input_ids [B, T]`` (T <= 77) -> ``(pooled [B, hidden], last_hidden_state [B, T, hidden])``.

    Stateless at inference: concurrent calls under ``torch.no_grad()`` are safe.
    """

    def __init__(self, config: ClipTextConfig):
        super().__init__()
        self.config = config
        self.text_model = ClipTransformer(config)

    def forward(self, input_ids: Tensor):
        tm = self.text_model
        n = input_ids.shape[1]
        positions = torch.arange(n)
        x = tm.embeddings.token_embedding(input_ids) + tm.embeddings.position_embedding(positions)[None]
        # causal mask: query i sees keys 0..i; a large negative (not -inf) keeps fully masked rows finite
        mask = torch.triu(torch.full((n, n), -1e9), diagonal=1)[None, None]
        for layer in tm.encoder.layers:
            x = layer(x, mask)
        x = tm.final_layer_norm(x)
        eos = torch.argmax((input_ids == self.config.eos_token_id).to(torch.int32), dim=-1)
        pooled = torch.gather(x, 1, eos[:, None, None].expand(-1, 1, x.shape[2])).squeeze(1)
        return pooled, x


def load(config: ClipTextConfig, weights: Optional[str], seed: int = 0) -> ClipTextEncoder:
    """The encoder with weights from a safetensors file / index / folder (``position_ids`` buffers and the
    vision tower of a full CLIP checkpoint are skipped), or random (seeded)."""
    from . import safetensors_io

    torch.manual_seed(seed)
    model = ClipTextEncoder(config).eval()
    if weights is None:
        return model
    state = model.state_dict()
    seen, bad = set(), []
    with torch.no_grad():
        for name, tensor in safetensors_io.iter_tensors(weights):
            if name not in state:
                continue  # position_ids, vision_model.*, logit_scale, projections
            if tuple(state[name].shape) != tuple(tensor.shape):
                bad.append(f"{name}: model {tuple(state[name].shape)} vs file {tuple(tensor.shape)}")
                continue
            state[name].copy_(tensor)
            seen.add(name)
    missing = sorted(set(state) - seen)
    if missing or bad:
        raise ValueError(f"{weights} does not fit the CLIP text config: missing {missing[:10]}, "
                         f"shape mismatch {bad[:10]}")
    return model


def export(model: ClipTextEncoder, path: str, external: str = "auto",
           tokenizer: Optional[str] = None) -> Dict[str, object]:
    """Exports to ``path`` (``input_ids [1, 77]`` int64 -> ``pooled [1, hidden]``, ``last_hidden_state``) and
    writes the export record (the manifest's ``pooledText`` section)."""
    c = model.config
    spec = onnx_util.tensor_spec
    length = c.max_position_embeddings
    inputs = {"inputIds": spec("input_ids", "int64", [1, length])}
    outputs = {"pooled": spec("pooled", "float32", [1, c.hidden_size]),
               "hidden": spec("last_hidden_state", "float32", [1, length, c.hidden_size])}
    ids = torch.full((1, length), c.pad_token_id, dtype=torch.int64)
    ids[0, :4] = torch.tensor([c.bos_token_id, 1, 2, c.eos_token_id])
    files = onnx_util.export(model, (ids,), path, inputs, outputs, external=external, doc="CLIP text encoder")
    record = {
        "source": "clip",
        "file": os.path.basename(path),
        "externalData": files,
        "inputs": inputs,
        "outputs": outputs,
        "dim": c.hidden_size,
        "tokenizer": tokenizer,
        "maxLength": length,
        "padding": "max-length",
        "padTokenId": c.pad_token_id,
        "bosTokenId": c.bos_token_id,
        "eosTokenId": c.eos_token_id,
    }
    onnx_util.write_record(path, record)
    return record


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m refam_tools.clip_text",
                                 description="Export the CLIP text encoder (pooled output) to ONNX.")
    ap.add_argument("--config", help="Hugging Face config.json or its folder (default: CLIP ViT-L/14)")
    ap.add_argument("--weights", help="safetensors file, index JSON or folder; omit for random weights")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--external-data", choices=["auto", "always", "never"], default="auto")
    args = ap.parse_args(argv)
    model = load(load_config(args.config), args.weights, args.seed)
    export(model, args.out, args.external_data)
    print(f"exported {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
