"""Transformer export: checker, declared names and shapes, dynamic N/T evaluated at untraced sizes, options,
external data."""

import json
import os

import numpy as np
import onnx
from onnx import numpy_helper
import pytest
import torch

from conftest import tiny_params
from refam_tools import export_transformer, flux, onnx_numpy, onnx_util


def feeds_for(p, grid, t_len, seed=0):
    args = export_transformer.example_inputs(p, grid[0], grid[1], t_len, seed=seed, timestep=0.7)
    names = ["img", "img_ids", "txt", "txt_ids", "timesteps", "y", "guidance"]
    return dict(zip(names, args))


def reference(model, feeds, capture):
    with torch.no_grad():
        out = export_transformer.TransformerGraph(model, capture)(*feeds.values())
    return out if isinstance(out, tuple) else (out,)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    p = tiny_params()
    model = flux.build(p, seed=7)
    path = str(tmp_path_factory.mktemp("export") / "transformer.onnx")
    record = export_transformer.export(model, path, [0, 2], text_length=6)
    return p, model, path, record


def test_graph_passes_the_checker_and_declares_the_manifest_names(exported):
    p, _, path, record = exported
    onnx.checker.check_model(path, full_check=True)
    model = onnx.load(path)
    assert [i.name for i in model.graph.input] == ["img", "img_ids", "txt", "txt_ids", "timesteps", "y"]
    assert [o.name for o in model.graph.output] == ["pred", "attn_img2txt", "attn_txt2txt"]
    assert onnx_util.declared_shape(model, "img") == [1, "N", p.in_channels]
    assert onnx_util.declared_shape(model, "txt") == [1, "T", p.context_in_dim]
    assert onnx_util.declared_shape(model, "pred") == [1, "N", p.out_channels]
    assert onnx_util.declared_shape(model, "attn_img2txt") == [2, "N", "T"]
    assert onnx_util.declared_shape(model, "attn_txt2txt") == [2, "T", "T"]
    assert model.opset_import[0].version == 17
    for spec in list(record["inputs"].values()) + list(record["outputs"].values()):
        assert onnx_util.declared_shape(model, spec["name"]) == spec["shape"]
    with open(path + ".json") as f:
        assert json.load(f) == record
    assert record["attention"]["blocks"] == [0, 2] and record["attention"]["heads"] == "mean"


@pytest.mark.parametrize("grid, t_len", [((2, 3), 4), ((4, 5), 6), ((1, 7), 9)])
def test_graph_matches_pytorch_at_untraced_sizes(exported, grid, t_len):
    # traced at N=6, T=4; other sizes only work if no size was frozen into the graph
    p, model, path, _ = exported
    feeds = feeds_for(p, grid, t_len, seed=sum(grid) + t_len)
    ref = reference(model, feeds, flux.AttentionCapture((0, 2)))
    got = onnx_numpy.run(path, {k: v.numpy() for k, v in feeds.items()})
    assert list(got) == ["pred", "attn_img2txt", "attn_txt2txt"]
    n = grid[0] * grid[1]
    assert got["attn_img2txt"].shape == (2, n, t_len)
    for r, g in zip(ref, got.values()):
        assert g.shape == tuple(r.shape)
        assert np.abs(g - r.numpy()).max() < 1e-5


def test_per_head_and_guidance_variant(tmp_path):
    p = tiny_params(guidance_embed=True)
    model = flux.build(p, seed=1)
    path = str(tmp_path / "t.onnx")
    record = export_transformer.export(model, path, [1], per_head=True, text_to_text=False)
    assert record["outputs"]["attnImg2Txt"]["shape"] == [1, p.num_heads, "N", "T"]
    assert "attnTxt2Txt" not in record["outputs"]
    assert record["inputs"]["guidance"]["name"] == "guidance"
    assert record["guidance"]["default"] == 3.5
    feeds = feeds_for(p, (3, 2), 5)
    ref = reference(model, feeds, flux.AttentionCapture((1,), per_head=True, text_to_text=False))
    got = onnx_numpy.run(path, {k: v.numpy() for k, v in feeds.items()})
    assert list(got) == ["pred", "attn_img2txt"]
    assert np.abs(got["attn_img2txt"] - ref[1].numpy()).max() < 1e-5


def test_export_without_attention_and_with_early_stop(tmp_path, params):
    model = flux.build(params, seed=2)
    plain = str(tmp_path / "plain.onnx")
    record = export_transformer.export(model, plain, None)
    assert list(record["outputs"]) == ["pred"] and record["attention"] is None
    cut = str(tmp_path / "cut.onnx")
    record = export_transformer.export(model, cut, [1], stop_after_last=True)
    assert list(record["outputs"]) == ["attnImg2Txt", "attnTxt2Txt"]
    # cutting after block 1 drops the single block, the final layer and block 1's MLPs from the graph
    def stored(path):
        return sum(numpy_helper.to_array(i).size for i in onnx.load(path).graph.initializer)

    kept = sum(x.numel() for n, x in model.named_parameters() if not n.startswith(("single_blocks", "final_layer")))
    assert stored(cut) < kept < stored(plain)
    feeds = feeds_for(params, (2, 2), 3)
    got = onnx_numpy.run(cut, {k: v.numpy() for k, v in feeds.items()})
    ref = reference(model, feeds, flux.AttentionCapture((1,)))
    assert np.abs(got["attn_img2txt"] - ref[1].numpy()).max() < 1e-5
    with pytest.raises(ValueError, match="needs attention blocks"):
        export_transformer.export(model, str(tmp_path / "x.onnx"), None, stop_after_last=True)


def test_external_data_keeps_the_graph_loadable(tmp_path, params):
    model = flux.build(params, seed=3)
    path = str(tmp_path / "ext.onnx")
    record = export_transformer.export(model, path, [0], external="always")
    assert record["externalData"] == ["ext.onnx.data"]
    assert os.path.getsize(path + ".data") > os.path.getsize(path)
    onnx.checker.check_model(path)
    inline = str(tmp_path / "inline.onnx")
    export_transformer.export(model, inline, [0])
    feeds = {k: v.numpy() for k, v in feeds_for(params, (2, 3), 4).items()}
    a, b = onnx_numpy.run(path, feeds), onnx_numpy.run(inline, feeds)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert sorted(os.listdir(tmp_path)) == sorted(["ext.onnx", "ext.onnx.data", "ext.onnx.json", "inline.onnx",
                                                   "inline.onnx.json"])


def test_consolidate_merges_per_tensor_files(tmp_path, params):
    # PyTorch writes one external file per tensor for graphs above 2 GiB; consolidate() merges them
    model = flux.build(params, seed=4)
    path = str(tmp_path / "m.onnx")
    export_transformer.export(model, path, [0])
    proto = onnx.load(path)
    onnx.save_model(proto, path, save_as_external_data=True, all_tensors_to_one_file=False, size_threshold=0)
    assert len(os.listdir(tmp_path)) > 10
    data = onnx_util.consolidate(path)
    assert sorted(os.listdir(tmp_path)) == ["m.onnx", "m.onnx.data", "m.onnx.json"] and data == "m.onnx.data"
    feeds = {k: v.numpy() for k, v in feeds_for(params, (2, 2), 3).items()}
    ref = reference(model, {k: torch.from_numpy(v) for k, v in feeds.items()}, flux.AttentionCapture((0,)))
    got = onnx_numpy.run(path, feeds)
    assert np.abs(got["attn_img2txt"] - ref[1].numpy()).max() < 1e-5


def test_command_line(tmp_path):
    config = tmp_path / "tiny.json"
    config.write_text(json.dumps(tiny_params(attn_blocks=[1]).to_json()))
    out = tmp_path / "cli.onnx"
    assert export_transformer.main(["--config", str(config), "--out", str(out), "--text-length", "7"]) == 0
    record = json.loads((tmp_path / "cli.onnx.json").read_text())
    assert record["attention"]["blocks"] == [1] and record["textLength"] == 7
    assert export_transformer.main(["--config", str(config), "--out", str(out), "--blocks", "0-2",
                                    "--per-head"]) == 0
    record = json.loads((tmp_path / "cli.onnx.json").read_text())
    assert record["attention"]["blocks"] == [0, 1, 2] and record["attention"]["defaultBlocks"] == [1]
