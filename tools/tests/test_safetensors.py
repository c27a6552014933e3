"""The safetensors reader/writer: byte layout, dtypes, sharded checkpoints, malformed files."""

import json
import struct

import pytest
import torch

from refam_tools import safetensors_io as st


def sample():
    g = torch.Generator().manual_seed(3)
    return {
        "f32": torch.randn(3, 4, generator=g),
        "f16": torch.randn(5, generator=g).half(),
        "bf16": torch.randn(2, 3, 2, generator=g).bfloat16(),
        "i64": torch.arange(-3, 3, dtype=torch.int64),
        "flag": torch.tensor([True, False, True]),
        "empty": torch.zeros(0, 4),
        "scalar": torch.tensor(2.5),
    }


def test_round_trip_keeps_values_dtypes_and_shapes(tmp_path):
    path = tmp_path / "x.safetensors"
    tensors = sample()
    st.save_file(tensors, str(path), metadata={"format": "pt"})
    loaded = st.load_file(str(path))
    assert sorted(loaded) == sorted(tensors)
    for name, t in tensors.items():
        assert loaded[name].dtype == t.dtype, name
        assert loaded[name].shape == t.shape, name
        assert torch.equal(loaded[name], t), name
    _, metadata, _ = st.read_header(str(path))
    assert metadata == {"format": "pt"}


def test_bf16_bits_are_preserved_exactly(tmp_path):
    # bf16 is the dtype of the official FLUX checkpoints; values must survive bit for bit
    t = torch.tensor([1.0, -2.5, 3.140625, 1e-30, 65504.0]).bfloat16()
    path = tmp_path / "b.safetensors"
    st.save_file({"w": t}, str(path))
    got = st.load_file(str(path))["w"]
    assert torch.equal(got.view(torch.int16), t.view(torch.int16))
    assert st.load_file(str(path), dtype=torch.float32)["w"].dtype == torch.float32


def test_layout_matches_the_specification(tmp_path):
    # 8-byte little-endian header length, JSON header padded to 8 bytes, then raw little-endian data
    path = tmp_path / "s.safetensors"
    st.save_file({"a": torch.tensor([1.0, 2.0]), "b": torch.tensor([7], dtype=torch.int64)}, str(path))
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    assert (8 + n) % 8 == 0
    header = json.loads(raw[8:8 + n])
    assert header["a"] == {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}
    assert header["b"] == {"dtype": "I64", "shape": [1], "data_offsets": [8, 16]}
    data = raw[8 + n:]
    assert struct.unpack("<2f", data[0:8]) == (1.0, 2.0)
    assert struct.unpack("<q", data[8:16]) == (7,)


def test_reads_a_file_written_by_hand(tmp_path):
    # a header without padding and out-of-name-order offsets, as other writers may produce
    header = json.dumps({"z": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]},
                         "a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}).encode()
    body = struct.pack("<2e", 0.5, -1.0) + struct.pack("<f", 3.0)
    path = tmp_path / "h.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + body)
    got = st.load_file(str(path))
    assert got["z"].tolist() == [0.5, -1.0]
    assert got["a"].tolist() == [3.0]


def test_sharded_index_and_folder_resolution(tmp_path):
    tensors = {f"layer.{i}.weight": torch.full((2, 2), float(i)) for i in range(5)}
    index = st.save_sharded(tensors, str(tmp_path), shards=2)
    for source in (index, str(tmp_path)):
        loaded = st.load(source)
        assert sorted(loaded) == sorted(tensors)
        assert all(torch.equal(loaded[k], v) for k, v in tensors.items())
    assert len(st.resolve(index)) == 2


def test_lazy_file_reports_shapes_without_loading(tmp_path):
    path = tmp_path / "l.safetensors"
    st.save_file(sample(), str(path))
    with st.SafetensorsFile(str(path)) as f:
        assert f.shape("bf16") == [2, 3, 2]
        assert f.dtype("bf16") == "BF16"
        with pytest.raises(st.SafetensorsError, match="no tensor named 'missing'"):
            f.get("missing")


@pytest.mark.parametrize("mutate, message", [
    (lambda raw: raw[:4], "too short"),
    (lambda raw: struct.pack("<Q", 10 ** 9) + raw[8:], "does not fit"),
    (lambda raw: raw[:8] + b"\xff" + raw[9:], "not UTF-8 JSON"),
])
def test_malformed_files_fail_with_a_clear_message(tmp_path, mutate, message):
    path = tmp_path / "m.safetensors"
    st.save_file({"a": torch.ones(2)}, str(path))
    path.write_bytes(mutate(path.read_bytes()))
    with pytest.raises(st.SafetensorsError, match=message):
        st.load_file(str(path))


def test_offsets_that_disagree_with_the_shape_are_rejected(tmp_path):
    header = json.dumps({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}).encode()
    path = tmp_path / "o.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 8)
    with pytest.raises(st.SafetensorsError, match="offsets"):
        st.read_header(str(path))
