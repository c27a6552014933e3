"""Bundles and the Java fixture: manifest contents and checksums, validation failures, fixture cases
reproduced by evaluating the ONNX graphs, documentation coverage of every manifest key."""

import json
import os
import re
import shutil

import pytest
import torch

from refam_tools import build_bundle, make_fixture, manifest, onnx_numpy, patchify, safetensors_io

DOCS = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "model-bundle.md")


@pytest.fixture(scope="module")
def fixture_dir(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("fixture"))
    make_fixture.make(out, seed=0)
    return out


def copy_bundle(fixture_dir, tmp_path):
    dst = str(tmp_path / "bundle")
    shutil.copytree(os.path.join(fixture_dir, "bundle"), dst)
    return dst


def test_fixture_bundle_is_valid_and_checksums_match(fixture_dir):
    bundle = os.path.join(fixture_dir, "bundle")
    assert manifest.validate(bundle) == []
    m = manifest.load(bundle)
    assert sorted(m) == sorted(manifest.TOP_LEVEL_KEYS)
    listed = {f["path"] for f in m["files"]}
    assert listed == set(os.listdir(bundle)) - {"manifest.json"}
    for f in m["files"]:
        assert f["sha256"] == manifest.sha256(os.path.join(bundle, f["path"]))
        assert f["bytes"] == os.path.getsize(os.path.join(bundle, f["path"]))


def test_manifest_states_the_pipeline_conventions(fixture_dir):
    m = manifest.load(os.path.join(fixture_dir, "bundle"))
    tr, te, ie, im = m["transformer"], m["textEncoder"], m["imageEncoder"], m["image"]
    assert tr["attention"]["tokenOrder"] == ["text", "image"]
    assert tr["attention"]["blocks"] == [1, 2] and tr["attention"]["defaultBlocks"] == [1, 2]
    assert tr["outputs"]["attnImg2Txt"] == {"name": "attn_img2txt", "dtype": "float32", "shape": [2, "N", "T"]}
    assert tr["timestep"] == {"min": 0.0, "max": 1.0, "multiplier": 1000.0}
    assert tr["noise"]["formula"] == "x_t = (1 - t) * x0 + t * eps"
    assert te["feeds"] == "txt" and te["tokenizer"] == "tokenizer.json" and te["maxLength"] == tr["textLength"] == 8
    assert m["pooledText"] == {"source": "zeros", "dim": 8}
    assert ie["kind"] == "patchify" and ie["tokenChannels"] == tr["inputs"]["img"]["shape"][2] == 48
    assert im["sizeMultiple"] == ie["cellPixels"] == 4 and im["resize"] == "fit" and im["pixelRange"] == [-1.0, 1.0]


def test_every_fixture_case_reproduces_within_tolerance(fixture_dir):
    with open(os.path.join(fixture_dir, "fixture.json")) as f:
        fixture = json.load(f)
    tensors = {k: v.numpy() for k, v in safetensors_io.load(os.path.join(fixture_dir, fixture["tensors"])).items()}
    names = [c["name"] for c in fixture["cases"]]
    assert names == ["pipeline-image", "pipeline-text", "pipeline-transformer", "transformer-5x6", "clip", "vae"]
    for case in fixture["cases"]:
        feeds = {name: tensors[key] for name, key in case["inputs"].items()}
        got = onnx_numpy.run(os.path.join(fixture_dir, case["graph"]), feeds)
        assert sorted(got) == sorted(case["outputs"]), case["name"]  # the graph has exactly these outputs
        for name, key in case["outputs"].items():
            assert got[name].shape == tensors[key].shape
    diffs = onnx_numpy.check_fixture(fixture_dir)
    assert len(diffs) == 12
    assert max(diffs.values()) < fixture["tolerance"] / 10
    assert onnx_numpy.main([fixture_dir]) == 0


def test_fixture_pipeline_chains_the_stages(fixture_dir):
    with open(os.path.join(fixture_dir, "fixture.json")) as f:
        fixture = json.load(f)
    t = {k: v for k, v in safetensors_io.load(os.path.join(fixture_dir, "fixture.safetensors")).items()}
    p = fixture["pipeline"]
    x0 = patchify.pack(t["pipeline-image/pixels"], 4)
    assert torch.equal(x0, t["pipeline-image/tokens"])
    ts = p["timestep"]
    assert torch.allclose(t["pipeline-transformer/img"], (1 - ts) * x0 + ts * t["pipeline/eps"])
    assert torch.equal(t["pipeline-transformer/txt"], t["pipeline-text/last_hidden_state"])
    ids = t["pipeline-text/input_ids"][0].tolist()
    assert ids == make_fixture.encode(p["prompt"], 8)
    # "a pink dog, left": five pieces (the comma splits off), </s>, then <pad> up to the text length
    words = [len(make_fixture.SPECIALS) + make_fixture.WORDS.index(w) for w in ("a", "pink", "dog", ",", "left")]
    assert ids == words + [1, 0, 0]
    assert t["pipeline-transformer/attn_img2txt"].shape == (2, p["gridHeight"] * p["gridWidth"], 8)


def test_tokenizer_json_has_the_fields_of_a_hugging_face_tokenizer(fixture_dir):
    with open(os.path.join(fixture_dir, "bundle", "tokenizer.json")) as f:
        tok = json.load(f)
    assert tok["model"]["type"] == "WordLevel" and tok["model"]["vocab"]["</s>"] == 1
    assert tok["post_processor"]["special_tokens"]["</s>"]["ids"] == [1]
    assert [a["content"] for a in tok["added_tokens"]] == ["<pad>", "</s>", "<unk>"]


def test_tampered_files_and_inconsistent_facts_are_reported(fixture_dir, tmp_path):
    bundle = copy_bundle(fixture_dir, tmp_path)
    with open(os.path.join(bundle, "tokenizer.json"), "a") as f:
        f.write(" ")
    assert any("tokenizer.json" in p and "bytes" in p for p in manifest.validate(bundle))

    bundle = copy_bundle(fixture_dir, tmp_path / "b")
    m = manifest.load(bundle)
    m["transformer"]["textLength"] = 9
    m["transformer"]["outputs"]["attnImg2Txt"]["name"] = "attention"
    m["image"]["resize"] = "crop"
    m["files"] = [f for f in m["files"] if f["path"] != "text_encoder.onnx"]
    manifest.write(bundle, m)
    problems = manifest.validate(bundle)
    assert any("text length" in p for p in problems)
    assert any("graph outputs" in p and "attention" in p for p in problems)
    assert any("image.resize" in p for p in problems)
    assert any("text_encoder.onnx is not listed" in p for p in problems)


def test_builder_with_constant_pooled_vector_and_cli_validation(fixture_dir, tmp_path):
    staging = tmp_path / "staging"
    staging.mkdir()
    src = os.path.join(fixture_dir, "bundle")
    m = manifest.load(src)
    for section in ("transformer", "textEncoder", "imageEncoder"):
        name = m[section]["file"]
        shutil.copyfile(os.path.join(src, name), staging / name)
        record = dict(m[section])
        (staging / (name + ".json")).write_text(json.dumps(record))
    values = tmp_path / "y.json"
    values.write_text(json.dumps([0.5] * 8))
    out = tmp_path / "out"
    assert build_bundle.main(["--out", str(out), "--name", "tiny", "--transformer", str(staging / "transformer.onnx"),
                              "--text-encoder", str(staging / "text_encoder.onnx"),
                              "--image-encoder", str(staging / "image_encoder.onnx"), "--image-size", "32",
                              "--pooled", "constant", "--pooled-values", str(values), "--resize", "pad"]) == 0
    built = manifest.load(str(out))
    assert built["pooledText"] == {"source": "constant", "dim": 8, "values": [0.5] * 8}
    assert built["textEncoder"]["tokenizer"] is None and built["image"]["resize"] == "pad"
    assert manifest.main([str(out)]) == 0
    values.write_text(json.dumps([0.5] * 3))
    with pytest.raises(ValueError, match="pooledText.values has 3 numbers"):
        build_bundle.main(["--out", str(tmp_path / "bad"), "--name", "tiny",
                           "--transformer", str(staging / "transformer.onnx"),
                           "--text-encoder", str(staging / "text_encoder.onnx"),
                           "--image-encoder", str(staging / "image_encoder.onnx"), "--image-size", "32",
                           "--pooled", "constant", "--pooled-values", str(values)])


def _keys(value, out):
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in ("params",):  # FluxParams fields are documented as a group
                out.add(k)
            _keys(v, out)
    elif isinstance(value, list):
        for v in value:
            _keys(v, out)
    return out


def test_every_manifest_key_is_documented(fixture_dir):
    with open(DOCS, encoding="utf-8") as f:
        docs = f.read()
    documented = set(re.findall(r"`([A-Za-z0-9_]+)`", docs))
    m = manifest.load(os.path.join(fixture_dir, "bundle"))
    keys = _keys(m, set())
    # role keys of inputs/outputs are tensor roles, documented in their tables too
    missing = sorted(k for k in keys if k not in documented)
    assert missing == []
