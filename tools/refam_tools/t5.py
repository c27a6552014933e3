"""The T5 encoder (v1.1 / XXL as used by FLUX) in plain PyTorch.

Parameter names follow Hugging Face ``T5EncoderModel`` (``shared.weight``,
``encoder.block.N.layer.0.SelfAttention.{q,k,v,o}.weight``,
``encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight``, ``encoder.block.N.layer.0.layer_norm``,
``encoder.block.N.layer.1.DenseReluDense.{wi_0,wi_1,wo}.weight``, ``encoder.block.N.layer.1.layer_norm``,
``encoder.final_layer_norm.weight``), so FLUX's ``text_encoder_2`` checkpoint loads unchanged.

Architecture facts (T5 paper, Raffel et al. 2020, and the v1.1 release notes): pre-norm residual blocks with an
RMS LayerNorm without bias or mean subtraction (eps 1e-6); attention logits are not scaled by ``1/sqrt(d)``; a
learned relative position bias (32 bidirectional log-spaced buckets up to distance 128) is computed once, in
the first block, and shared by every layer; v1.1 uses a gated-GELU feed-forward ``wo(gelu_tanh(wi_0 x) *
wi_1 x)``, v1.0 a ReLU one ``wo(relu(wi x))``. FLUX runs the encoder without an attention mask, so padding tokens
are ordinary keys (reference ``conditioner.py``: ``attention_mask=None``).

Command: ``python3 -m refam_tools.t5 --config xxl --weights text_encoder_2/ --out build/text_encoder.onnx``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
from dataclasses import dataclass
from typing import Dict, List, Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from . import onnx_util


@dataclass
class T5Config:
    """Field names follow Hugging Face ``T5Config`` so a ``config.json`` can be read directly."""

    vocab_size: int = 32128
    d_model: int = 4096
    d_kv: int = 64
    d_ff: int = 10240
    num_layers: int = 24
    num_heads: int = 64
    relative_attention_num_buckets: int = 32
    relative_attention_max_distance: int = 128
    layer_norm_epsilon: float = 1e-6
    feed_forward_proj: str = "gated-gelu"
    pad_token_id: int = 0
    eos_token_id: int = 1

    def __post_init__(self) -> None:
        if self.feed_forward_proj not in ("gated-gelu", "relu", "gated-relu"):
            raise ValueError(f"feed_forward_proj {self.feed_forward_proj!r} is not supported "
                             "(gated-gelu, gated-relu, relu)")


# google/t5-v1_1-xxl, the text encoder FLUX uses (its config.json values).
PRESETS = {"xxl": T5Config()}


def load_config(spec: str) -> T5Config:
    """A preset name (``xxl``), a Hugging Face ``config.json`` (unknown keys ignored) or a folder holding one."""
    if spec in PRESETS:
        return dataclasses.replace(PRESETS[spec])
    path = os.path.join(spec, "config.json") if os.path.isdir(spec) else spec
    if not os.path.isfile(path):
        raise ValueError(f"T5 config {spec!r} is neither a preset {sorted(PRESETS)} nor a config.json")
    with open(path, "r", encoding="utf-8") as f:
        raw = json.load(f)
    known = {f.name for f in dataclasses.fields(T5Config)}
    return T5Config(**{k: v for k, v in raw.items() if k in known})


def relative_position_bucket(relative: Tensor, num_buckets: int, max_distance: int) -> Tensor:
    """Bidirectional T5 bucket of ``key_pos - query_pos``: half the buckets per direction, exact up to
    ``num_buckets/4``, then logarithmic up to ``max_distance``."""
    half = num_buckets // 2
    buckets = (relative > 0).long() * half
    distance = torch.abs(relative)
    max_exact = half // 2
    is_small = distance < max_exact
    large = max_exact + (torch.log(distance.float().clamp(min=1) / max_exact)
                         / math.log(max_distance / max_exact) * (half - max_exact)).long()
    large = torch.clamp(large, max=half - 1)
    return buckets + torch.where(is_small, distance, large)


class T5LayerNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x: Tensor) -> Tensor:
        return self.weight * (x * torch.rsqrt(torch.mean(x * x, dim=-1, keepdim=True) + self.eps))


class T5Attention(nn.Module):
    def __init__(self, c: T5Config, has_bias: bool):
        super().__init__()
        inner = c.num_heads * c.d_kv
        self.heads, self.d_kv = c.num_heads, c.d_kv
        self.q = nn.Linear(c.d_model, inner, bias=False)
        self.k = nn.Linear(c.d_model, inner, bias=False)
        self.v = nn.Linear(c.d_model, inner, bias=False)
        self.o = nn.Linear(inner, c.d_model, bias=False)
        if has_bias:
            self.relative_attention_bias = nn.Embedding(c.relative_attention_num_buckets, c.num_heads)

    def forward(self, x: Tensor, bias: Tensor) -> Tensor:
        b, n, _ = x.shape

        def heads(t: Tensor) -> Tensor:
            return t.reshape(b, n, self.heads, self.d_kv).transpose(1, 2)

        scores = torch.matmul(heads(self.q(x)), heads(self.k(x)).transpose(-1, -2)) + bias
        out = torch.matmul(torch.softmax(scores, dim=-1), heads(self.v(x)))
        return self.o(out.transpose(1, 2).reshape(b, n, self.heads * self.d_kv))


class T5SelfAttentionLayer(nn.Module):
    def __init__(self, c: T5Config, has_bias: bool):
        super().__init__()
        self.SelfAttention = T5Attention(c, has_bias)
        self.layer_norm = T5LayerNorm(c.d_model, c.layer_norm_epsilon)

    def forward(self, x: Tensor, bias: Tensor) -> Tensor:
        return x + self.SelfAttention(self.layer_norm(x), bias)


class T5DenseGated(nn.Module):
    def __init__(self, c: T5Config):
        super().__init__()
        self.wi_0 = nn.Linear(c.d_model, c.d_ff, bias=False)
        self.wi_1 = nn.Linear(c.d_model, c.d_ff, bias=False)
        self.wo = nn.Linear(c.d_ff, c.d_model, bias=False)
        self.gelu = c.feed_forward_proj == "gated-gelu"

    def forward(self, x: Tensor) -> Tensor:
        gate = self.wi_0(x)
        gate = F.gelu(gate, approximate="tanh") if self.gelu else F.relu(gate)
        return self.wo(gate * self.wi_1(x))


class T5Dense(nn.Module):
    def __init__(self, c: T5Config):
        super().__init__()
        self.wi = nn.Linear(c.d_model, c.d_ff, bias=False)
        self.wo = nn.Linear(c.d_ff, c.d_model, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.wo(F.relu(self.wi(x)))


class T5FeedForwardLayer(nn.Module):
    def __init__(self, c: T5Config):
        super().__init__()
        self.DenseReluDense = T5Dense(c) if c.feed_forward_proj == "relu" else T5DenseGated(c)
        self.layer_norm = T5LayerNorm(c.d_model, c.layer_norm_epsilon)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.DenseReluDense(self.layer_norm(x))


class T5Block(nn.Module):
    def __init__(self, c: T5Config, has_bias: bool):
        super().__init__()
        self.layer = nn.ModuleList([T5SelfAttentionLayer(c, has_bias), T5FeedForwardLayer(c)])

    def forward(self, x: Tensor, bias: Tensor) -> Tensor:
        return self.layer[1](self.layer[0](x, bias))


class T5Stack(nn.Module):
    def __init__(self, c: T5Config):
        super().__init__()
        self.block = nn.ModuleList(T5Block(c, i == 0) for i in range(c.num_layers))
        self.final_layer_norm = T5LayerNorm(c.d_model, c.layer_norm_epsilon)


def key_padding_bias(mask: Tensor) -> Tensor:
    """``[B, T]`` keep-mask (1 keep, 0 pad) -> additive attention bias ``[B, 1, 1, T]`` (0 or -1e9)."""
    return (1.0 - mask.to(torch.float32))[:, None, None, :] * -1e9


class T5Encoder(nn.Module):
    """``input_ids [B, T]`` (int64) -> ``last_hidden_state [B, T, d_model]``; no attention mask.

    Stateless at inference: concurrent calls under ``torch.no_grad()`` are safe.
    """

    def __init__(self, config: T5Config):
        super().__init__()
        self.config = config
        self.shared = nn.Embedding(config.vocab_size, config.d_model)
        self.encoder = T5Stack(config)

    def position_bias(self, length: int) -> Tensor:
        pos = torch.arange(length)
        relative = pos[None, :] - pos[:, None]
        buckets = relative_position_bucket(relative, self.config.relative_attention_num_buckets,
                                           self.config.relative_attention_max_distance)
        table = self.encoder.block[0].layer[0].SelfAttention.relative_attention_bias
        return table(buckets).permute(2, 0, 1).unsqueeze(0)  # [1, heads, T, T]

    def forward(self, input_ids: Tensor, attention_mask: Optional[Tensor] = None) -> Tensor:
        """``attention_mask [B, T]`` (1 = real token, 0 = padding) removes padded keys; ``None`` (the reference
        and FLUX) keeps every token a key. Masked padding gives the real tokens exactly the states that the same
        prompt without padding gets."""
        x = self.shared(input_ids)
        bias = self.position_bias(input_ids.shape[1])
        if attention_mask is not None:
            bias = bias + key_padding_bias(attention_mask)
        for block in self.encoder.block:
            x = block(x, bias)
        return self.encoder.final_layer_norm(x)


def load(config: T5Config, weights: Optional[str], seed: int = 0) -> T5Encoder:
    """The encoder with weights from a safetensors file / index / folder, or random (seeded). The tied
    ``encoder.embed_tokens.weight`` of Hugging Face checkpoints is accepted in place of ``shared.weight``."""
    from . import safetensors_io

    torch.manual_seed(seed)
    model = T5Encoder(config).eval()
    if weights is None:
        return model
    state = model.state_dict()
    seen, unexpected, bad = set(), [], []
    with torch.no_grad():
        for name, tensor in safetensors_io.iter_tensors(weights):
            if name == "encoder.embed_tokens.weight":
                name = "shared.weight"
            if name not in state:
                unexpected.append(name)
                continue
            if tuple(state[name].shape) != tuple(tensor.shape):
                bad.append(f"{name}: model {tuple(state[name].shape)} vs file {tuple(tensor.shape)}")
                continue
            state[name].copy_(tensor)
            seen.add(name)
    missing = sorted(set(state) - seen)
    if missing or unexpected or bad:
        raise ValueError(f"{weights} does not fit the T5 config: missing {missing[:10]}, unexpected "
                         f"{sorted(unexpected)[:10]}, shape mismatch {bad[:10]}")
    return model


def export(model: T5Encoder, path: str, max_length: int, external: str = "auto",
           tokenizer: Optional[str] = None, padding: str = "max-length") -> Dict[str, object]:
    """Exports to ``path`` (input ``input_ids [1, T]`` int64, output ``last_hidden_state [1, T, d_model]``, T
    dynamic) and writes the export record (the manifest's ``textEncoder`` section).

    ``padding``: ``"max-length"`` (FLUX: prompts padded to ``max_length``, pads are live keys) or ``"none"`` (prompts
    run at their own length, at most ``max_length``: for a model trained with padded keys masked out, which is the
    same computation)."""
    if padding not in ("max-length", "none"):
        raise ValueError(f"padding must be 'max-length' or 'none', got {padding!r}")
    c = model.config
    spec = onnx_util.tensor_spec
    inputs = {"inputIds": spec("input_ids", "int64", [1, "T"])}
    outputs = {"hidden": spec("last_hidden_state", "float32", [1, "T", c.d_model])}
    example = (torch.arange(5, dtype=torch.int64).reshape(1, 5) % c.vocab_size,)
    files = onnx_util.export(model, example, path, inputs, outputs, external=external, doc="T5 encoder")
    record = {
        "kind": "t5",
        "file": os.path.basename(path),
        "externalData": files,
        "inputs": inputs,
        "outputs": outputs,
        "feeds": "txt",
        "tokenizer": tokenizer,
        "maxLength": max_length,
        "padding": padding,
        "attentionMask": False,
        "appendEos": True,
        "padTokenId": c.pad_token_id,
        "eosTokenId": c.eos_token_id,
        "bosTokenId": None,
        "hiddenSize": c.d_model,
    }
    onnx_util.write_record(path, record)
    return record


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m refam_tools.t5", description="Export a T5 encoder to ONNX.")
    ap.add_argument("--config", default="xxl", help="preset (xxl) or a Hugging Face config.json / its folder")
    ap.add_argument("--weights", help="safetensors file, index JSON or folder; omit for random weights")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--max-length", type=int, default=256, help="text length prompts are padded to "
                                                                "(FLUX: 256 schnell, 512 dev)")
    ap.add_argument("--padding", choices=["max-length", "none"], default="max-length",
                    help="max-length: pad prompts to --max-length (FLUX); none: run them unpadded (a model trained "
                         "with padding masked out)")
    ap.add_argument("--external-data", choices=["auto", "always", "never"], default="auto")
    args = ap.parse_args(argv)
    model = load(load_config(args.config), args.weights, args.seed)
    export(model, args.out, args.max_length, args.external_data, padding=args.padding)
    print(f"exported {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
