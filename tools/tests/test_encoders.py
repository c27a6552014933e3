"""Text and image encoders: Hugging Face / reference parameter names, defining behaviours, ONNX at untraced
sizes."""

import numpy as np
import pytest
import torch

from refam_tools import clip_text, onnx_numpy, patchify, safetensors_io, t5, vae_encoder

T5_TINY = t5.T5Config(vocab_size=40, d_model=16, d_kv=4, d_ff=24, num_layers=2, num_heads=2)
CLIP_TINY = clip_text.ClipTextConfig(vocab_size=60, hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                                     num_attention_heads=2, max_position_embeddings=10, bos_token_id=58,
                                     eos_token_id=59, pad_token_id=59)
VAE_TINY = vae_encoder.AutoEncoderParams(ch=32, ch_mult=[1, 1, 2, 2], num_res_blocks=1, z_channels=4, groups=8)


def randomise(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.3)
    return model


# ------------------------------------------------------------------------------------------------------ T5


def test_t5_names_are_the_hugging_face_names():
    names = set(t5.T5Encoder(T5_TINY).state_dict())
    expected = {"shared.weight", "encoder.final_layer_norm.weight",
                "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight"}
    for b in range(2):
        pre = f"encoder.block.{b}.layer."
        expected |= {pre + f"0.SelfAttention.{x}.weight" for x in "qkvo"}
        expected |= {pre + "0.layer_norm.weight", pre + "1.layer_norm.weight"}
        expected |= {pre + f"1.DenseReluDense.{x}.weight" for x in ("wi_0", "wi_1", "wo")}
    assert names == expected


@pytest.mark.parametrize("relative, bucket", [(0, 0), (1, 17), (-1, 1), (-7, 7), (-8, 8), (-16, 10), (-127, 15),
                                              (-128, 15), (1000, 31), (20, 26)])
def test_t5_relative_position_buckets(relative, bucket):
    # bidirectional: 16 buckets per direction, exact below 8, log-spaced up to 128 (T5 paper, section 2.1)
    got = t5.relative_position_bucket(torch.tensor([relative]), 32, 128)
    assert got.item() == bucket


def test_t5_loads_hugging_face_checkpoints_with_the_tied_embedding_name(tmp_path):
    source = randomise(t5.T5Encoder(T5_TINY), 1)
    sd = dict(source.state_dict())
    sd["encoder.embed_tokens.weight"] = sd.pop("shared.weight")
    path = tmp_path / "t5.safetensors"
    safetensors_io.save_file(sd, str(path))
    loaded = t5.load(T5_TINY, str(path))
    ids = torch.tensor([[3, 7, 1, 0, 0]])
    with torch.no_grad():
        assert torch.equal(loaded(ids), source(ids))


def test_t5_padding_tokens_are_live_keys():
    # FLUX runs T5 without an attention mask: what stands in the padding changes the states of real tokens
    model = randomise(t5.T5Encoder(T5_TINY), 2)
    with torch.no_grad():
        a = model(torch.tensor([[5, 6, 1, 0, 0]]))
        b = model(torch.tensor([[5, 6, 1, 0, 9]]))
    assert not torch.allclose(a[0, :3], b[0, :3])


def test_t5_masked_padding_equals_the_unpadded_prompt():
    # the refam-tiny extension: with padded keys masked out, the real tokens get the unpadded prompt's states
    model = randomise(t5.T5Encoder(T5_TINY), 2)
    with torch.no_grad():
        unpadded = model(torch.tensor([[5, 6, 1]]))
        masked = model(torch.tensor([[5, 6, 1, 0, 9]]), torch.tensor([[1, 1, 1, 0, 0]]))
    assert torch.allclose(masked[0, :3], unpadded[0], atol=1e-6)


def test_t5_graph_matches_pytorch_at_any_length(tmp_path):
    model = randomise(t5.T5Encoder(T5_TINY), 3)
    path = str(tmp_path / "t5.onnx")
    record = t5.export(model, path, max_length=12)
    assert record["inputs"]["inputIds"] == {"name": "input_ids", "dtype": "int64", "shape": [1, "T"]}
    assert record["outputs"]["hidden"]["shape"] == [1, "T", 16]
    assert (record["padTokenId"], record["eosTokenId"], record["attentionMask"]) == (0, 1, False)
    g = torch.Generator().manual_seed(0)
    for length in (3, 12, 40):  # 40 reaches the logarithmic buckets
        ids = torch.randint(0, 40, (1, length), generator=g)
        with torch.no_grad():
            ref = model(ids).numpy()
        got = onnx_numpy.run(path, {"input_ids": ids.numpy()})["last_hidden_state"]
        assert np.abs(got - ref).max() < 1e-5


def test_t5_config_reads_hugging_face_json(tmp_path):
    path = tmp_path / "config.json"
    path.write_text('{"d_model": 32, "num_layers": 3, "architectures": ["T5EncoderModel"], '
                    '"feed_forward_proj": "gated-gelu", "num_heads": 4, "d_kv": 8}')
    c = t5.load_config(str(tmp_path))
    assert (c.d_model, c.num_layers, c.num_heads, c.d_kv, c.d_ff) == (32, 3, 4, 8, 10240)
    assert t5.load_config("xxl").d_model == 4096


# ---------------------------------------------------------------------------------------------------- CLIP


def test_clip_names_are_the_hugging_face_names():
    names = set(clip_text.ClipTextEncoder(CLIP_TINY).state_dict())
    assert "text_model.embeddings.token_embedding.weight" in names
    assert "text_model.embeddings.position_embedding.weight" in names
    assert "text_model.encoder.layers.1.self_attn.out_proj.bias" in names
    assert "text_model.encoder.layers.0.mlp.fc2.weight" in names
    assert "text_model.final_layer_norm.weight" in names
    assert len(names) == 2 + 2 + 2 * 16


def test_clip_pools_at_the_first_end_token_and_is_causal():
    model = randomise(clip_text.ClipTextEncoder(CLIP_TINY), 4)
    ids = torch.tensor([[58, 4, 5, 59, 59, 59, 59, 59, 59, 59]])
    other = ids.clone()
    other[0, 5] = 7  # after the end token
    with torch.no_grad():
        pooled, hidden = model(ids)
        pooled2, hidden2 = model(other)
    assert torch.equal(pooled[0], hidden[0, 3])
    assert torch.allclose(hidden[0, :5], hidden2[0, :5])  # causal: later tokens do not reach earlier ones
    assert torch.allclose(pooled, pooled2)


def test_clip_loads_checkpoints_with_extra_tensors_and_exports(tmp_path):
    source = randomise(clip_text.ClipTextEncoder(CLIP_TINY), 5)
    sd = dict(source.state_dict())
    sd["text_model.embeddings.position_ids"] = torch.arange(10).reshape(1, 10)
    path = tmp_path / "clip.safetensors"
    safetensors_io.save_file(sd, str(path))
    model = clip_text.load(CLIP_TINY, str(path))
    onnx_path = str(tmp_path / "clip.onnx")
    record = clip_text.export(model, onnx_path)
    assert record["outputs"]["pooled"]["shape"] == [1, 16]
    assert (record["source"], record["maxLength"], record["padTokenId"]) == ("clip", 10, 59)
    ids = torch.tensor([[58, 9, 8, 7, 6, 59, 59, 59, 59, 59]])
    with torch.no_grad():
        pooled, hidden = source(ids)
    got = onnx_numpy.run(onnx_path, {"input_ids": ids.numpy()})
    assert np.abs(got["pooled"] - pooled.numpy()).max() < 1e-5
    assert np.abs(got["last_hidden_state"] - hidden.numpy()).max() < 1e-5


def test_clip_legacy_token_ids_in_config_are_replaced(tmp_path):
    path = tmp_path / "config.json"
    path.write_text('{"hidden_size": 768, "eos_token_id": 2, "bos_token_id": 0, "pad_token_id": 1}')
    c = clip_text.load_config(str(path))
    assert (c.eos_token_id, c.bos_token_id, c.pad_token_id) == (49407, 49406, 49407)


# ----------------------------------------------------------------------------------------------------- VAE


def test_vae_names_follow_the_reference_autoencoder():
    names = set(vae_encoder.FluxImageEncoder(vae_encoder.AutoEncoderParams()).state_dict())
    for n in ("encoder.conv_in.weight", "encoder.down.0.block.0.norm1.weight", "encoder.down.1.block.0.nin_shortcut.weight",
              "encoder.down.0.downsample.conv.weight", "encoder.down.3.block.1.conv2.bias",
              "encoder.mid.attn_1.q.weight", "encoder.mid.attn_1.proj_out.bias", "encoder.mid.block_2.norm2.weight",
              "encoder.norm_out.weight", "encoder.conv_out.weight"):
        assert n in names, n
    assert not any(n.startswith("encoder.down.3.downsample") for n in names)  # the last level keeps its size
    sd = vae_encoder.FluxImageEncoder(vae_encoder.AutoEncoderParams()).state_dict()
    assert sd["encoder.conv_out.weight"].shape == (32, 512, 3, 3)


def test_vae_downsamples_8x_normalises_and_packs(tmp_path):
    source = vae_encoder.load(VAE_TINY, None, seed=6)
    sd = dict(source.state_dict())
    sd["decoder.conv_in.weight"] = torch.zeros(3)  # decoder tensors of ae.safetensors are skipped
    path = tmp_path / "ae.safetensors"
    safetensors_io.save_file(sd, str(path))
    model = vae_encoder.load(VAE_TINY, str(path))
    raw = vae_encoder.load(VAE_TINY, str(path), normalise=False)
    pixels = torch.rand(1, 3, 32, 48) * 2 - 1
    with torch.no_grad():
        tokens, latent = model(pixels)
        raw_tokens, raw_latent = raw(pixels)
    assert latent.shape == (1, 4, 4, 6) and tokens.shape == (1, 2 * 3, 16)
    assert torch.allclose(latent, 0.3611 * (raw_latent - 0.1159))
    assert torch.equal(tokens, patchify.pack(latent, 2))


def test_vae_graph_matches_pytorch_at_two_sizes(tmp_path):
    model = vae_encoder.load(VAE_TINY, None, seed=7)
    path = str(tmp_path / "vae.onnx")
    record = vae_encoder.export(model, path)
    assert (record["kind"], record["downsampling"], record["patchSize"], record["cellPixels"]) == ("flux-vae", 8, 2, 16)
    assert (record["latentScale"], record["latentShift"], record["scaleShiftInGraph"]) == (0.3611, 0.1159, True)
    for h, w in ((16, 16), (48, 32)):
        pixels = torch.rand(1, 3, h, w) * 2 - 1
        with torch.no_grad():
            tokens, latent = model(pixels)
        got = onnx_numpy.run(path, {"pixels": pixels.numpy()})
        assert np.abs(got["tokens"] - tokens.numpy()).max() < 1e-5
        assert np.abs(got["latent"] - latent.numpy()).max() < 1e-5


# ------------------------------------------------------------------------------------------------ patchify


def test_pack_orders_tokens_row_major_and_channels_c_ph_pw():
    x = torch.randn(1, 3, 8, 12)
    tokens = patchify.pack(x, 4)
    assert tokens.shape == (1, 6, 48)
    for gy, gx, c, py, px in ((0, 0, 0, 0, 0), (1, 2, 2, 3, 1), (0, 1, 1, 2, 3)):
        assert tokens[0, gy * 3 + gx, c * 16 + py * 4 + px] == x[0, c, gy * 4 + py, gx * 4 + px]
    assert torch.equal(patchify.unpack(tokens, 3, 4, 2, 3), x)


def test_patchify_graph(tmp_path):
    path = str(tmp_path / "p.onnx")
    record = patchify.export(patchify.PatchifyEncoder(2), path)
    assert record["tokenChannels"] == 12 and record["cellPixels"] == 2 and record["packing"] == [
        "channel", "patchRow", "patchCol"]
    x = torch.randn(1, 3, 6, 10)
    got = onnx_numpy.run(path, {"pixels": x.numpy()})["tokens"]
    assert np.array_equal(got, patchify.pack(x, 2).numpy())
