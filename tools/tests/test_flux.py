"""The FLUX transformer: reference parameter names, weight loading, and attention probabilities checked
against a naive float64 recomputation (complex-number RoPE, explicit softmax)."""

import cmath
import json
import math

import numpy as np
import pytest
import torch

from conftest import tiny_params
from refam_tools import flux, safetensors_io

# Parameter names of the reference implementation (model.py / layers.py) for depth=1, depth_single_blocks=1,
# guidance_embed=True, written out by hand: the official checkpoints use exactly these.
REFERENCE_NAMES = {
    "img_in.weight", "img_in.bias", "txt_in.weight", "txt_in.bias",
    "time_in.in_layer.weight", "time_in.in_layer.bias", "time_in.out_layer.weight", "time_in.out_layer.bias",
    "vector_in.in_layer.weight", "vector_in.in_layer.bias", "vector_in.out_layer.weight", "vector_in.out_layer.bias",
    "guidance_in.in_layer.weight", "guidance_in.in_layer.bias", "guidance_in.out_layer.weight",
    "guidance_in.out_layer.bias",
    "final_layer.linear.weight", "final_layer.linear.bias",
    "final_layer.adaLN_modulation.1.weight", "final_layer.adaLN_modulation.1.bias",
    "single_blocks.0.linear1.weight", "single_blocks.0.linear1.bias",
    "single_blocks.0.linear2.weight", "single_blocks.0.linear2.bias",
    "single_blocks.0.norm.query_norm.scale", "single_blocks.0.norm.key_norm.scale",
    "single_blocks.0.modulation.lin.weight", "single_blocks.0.modulation.lin.bias",
} | {
    f"double_blocks.0.{s}_{name}"
    for s in ("img", "txt")
    for name in ("mod.lin.weight", "mod.lin.bias", "attn.qkv.weight", "attn.qkv.bias",
                 "attn.norm.query_norm.scale", "attn.norm.key_norm.scale", "attn.proj.weight", "attn.proj.bias",
                 "mlp.0.weight", "mlp.0.bias", "mlp.2.weight", "mlp.2.bias")
}


def inputs(p, grid=(2, 3), t_len=5, seed=0, t=0.3):
    g = torch.Generator().manual_seed(seed)
    n = grid[0] * grid[1]
    args = [torch.randn(1, n, p.in_channels, generator=g), flux.image_ids(*grid),
            torch.randn(1, t_len, p.context_in_dim, generator=g), flux.text_ids(t_len), torch.tensor([t]),
            torch.randn(1, p.vec_in_dim, generator=g)]
    if p.guidance_embed:
        args.append(torch.tensor([3.5]))
    return args


def randomise(model, seed=1):
    """Default init leaves the RMSNorm scales at 1; give every parameter a random value."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for prm in model.parameters():
            prm.copy_(torch.randn(prm.shape, generator=g) * 0.3)
    return model


def test_parameter_names_are_the_reference_names():
    model = flux.build(tiny_params(depth=1, guidance_embed=True))
    assert set(model.state_dict()) == REFERENCE_NAMES


def test_shapes_follow_the_reference_layout(params):
    sd = flux.build(params).state_dict()
    h, mlp = params.hidden_size, int(params.hidden_size * params.mlp_ratio)
    assert sd["double_blocks.0.img_attn.qkv.weight"].shape == (3 * h, h)
    assert sd["double_blocks.0.img_mod.lin.weight"].shape == (6 * h, h)
    assert sd["double_blocks.0.img_attn.norm.query_norm.scale"].shape == (params.head_dim,)
    assert sd["single_blocks.0.linear1.weight"].shape == (3 * h + mlp, h)
    assert sd["single_blocks.0.linear2.weight"].shape == (h, h + mlp)
    assert sd["single_blocks.0.modulation.lin.weight"].shape == (3 * h, h)
    assert sd["final_layer.adaLN_modulation.1.weight"].shape == (2 * h, h)
    assert sd["time_in.in_layer.weight"].shape == (h, 256)


def test_weights_load_from_safetensors_with_reference_names(tmp_path, params):
    source = randomise(flux.build(params), seed=5)
    path = tmp_path / "flux.safetensors"
    safetensors_io.save_file({k: v.bfloat16() for k, v in source.state_dict().items()}, str(path))
    loaded = flux.load(params, str(path))
    for name, value in source.state_dict().items():
        assert torch.equal(loaded.state_dict()[name], value.bfloat16().float()), name
    args = inputs(params)
    with torch.no_grad():
        rounded = flux.build(params)
        rounded.load_state_dict({k: v.bfloat16().float() for k, v in source.state_dict().items()})
        assert torch.allclose(loaded(*args), rounded(*args), atol=1e-6)


def test_loading_reports_missing_and_unexpected_names(tmp_path, params):
    sd = flux.build(params).state_dict()
    sd.pop("img_in.weight")
    sd["transformer_blocks.0.attn.to_q.weight"] = torch.zeros(2)  # a diffusers-style name
    path = tmp_path / "bad.safetensors"
    safetensors_io.save_file(sd, str(path))
    with pytest.raises(ValueError, match="missing.*img_in.weight.*unexpected.*transformer_blocks"):
        flux.load(params, str(path))


def test_presets_carry_the_flux1_values():
    s, d = flux.PRESETS["schnell"], flux.PRESETS["dev"]
    assert (s.hidden_size, s.num_heads, s.depth, s.depth_single_blocks, s.axes_dim) == (3072, 24, 19, 38, [16, 56, 56])
    assert (s.in_channels, s.vec_in_dim, s.context_in_dim, s.theta, s.mlp_ratio) == (64, 768, 4096, 10000, 4.0)
    assert s.qkv_bias and not s.guidance_embed and d.guidance_embed
    assert s.total_blocks == 57


def test_params_from_json_and_its_errors(tmp_path):
    raw = tiny_params().to_json()
    path = tmp_path / "c.json"
    path.write_text(json.dumps(raw))
    assert flux.load_params(str(path)) == tiny_params()
    path.write_text(json.dumps(dict(raw, hidden=3)))
    with pytest.raises(ValueError, match="unknown keys \\['hidden'\\]"):
        flux.load_params(str(path))
    with pytest.raises(ValueError, match="axes_dim"):
        tiny_params(axes_dim=[4, 6, 4])
    with pytest.raises(ValueError, match="neither a preset"):
        flux.load_params("no-such-preset")


def test_block_lists_parse_ranges_and_reject_bad_indices():
    assert flux.parse_blocks("0,5,10-12", 57) == [0, 5, 10, 11, 12]
    assert flux.parse_blocks("all", 3) == [0, 1, 2]
    assert flux.parse_blocks("2,1,2", 3) == [1, 2]
    with pytest.raises(ValueError, match=r"\[57\] are outside 0..56"):
        flux.parse_blocks("3,57", 57)


def test_timestep_embedding_multiplies_t_by_1000():
    emb = flux.timestep_embedding(torch.tensor([0.5]))
    assert emb.shape == (1, 256)
    # frequency i is exp(-ln(10000) * i / 128): i = 0 gives 1, so the first entries are cos/sin of 500
    assert emb[0, 0].item() == pytest.approx(math.cos(500.0), abs=1e-5)
    assert emb[0, 128].item() == pytest.approx(math.sin(500.0), abs=1e-5)
    f5 = math.exp(-math.log(10000) * 5 / 128)
    assert emb[0, 5].item() == pytest.approx(math.cos(500.0 * f5), abs=1e-4)


# ------------------------------------------------------------------------------------------- naive attention


def naive_layer_norm(x):
    mu = x.mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(((x - mu) ** 2).mean(-1, keepdims=True) + 1e-6)


def naive_rope(x, ids, axes_dim, theta):
    """x [L, H, D] rotated pair by pair as complex numbers: pair i of axis a turns by pos_a * theta^(-2i/d_a)."""
    out = np.empty_like(x)
    for tok in range(x.shape[0]):
        pair = 0
        for a, d in enumerate(axes_dim):
            for i in range(d // 2):
                rot = cmath.exp(1j * ids[tok, a] * theta ** (-2.0 * i / d))
                for h in range(x.shape[1]):
                    z = complex(x[tok, h, 2 * pair], x[tok, h, 2 * pair + 1]) * rot
                    out[tok, h, 2 * pair], out[tok, h, 2 * pair + 1] = z.real, z.imag
                pair += 1
    return out


def naive_qk(x, vec, mod_w, mod_b, qkv_w, qkv_b, qs, ks, heads, chunks):
    """Modulated LayerNorm -> qkv -> per-head RMSNorm; returns q, k as [L, H, D] (float64)."""
    silu = vec / (1 + np.exp(-vec))
    mod = silu @ mod_w.T + mod_b
    shift, scale = np.split(mod, chunks)[0], np.split(mod, chunks)[1]
    xm = (1 + scale) * naive_layer_norm(x) + shift
    hidden = x.shape[1]
    qkv = xm @ qkv_w.T + qkv_b
    q = qkv[:, :hidden].reshape(-1, heads, hidden // heads)
    k = qkv[:, hidden:2 * hidden].reshape(-1, heads, hidden // heads)

    def rms(t, s):
        return t / np.sqrt((t ** 2).mean(-1, keepdims=True) + 1e-6) * s

    return rms(q, qs), rms(k, ks)


def naive_probs(q, k, ids, p):
    q = naive_rope(q, ids, p.axes_dim, p.theta)
    k = naive_rope(k, ids, p.axes_dim, p.theta)
    logits = np.einsum("qhd,khd->hqk", q, k) / math.sqrt(q.shape[-1])
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def block_inputs(model, args):
    """Runs the model and records what every block received."""
    seen = {}
    hooks = []
    for i, b in enumerate(model.double_blocks):
        hooks.append(b.register_forward_pre_hook(lambda m, a, i=i: seen.__setitem__(i, a)))
    for j, b in enumerate(model.single_blocks):
        k = len(model.double_blocks) + j
        hooks.append(b.register_forward_pre_hook(lambda m, a, k=k: seen.__setitem__(k, a)))
    with torch.no_grad():
        out = model(*args, capture=flux.AttentionCapture(tuple(range(model.params.total_blocks)), per_head=True))
    for h in hooks:
        h.remove()
    return out, seen


def test_attention_equals_a_naive_reference_in_every_block(params):
    model = randomise(flux.build(params), seed=2)
    t_len = 5
    args = inputs(params, grid=(2, 3), t_len=t_len, seed=4)
    out, seen = block_inputs(model, args)
    ids = torch.cat((args[3], args[1]), 1)[0].double().numpy()
    sd = {k: v.double().numpy() for k, v in model.state_dict().items()}
    heads = params.num_heads
    for block in range(params.total_blocks):
        vec = seen[block][2 if block < params.depth else 1][0].double().numpy()
        if block < params.depth:
            img, txt = seen[block][0][0].double().numpy(), seen[block][1][0].double().numpy()
            pre = f"double_blocks.{block}."
            parts = [naive_qk(x, vec, sd[pre + s + "_mod.lin.weight"], sd[pre + s + "_mod.lin.bias"],
                              sd[pre + s + "_attn.qkv.weight"], sd[pre + s + "_attn.qkv.bias"],
                              sd[pre + s + "_attn.norm.query_norm.scale"], sd[pre + s + "_attn.norm.key_norm.scale"],
                              heads, 6) for s, x in (("txt", txt), ("img", img))]
            q = np.concatenate([parts[0][0], parts[1][0]])
            k = np.concatenate([parts[0][1], parts[1][1]])
        else:
            x = seen[block][0][0].double().numpy()
            pre = f"single_blocks.{block - params.depth}."
            hidden = params.hidden_size
            w = sd[pre + "linear1.weight"][:3 * hidden]
            b = sd[pre + "linear1.bias"][:3 * hidden]
            q, k = naive_qk(x, vec, sd[pre + "modulation.lin.weight"], sd[pre + "modulation.lin.bias"], w, b,
                            sd[pre + "norm.query_norm.scale"], sd[pre + "norm.key_norm.scale"], heads, 3)
        probs = naive_probs(q, k, ids, params)
        assert np.allclose(probs.sum(-1), 1.0)
        got = out.img2txt[0, block].double().numpy()
        assert np.allclose(got, probs[:, t_len:, :t_len], atol=1e-5), f"block {block}"
        assert np.allclose(out.txt2txt[0, block].double().numpy(), probs[:, :t_len, :t_len].mean(0), atol=1e-5)


def test_head_mean_and_row_sums(params):
    model = randomise(flux.build(params), seed=3)
    args = inputs(params, grid=(3, 3), t_len=4)
    with torch.no_grad():
        per_head = model(*args, capture=flux.AttentionCapture((0, 2), per_head=True))
        mean = model(*args, capture=flux.AttentionCapture((0, 2)))
    assert per_head.img2txt.shape == (1, 2, params.num_heads, 9, 4)
    assert mean.img2txt.shape == (1, 2, 9, 4)
    assert torch.allclose(per_head.img2txt.mean(2), mean.img2txt, atol=1e-7)
    rows = mean.img2txt.sum(-1)  # image rows over text keys only: a share of the joint softmax
    assert (rows > 0).all() and (rows < 1).all()
    text_rows = mean.txt2txt.sum(-1)  # text rows over text keys: the rest of the mass went to image keys
    assert (text_rows > 0).all() and (text_rows < 1).all()


def test_joint_attention_rows_sum_to_one_over_all_keys():
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(1, 2, 7, 16, generator=g) for _ in range(3))
    angles = torch.rand(1, 1, 7, 8, generator=g) * 10
    _, p = flux.joint_attention(q, k, v, torch.cos(angles), torch.sin(angles))
    assert torch.allclose(p.sum(-1), torch.ones(1, 2, 7), atol=1e-6)


def test_capture_does_not_change_the_prediction_and_early_stop_keeps_attention(params):
    model = randomise(flux.build(params), seed=4)
    args = inputs(params)
    with torch.no_grad():
        plain = model(*args)
        full = model(*args, capture=flux.AttentionCapture((1,)))
        cut = model(*args, capture=flux.AttentionCapture((1,), stop_after_last=True))
    assert torch.equal(plain, full.pred)
    assert cut.pred is None
    assert torch.allclose(cut.img2txt, full.img2txt) and torch.allclose(cut.txt2txt, full.txt2txt)


def test_guidance_model_needs_guidance():
    p = tiny_params(guidance_embed=True)
    model = flux.build(p)
    args = inputs(p)
    with pytest.raises(ValueError, match="guidance"):
        model(*args[:6])
    with torch.no_grad():
        assert not torch.allclose(model(*args[:6], torch.tensor([1.0])), model(*args[:6], torch.tensor([4.0])))


def test_absolute_position_table_is_indexed_by_row_and_column():
    p = tiny_params(abs_pos_embed=[3, 4])
    model = flux.build(p)
    ids = flux.image_ids(2, 5)  # column 4 lies beyond the 4-column table: clamped to column 3
    rows = model.position_table(ids)[0]
    table = model.abs_pos_embed
    assert torch.equal(rows[0], table[0, 0])
    assert torch.equal(rows[1 * 5 + 2], table[1, 2])
    assert torch.equal(rows[1 * 5 + 4], table[1, 3])
    assert "abs_pos_embed" in model.state_dict()
    with torch.no_grad():
        a = model(*inputs(p, grid=(2, 2)))
        model.abs_pos_embed.zero_()
        b = model(*inputs(p, grid=(2, 2)))
    assert not torch.allclose(a, b)


def test_attn_blocks_extension_is_validated():
    assert tiny_params(attn_blocks=[2, 0]).attn_blocks == [0, 2]
    with pytest.raises(ValueError, match="outside"):
        tiny_params(attn_blocks=[3])


def test_text_mask_equals_the_unpadded_prompt():
    # txt_mask (an extension for models trained with masked padding): padded keys removed in every block give the
    # real text tokens' and the image tokens' results of the unpadded prompt exactly (up to float rounding)
    p = tiny_params(depth=1)
    model = randomise(flux.build(p))
    img, img_ids, txt, txt_ids, t, y = inputs(p, t_len=3)[:6]
    g = torch.Generator().manual_seed(5)
    padded = torch.cat((txt, torch.randn(1, 2, p.context_in_dim, generator=g)), dim=1)
    capture = flux.AttentionCapture((0, 1))
    with torch.no_grad():
        ref = model(img, img_ids, txt, txt_ids, t, y, capture=capture)
        out = model(img, img_ids, padded, flux.text_ids(5), t, y, capture=capture,
                    txt_mask=torch.tensor([[1.0, 1.0, 1.0, 0.0, 0.0]]))
        live = model(img, img_ids, padded, flux.text_ids(5), t, y, capture=capture)
    assert torch.allclose(out.pred, ref.pred, atol=1e-5)
    assert torch.allclose(out.img2txt[..., :3], ref.img2txt, atol=1e-6)
    assert float(out.img2txt[..., 3:].abs().max()) == 0.0
    assert not torch.allclose(live.pred, ref.pred, atol=1e-5), "unmasked pads must change the result"
