"""A FLUX.1 transformer in plain PyTorch that can return its joint attention probabilities.

Written from the architecture of the reference implementation (black-forest-labs/flux: ``src/flux/model.py``,
``src/flux/modules/layers.py``, ``src/flux/math.py``). Parameter names equal the reference's, so the official
single-file checkpoints (``flux1-schnell.safetensors``, ``flux1-dev.safetensors``) load unchanged.

Differences from the reference, all numerically neutral in float32:

* attention is written out (softmax of ``q k^T / sqrt(d)``) instead of a fused kernel, so that the probabilities
  of selected blocks can be returned and so that PyTorch 1.13 can export it;
* the parameter-free LayerNorms are ``F.layer_norm`` calls (an ``nn.LayerNorm(elementwise_affine=False)`` does
  not export with PyTorch 1.13);
* RoPE angles are computed in float32 from the position ids inside the graph (the reference builds a
  ``[.., 2, 2]`` rotation tensor; the rotation is the same).

Two extensions, off by default, for small models trained from scratch (see ``FluxParams``):
``abs_pos_embed`` (a learned absolute 2D position table added to image tokens after ``img_in``) and
``attn_blocks`` (the blocks whose attention is captured when the caller names none).

Token order inside every block is ``[text ; image]``: with ``T`` text tokens, the image-query x text-key slice
of the probabilities is ``P[:, :, T:, :T]`` and the text x text slice is ``P[:, :, :T, :T]`` (method.md 2.4).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from dataclasses import dataclass
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

# Constants of the reference implementation (layers.py / model.py).
TIME_EMBED_DIM = 256  # MLPEmbedder(in_dim=256) for timesteps and guidance
TIME_FACTOR = 1000.0  # timestep_embedding multiplies t by 1000
MAX_PERIOD = 10000.0  # timestep_embedding max_period
NORM_EPS = 1e-6  # LayerNorm and RMSNorm eps


@dataclass
class FluxParams:
    """Architecture of a FLUX-style transformer; field names follow the reference ``FluxParams``.

    Extensions (absent from the reference, default off):

    * ``abs_pos_embed``: ``[grid_h, grid_w]`` adds a learned table ``abs_pos_embed`` of shape
      ``[grid_h, grid_w, hidden_size]`` to the image tokens after ``img_in``, indexed by the row and column of
      ``img_ids`` (columns 1 and 2); rows/columns beyond the table are clamped to its last row/column.
    * ``attn_blocks``: the blocks (0..depth+depth_single_blocks-1, double blocks first) whose attention is
      captured when the caller names none; ``None`` means all blocks.
    """

    in_channels: int
    vec_in_dim: int
    context_in_dim: int
    hidden_size: int
    mlp_ratio: float
    num_heads: int
    depth: int
    depth_single_blocks: int
    axes_dim: List[int]
    theta: int
    qkv_bias: bool
    guidance_embed: bool
    out_channels: Optional[int] = None
    abs_pos_embed: Optional[List[int]] = None
    attn_blocks: Optional[List[int]] = None

    def __post_init__(self) -> None:
        if self.out_channels is None:
            self.out_channels = self.in_channels
        self.axes_dim = list(self.axes_dim)
        if self.hidden_size % self.num_heads != 0:
            raise ValueError(f"hidden_size {self.hidden_size} is not divisible by num_heads {self.num_heads}")
        head_dim = self.hidden_size // self.num_heads
        if sum(self.axes_dim) != head_dim or any(d % 2 for d in self.axes_dim):
            raise ValueError(f"axes_dim {self.axes_dim} must be even and sum to the head dim {head_dim}")
        if self.abs_pos_embed is not None:
            self.abs_pos_embed = list(self.abs_pos_embed)
            if len(self.abs_pos_embed) != 2 or min(self.abs_pos_embed) < 1:
                raise ValueError(f"abs_pos_embed must be [grid_h, grid_w] with positive sizes, got {self.abs_pos_embed}")
        if self.attn_blocks is not None:
            self.attn_blocks = check_blocks(self.attn_blocks, self.total_blocks)

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_heads

    @property
    def total_blocks(self) -> int:
        return self.depth + self.depth_single_blocks

    def to_json(self) -> Dict[str, object]:
        return dataclasses.asdict(self)


# FLUX.1 values from the reference util.py configs ("flux-schnell", "flux-dev").
PRESETS: Dict[str, FluxParams] = {
    "schnell": FluxParams(in_channels=64, vec_in_dim=768, context_in_dim=4096, hidden_size=3072, mlp_ratio=4.0,
                          num_heads=24, depth=19, depth_single_blocks=38, axes_dim=[16, 56, 56], theta=10_000,
                          qkv_bias=True, guidance_embed=False),
    "dev": FluxParams(in_channels=64, vec_in_dim=768, context_in_dim=4096, hidden_size=3072, mlp_ratio=4.0,
                      num_heads=24, depth=19, depth_single_blocks=38, axes_dim=[16, 56, 56], theta=10_000,
                      qkv_bias=True, guidance_embed=True),
}
# T5 text length FLUX pads prompts to (reference cli.py: 256 for schnell, 512 for dev).
PRESET_TEXT_LENGTH = {"schnell": 256, "dev": 512}
# Default guidance of the reference cli.py for guidance-distilled models (dev).
DEFAULT_GUIDANCE = 3.5


def load_params(spec: str) -> FluxParams:
    """A preset name (``schnell``, ``dev``) or the path of a JSON object with ``FluxParams`` fields."""
    if spec in PRESETS:
        return dataclasses.replace(PRESETS[spec])
    if not os.path.isfile(spec):
        raise ValueError(f"config {spec!r} is neither a preset {sorted(PRESETS)} nor a JSON file")
    with open(spec, "r", encoding="utf-8") as f:
        raw = json.load(f)
    return params_from_json(raw, spec)


def params_from_json(raw: Dict[str, object], where: str = "config") -> FluxParams:
    known = {f.name for f in dataclasses.fields(FluxParams)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(f"{where}: unknown keys {unknown}; known keys are {sorted(known)}")
    missing = sorted(f.name for f in dataclasses.fields(FluxParams)
                     if f.name not in raw and f.default is dataclasses.MISSING)
    if missing:
        raise ValueError(f"{where}: missing keys {missing}")
    return FluxParams(**raw)


def check_blocks(blocks: Sequence[int], total: int) -> List[int]:
    """Sorted, distinct block indices, each in ``[0, total)``."""
    out = sorted(set(int(b) for b in blocks))
    if not out:
        raise ValueError("no blocks selected")
    bad = [b for b in out if b < 0 or b >= total]
    if bad:
        raise ValueError(f"blocks {bad} are outside 0..{total - 1}")
    return out


def parse_blocks(text: str, total: int) -> List[int]:
    """``"all"``, or a comma list of indices and inclusive ranges (``"0,5,10-18"``)."""
    text = text.strip()
    if text == "all":
        return list(range(total))
    blocks: List[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            lo, hi = part.split("-", 1)
            blocks.extend(range(int(lo), int(hi) + 1))
        else:
            blocks.append(int(part))
    return check_blocks(blocks, total)


# ---------------------------------------------------------------------------------------------------- functions


def timestep_embedding(t: Tensor, dim: int = TIME_EMBED_DIM) -> Tensor:
    """Sinusoidal embedding of ``1000 * t``: ``[cos(args), sin(args)]`` with ``args = 1000 t * exp(-ln(10000) i / half)``."""
    half = dim // 2
    freqs = torch.exp(-math.log(MAX_PERIOD) * torch.arange(half, dtype=torch.float32) / half)
    args = (TIME_FACTOR * t.float())[:, None] * freqs[None]
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    if dim % 2:
        emb = torch.cat([emb, torch.zeros_like(emb[:, :1])], dim=-1)
    return emb


def rope_angles(ids: Tensor, axes_dim: Sequence[int], theta: float) -> Tensor:
    """Rotation angles ``[B, L, sum(axes_dim)/2]``: for axis ``a`` with ``d`` dims, ``pos_a * theta^(-2i/d)``,
    axes concatenated in order."""
    parts = []
    for a, d in enumerate(axes_dim):
        omega = torch.tensor([float(theta) ** (-i / d) for i in range(0, d, 2)], dtype=torch.float32)
        parts.append(ids[..., a:a + 1].float() * omega)
    return torch.cat(parts, dim=-1)


def apply_rope(x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
    """Rotates consecutive pairs ``(x[2i], x[2i+1])`` of ``x`` ``[B, H, L, D]`` by the angles whose cos/sin are
    ``[B, 1, L, D/2]``."""
    b, h, n, d = x.shape
    pairs = x.reshape(b, h, n, d // 2, 2)
    x0, x1 = pairs[..., 0], pairs[..., 1]
    return torch.stack([cos * x0 - sin * x1, sin * x0 + cos * x1], dim=-1).reshape(b, h, n, d)


def joint_attention(q: Tensor, k: Tensor, v: Tensor, cos: Tensor, sin: Tensor,
                    key_bias: Optional[Tensor] = None) -> Tuple[Tensor, Tensor]:
    """RoPE then softmax attention. Returns ``(out [B, L, H*D], probabilities [B, H, L, L])``.

    ``key_bias [B, 1, 1, L]`` (optional) is added to the scores: -1e9 removes a key (padding)."""
    q = apply_rope(q, cos, sin)
    k = apply_rope(k, cos, sin)
    scale = q.shape[-1] ** -0.5
    scores = torch.matmul(q, k.transpose(-1, -2)) * scale
    if key_bias is not None:
        scores = scores + key_bias
    p = torch.softmax(scores, dim=-1)
    out = torch.matmul(p, v)
    return out.transpose(1, 2).flatten(2), p


def split_heads(qkv: Tensor, heads: int) -> Tuple[Tensor, Tensor, Tensor]:
    """``[B, L, 3*H*D] -> 3 x [B, H, L, D]`` (reference rearrange ``"B L (K H D) -> K B H L D"``)."""
    b, n, c = qkv.shape
    x = qkv.reshape(b, n, 3, heads, c // (3 * heads)).permute(2, 0, 3, 1, 4)
    return x[0], x[1], x[2]


def layer_norm(x: Tensor, dim: int) -> Tensor:
    """Parameter-free LayerNorm over the last axis of size ``dim`` (a Python int, so the export keeps it static).

    The explicit all-ones weight becomes a constant of the ONNX ``LayerNormalization`` node, whose scale input is
    required: without it PyTorch 1.13 writes an empty input name and the graph fails the checker."""
    return F.layer_norm(x, (dim,), weight=torch.ones(dim, dtype=x.dtype, device=x.device), eps=NORM_EPS)


# ---------------------------------------------------------------------------------------------------- modules


class MLPEmbedder(nn.Module):
    def __init__(self, in_dim: int, hidden_dim: int, device=None):
        super().__init__()
        self.in_layer = nn.Linear(in_dim, hidden_dim, bias=True, device=device)
        self.out_layer = nn.Linear(hidden_dim, hidden_dim, bias=True, device=device)

    def forward(self, x: Tensor) -> Tensor:
        return self.out_layer(F.silu(self.in_layer(x)))


class RMSNorm(nn.Module):
    def __init__(self, dim: int, device=None):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(dim, device=device))

    def forward(self, x: Tensor) -> Tensor:
        return x * torch.rsqrt(torch.mean(x * x, dim=-1, keepdim=True) + NORM_EPS) * self.scale


class QKNorm(nn.Module):
    def __init__(self, dim: int, device=None):
        super().__init__()
        self.query_norm = RMSNorm(dim, device)
        self.key_norm = RMSNorm(dim, device)


class SelfAttention(nn.Module):
    """Holds the reference's ``qkv``/``norm``/``proj`` parameters; the joint attention runs in the block."""

    def __init__(self, dim: int, num_heads: int, qkv_bias: bool, device=None):
        super().__init__()
        self.num_heads = num_heads
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias, device=device)
        self.norm = QKNorm(dim // num_heads, device)
        self.proj = nn.Linear(dim, dim, device=device)

    def qkv_heads(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        q, k, v = split_heads(self.qkv(x), self.num_heads)
        return self.norm.query_norm(q), self.norm.key_norm(k), v


class Modulation(nn.Module):
    def __init__(self, dim: int, double: bool, device=None):
        super().__init__()
        self.multiplier = 6 if double else 3
        self.lin = nn.Linear(dim, self.multiplier * dim, bias=True, device=device)

    def forward(self, vec: Tensor) -> List[Tensor]:
        """``multiplier`` tensors ``[B, 1, dim]``: (shift, scale, gate) once or twice."""
        return list(self.lin(F.silu(vec))[:, None, :].chunk(self.multiplier, dim=-1))


def _mlp(hidden: int, mlp_hidden: int, device=None) -> nn.Sequential:
    return nn.Sequential(nn.Linear(hidden, mlp_hidden, bias=True, device=device), nn.GELU(approximate="tanh"),
                         nn.Linear(mlp_hidden, hidden, bias=True, device=device))


class DoubleStreamBlock(nn.Module):
    def __init__(self, hidden: int, heads: int, mlp_ratio: float, qkv_bias: bool, device=None):
        super().__init__()
        mlp_hidden = int(hidden * mlp_ratio)
        self.hidden = hidden
        self.img_mod = Modulation(hidden, True, device)
        self.img_attn = SelfAttention(hidden, heads, qkv_bias, device)
        self.img_mlp = _mlp(hidden, mlp_hidden, device)
        self.txt_mod = Modulation(hidden, True, device)
        self.txt_attn = SelfAttention(hidden, heads, qkv_bias, device)
        self.txt_mlp = _mlp(hidden, mlp_hidden, device)

    def forward(self, img: Tensor, txt: Tensor, vec: Tensor, cos: Tensor, sin: Tensor,
                attention_only: bool = False, key_bias: Optional[Tensor] = None) -> Tuple[Tensor, Tensor, Tensor]:
        """Returns ``(img, txt, probabilities)``; with ``attention_only`` the streams are returned unchanged."""
        i_shift1, i_scale1, i_gate1, i_shift2, i_scale2, i_gate2 = self.img_mod(vec)
        t_shift1, t_scale1, t_gate1, t_shift2, t_scale2, t_gate2 = self.txt_mod(vec)
        iq, ik, iv = self.img_attn.qkv_heads((1 + i_scale1) * layer_norm(img, self.hidden) + i_shift1)
        tq, tk, tv = self.txt_attn.qkv_heads((1 + t_scale1) * layer_norm(txt, self.hidden) + t_shift1)
        out, p = joint_attention(torch.cat((tq, iq), 2), torch.cat((tk, ik), 2), torch.cat((tv, iv), 2), cos, sin,
                                 key_bias)
        if attention_only:
            return img, txt, p
        t = txt.shape[1]
        t_out, i_out = out[:, :t], out[:, t:]
        img = img + i_gate1 * self.img_attn.proj(i_out)
        img = img + i_gate2 * self.img_mlp((1 + i_scale2) * layer_norm(img, self.hidden) + i_shift2)
        txt = txt + t_gate1 * self.txt_attn.proj(t_out)
        txt = txt + t_gate2 * self.txt_mlp((1 + t_scale2) * layer_norm(txt, self.hidden) + t_shift2)
        return img, txt, p


class SingleStreamBlock(nn.Module):
    def __init__(self, hidden: int, heads: int, mlp_ratio: float, device=None):
        super().__init__()
        self.hidden = hidden
        self.heads = heads
        self.mlp_hidden = int(hidden * mlp_ratio)
        self.linear1 = nn.Linear(hidden, hidden * 3 + self.mlp_hidden, device=device)
        self.linear2 = nn.Linear(hidden + self.mlp_hidden, hidden, device=device)
        self.norm = QKNorm(hidden // heads, device)
        self.modulation = Modulation(hidden, False, device)

    def forward(self, x: Tensor, vec: Tensor, cos: Tensor, sin: Tensor,
                attention_only: bool = False, key_bias: Optional[Tensor] = None) -> Tuple[Tensor, Tensor]:
        shift, scale, gate = self.modulation(vec)
        qkv, mlp = torch.split(self.linear1((1 + scale) * layer_norm(x, self.hidden) + shift),
                               [3 * self.hidden, self.mlp_hidden], dim=-1)
        q, k, v = split_heads(qkv, self.heads)
        out, p = joint_attention(self.norm.query_norm(q), self.norm.key_norm(k), v, cos, sin, key_bias)
        if attention_only:
            return x, p
        return x + gate * self.linear2(torch.cat((out, F.gelu(mlp, approximate="tanh")), 2)), p


class LastLayer(nn.Module):
    def __init__(self, hidden: int, out_channels: int, device=None):
        super().__init__()
        self.hidden = hidden
        self.linear = nn.Linear(hidden, out_channels, bias=True, device=device)
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(hidden, 2 * hidden, bias=True, device=device))

    def forward(self, x: Tensor, vec: Tensor) -> Tensor:
        shift, scale = self.adaLN_modulation(vec).chunk(2, dim=1)
        return self.linear((1 + scale[:, None, :]) * layer_norm(x, self.hidden) + shift[:, None, :])


@dataclass(frozen=True)
class AttentionCapture:
    """What :meth:`Flux.forward` should return besides (or instead of) the prediction.

    ``blocks``: block indices, double blocks first (FLUX.1: 0..18 double, 19..56 single), ascending.
    ``per_head``: keep heads in the image x text output (``[B, L, H, N, T]``) instead of their mean
    (``[B, L, N, T]``). ``text_to_text``: also return the head-mean text x text probabilities ``[B, L, T, T]``.
    ``stop_after_last``: skip everything after the last selected block's attention (no prediction).
    """

    blocks: Tuple[int, ...]
    per_head: bool = False
    text_to_text: bool = True
    stop_after_last: bool = False


class FluxOutput(NamedTuple):
    pred: Optional[Tensor]
    img2txt: Optional[Tensor]
    txt2txt: Optional[Tensor]


class Flux(nn.Module):
    """The FLUX.1 transformer. ``forward`` follows the reference; see :meth:`forward` for attention capture.

    Not thread-safe for concurrent training; inference calls under ``torch.no_grad()`` may share it.
    """

    def __init__(self, params: FluxParams, device=None):
        super().__init__()
        self.params = params
        h = params.hidden_size
        self.img_in = nn.Linear(params.in_channels, h, bias=True, device=device)
        self.time_in = MLPEmbedder(TIME_EMBED_DIM, h, device)
        self.vector_in = MLPEmbedder(params.vec_in_dim, h, device)
        self.guidance_in = MLPEmbedder(TIME_EMBED_DIM, h, device) if params.guidance_embed else None
        self.txt_in = nn.Linear(params.context_in_dim, h, device=device)
        self.double_blocks = nn.ModuleList(
            DoubleStreamBlock(h, params.num_heads, params.mlp_ratio, params.qkv_bias, device)
            for _ in range(params.depth))
        self.single_blocks = nn.ModuleList(
            SingleStreamBlock(h, params.num_heads, params.mlp_ratio, device) for _ in range(params.depth_single_blocks))
        self.final_layer = LastLayer(h, params.out_channels, device)
        if params.abs_pos_embed is not None:
            gh, gw = params.abs_pos_embed
            self.abs_pos_embed = nn.Parameter(torch.randn(gh, gw, h, device=device) * 0.02)
        else:
            self.abs_pos_embed = None

    def position_table(self, img_ids: Tensor) -> Tensor:
        """The learned absolute position rows for image tokens ``[B, N, hidden]`` (extension ``abs_pos_embed``)."""
        gh, gw = self.params.abs_pos_embed
        row = torch.clamp(img_ids[..., 1], 0, gh - 1).long()
        col = torch.clamp(img_ids[..., 2], 0, gw - 1).long()
        return F.embedding(row * gw + col, self.abs_pos_embed.reshape(gh * gw, -1))

    def forward(self, img: Tensor, img_ids: Tensor, txt: Tensor, txt_ids: Tensor, timesteps: Tensor, y: Tensor,
                guidance: Optional[Tensor] = None, capture: Optional[AttentionCapture] = None,
                txt_mask: Optional[Tensor] = None):
        """Velocity prediction ``[B, N, out_channels]`` for image tokens ``img [B, N, in_channels]``.

        ``img_ids [B, N, 3]``/``txt_ids [B, T, 3]``: RoPE positions (text: zeros; image: (0, row, col)).
        ``timesteps [B]``: flow time t in [0, 1] (multiplied by 1000 inside). ``y [B, vec_in_dim]``: pooled text
        vector. ``guidance [B]``: required when ``guidance_embed``.

        Without ``capture`` returns the prediction tensor; with it a :class:`FluxOutput` whose ``img2txt`` is
        ``[B, L, N, T]`` (``[B, L, H, N, T]`` per head) and ``txt2txt`` ``[B, L, T, T]``, row ``l`` from block
        ``capture.blocks[l]``; ``pred`` is ``None`` when ``capture.stop_after_last``.

        ``txt_mask [B, T]`` (1 = real token, 0 = padding; an extension, FLUX passes none) removes padded text
        tokens as keys in every block, so the real tokens see exactly what the unpadded prompt gives them.
        """
        p = self.params
        if img.ndim != 3 or txt.ndim != 3:
            raise ValueError(f"img and txt must be [B, L, C], got {tuple(img.shape)} and {tuple(txt.shape)}")
        blocks = set(capture.blocks) if capture else set()
        last = max(blocks) if capture and capture.stop_after_last else p.total_blocks
        if capture is not None:
            check_blocks(capture.blocks, p.total_blocks)

        img = self.img_in(img)
        if self.abs_pos_embed is not None:
            img = img + self.position_table(img_ids)
        vec = self.time_in(timestep_embedding(timesteps))
        if self.guidance_in is not None:
            if guidance is None:
                raise ValueError("this model is guidance-distilled (guidance_embed): pass guidance")
            vec = vec + self.guidance_in(timestep_embedding(guidance))
        vec = vec + self.vector_in(y)
        txt = self.txt_in(txt)
        t = txt.shape[1]

        key_bias = None
        if txt_mask is not None:
            keep = torch.cat((txt_mask.to(torch.float32), torch.ones(img.shape[0], img.shape[1])), dim=1)
            key_bias = (1.0 - keep)[:, None, None, :] * -1e9
        angles = rope_angles(torch.cat((txt_ids, img_ids), dim=1), p.axes_dim, p.theta).unsqueeze(1)
        cos, sin = torch.cos(angles), torch.sin(angles)

        i2t: List[Tensor] = []
        t2t: List[Tensor] = []

        def keep(probs: Tensor) -> None:
            a = probs[:, :, t:, :t]
            i2t.append(a if capture.per_head else a.mean(dim=1))
            if capture.text_to_text:
                t2t.append(probs[:, :, :t, :t].mean(dim=1))

        index = 0
        for block in self.double_blocks:
            if index > last:
                break
            img, txt, probs = block(img, txt, vec, cos, sin, attention_only=index == last, key_bias=key_bias)
            if index in blocks:
                keep(probs)
            index += 1
        x = torch.cat((txt, img), 1)
        for block in self.single_blocks:
            if index > last:
                break
            x, probs = block(x, vec, cos, sin, attention_only=index == last, key_bias=key_bias)
            if index in blocks:
                keep(probs)
            index += 1

        pred = None
        if capture is None or not capture.stop_after_last:
            pred = self.final_layer(x[:, t:, ...], vec)
        if capture is None:
            return pred
        return FluxOutput(pred, torch.stack(i2t, dim=1), torch.stack(t2t, dim=1) if t2t else None)


# ---------------------------------------------------------------------------------------------------- building


def build(params: FluxParams, seed: Optional[int] = 0) -> Flux:
    """A model with random initialisation (PyTorch defaults, seeded) and float32 weights, in eval mode."""
    if seed is not None:
        torch.manual_seed(seed)
    return Flux(params).eval()


def load_weights(model: nn.Module, path: str, strict: bool = True) -> None:
    """Copies the tensors of a safetensors file / index / folder into ``model`` one at a time (converted to the
    model's dtype), so memory holds the model plus one tensor. Raises ``ValueError`` listing missing, unexpected
    and mis-shaped names."""
    from . import safetensors_io

    state = model.state_dict()
    seen = set()
    unexpected, bad_shape = [], []
    with torch.no_grad():
        for name, tensor in safetensors_io.iter_tensors(path):
            if name not in state:
                unexpected.append(name)
                continue
            dest = state[name]
            if tuple(dest.shape) != tuple(tensor.shape):
                bad_shape.append(f"{name}: model {tuple(dest.shape)} vs file {tuple(tensor.shape)}")
                continue
            dest.copy_(tensor)
            seen.add(name)
    missing = sorted(set(state) - seen)
    problems = []
    if bad_shape:
        problems.append(f"shape mismatch: {bad_shape[:10]}")
    if strict and missing:
        problems.append(f"{len(missing)} missing tensors, e.g. {missing[:10]}")
    if strict and unexpected:
        problems.append(f"{len(unexpected)} unexpected tensors, e.g. {sorted(unexpected)[:10]}")
    if problems:
        raise ValueError(f"{path} does not fit the model: " + "; ".join(problems))


def load(params: FluxParams, weights: Optional[str], seed: int = 0) -> Flux:
    """The model with weights from ``weights`` (safetensors file, index or folder), or random (seeded) when
    ``weights`` is ``None``. With weights, parameters are allocated without initialisation (meta device, then
    ``to_empty``) so a 12B model does not pay for a random init it overwrites."""
    if weights is None:
        return build(params, seed)
    model = Flux(params, device="meta").to_empty(device="cpu")
    load_weights(model, weights)
    return model.eval()


def image_ids(grid_h: int, grid_w: int, frame: int = 0) -> Tensor:
    """RoPE ids ``[1, grid_h*grid_w, 3]`` of an image grid in row-major order: ``(frame, row, col)``."""
    ids = torch.zeros(grid_h, grid_w, 3)
    ids[..., 0] = frame
    ids[..., 1] = torch.arange(grid_h, dtype=torch.float32)[:, None]
    ids[..., 2] = torch.arange(grid_w, dtype=torch.float32)[None, :]
    return ids.reshape(1, grid_h * grid_w, 3)


def text_ids(length: int) -> Tensor:
    """RoPE ids ``[1, length, 3]`` of text tokens: all zeros."""
    return torch.zeros(1, length, 3)
