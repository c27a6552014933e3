"""Tests of make_tiny_sam.py: interface of the generated graphs and geometry of the tiny decoders.

Run from the repository root: /usr/bin/python3 -m pytest -q tools/sam
"""

import os
import sys

import onnx
import pytest
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_tiny_sam as m  # noqa: E402

FLOAT = onnx.TensorProto.FLOAT


def io(value_infos):
    out = {}
    for v in value_infos:
        t = v.type.tensor_type
        out[v.name] = (t.elem_type, [d.dim_value if d.HasField("dim_value") else d.dim_param for d in t.shape.dim])
    return out


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    out = tmp_path_factory.mktemp("sam")
    m.build(str(out))
    return out


def test_sam_decoder_interface_matches_the_official_export(graphs):
    g = onnx.load(str(graphs / "sam1" / "decoder.onnx")).graph
    inputs = io(g.input)
    assert list(inputs) == m.SAM_DECODER_INPUTS
    assert inputs["image_embeddings"] == (FLOAT, [1, 256, 64, 64])
    assert inputs["point_coords"] == (FLOAT, [1, "num_points", 2])
    assert inputs["point_labels"] == (FLOAT, [1, "num_points"])
    assert inputs["mask_input"] == (FLOAT, [1, 1, 256, 256])
    assert inputs["has_mask_input"] == (FLOAT, [1])
    assert inputs["orig_im_size"] == (FLOAT, [2])
    outputs = io(g.output)
    assert list(outputs) == m.SAM_DECODER_OUTPUTS
    assert outputs["iou_predictions"] == (FLOAT, [1, 1])
    assert outputs["low_res_masks"] == (FLOAT, [1, 1, 256, 256])
    assert len(outputs["masks"][1]) == 4
    multi = io(onnx.load(str(graphs / "sam1" / "decoder_multimask.onnx")).graph.output)
    assert multi["iou_predictions"] == (FLOAT, [1, 4])


def test_sam_encoders_match_the_samexporter_layouts(graphs):
    plain = onnx.load(str(graphs / "sam1" / "encoder.onnx")).graph
    assert io(plain.input) == {"input_image": (FLOAT, [1, 3, 1024, 1024])}
    assert io(plain.output) == {"image_embeddings": (FLOAT, [1, 256, 64, 64])}
    pre = onnx.load(str(graphs / "sam1" / "encoder_preprocess.onnx")).graph
    assert io(pre.input) == {"input_image": (FLOAT, ["image_height", "image_width", 3])}


def test_the_preprocessing_encoder_equals_external_preprocessing():
    img = torch.rand(768, 1024, 3) * 255
    x = (img - torch.tensor([123.675, 116.28, 103.53])) / torch.tensor([58.395, 57.12, 57.375])
    x = F.pad(x.permute(2, 0, 1), (0, 0, 0, 256)).unsqueeze(0)
    torch.testing.assert_close(m.TinySamEncoderWithPreprocess()(img), m.TinySamEncoder()(x))


def test_sam2_interface_matches_the_community_export(graphs):
    enc = onnx.load(str(graphs / "sam2" / "encoder.onnx")).graph
    assert io(enc.input) == {"image": (FLOAT, [1, 3, 1024, 1024])}
    assert io(enc.output) == {"high_res_feats_0": (FLOAT, [1, 32, 256, 256]),
                              "high_res_feats_1": (FLOAT, [1, 64, 128, 128]),
                              "image_embed": (FLOAT, [1, 256, 64, 64])}
    dec = onnx.load(str(graphs / "sam2" / "decoder.onnx")).graph
    inputs = io(dec.input)
    assert list(inputs) == m.SAM2_DECODER_INPUTS
    assert inputs["point_coords"] == (FLOAT, ["num_labels", "num_points", 2])
    assert inputs["has_mask_input"] == (FLOAT, ["num_labels"])
    assert list(io(dec.output)) == ["masks", "iou_predictions"]


def sam_decode(model, h, w, points, labels):
    coords = torch.tensor([points], dtype=torch.float32)
    lab = torch.tensor([labels], dtype=torch.float32)
    return model(torch.zeros(1, 256, 64, 64), coords, lab, torch.zeros(1, 1, 256, 256), torch.tensor([0.0]),
                 torch.tensor([float(h), float(w)]))


def centroid(mask):
    ys, xs = torch.nonzero(mask, as_tuple=True)
    return xs.float().mean().item(), ys.float().mean().item()


def test_sam_disk_lands_on_the_click_only_with_the_reference_transform():
    h, w, x, y = 480, 640, 500, 300
    scale = 1024 / max(h, w)
    new_w, new_h = int(w * scale + 0.5), int(h * scale + 0.5)
    model = m.TinySamDecoder(True)
    masks, _, _ = sam_decode(model, h, w, [[x * new_w / w, y * new_h / h], [0, 0]], [1, -1])
    assert masks.shape == (1, 1, h, w)
    cx, cy = centroid(masks[0, 0] > 0)
    assert abs(cx - x) < 2 and abs(cy - y) < 2
    # integer division (1024 // 640 == 1) leaves the point unscaled: the disk misses the click
    masks, _, _ = sam_decode(model, h, w, [[x, y], [0, 0]], [1, -1])
    assert masks[0, 0, y, x] < 0


def test_sam_needs_exactly_one_padding_point():
    model = m.TinySamDecoder(True)
    masks, _, _ = sam_decode(model, 64, 64, [[512, 512]], [1])
    assert (masks <= 0).all()
    masks, _, _ = sam_decode(model, 64, 64, [[512, 512], [0, 0], [0, 0]], [1, -1, -1])
    assert (masks <= 0).all()


def test_sam_single_mask_selection_follows_select_masks():
    model = m.TinySamDecoder(True)
    _, iou, _ = sam_decode(model, 64, 64, [[512, 512], [0, 0]], [1, -1])
    assert iou.item() == pytest.approx(max(m.SAM_IOUS[1:]))
    _, iou, _ = sam_decode(model, 64, 64, [[512, 512], [100, 100], [0, 0]], [1, 0, -1])
    assert iou.item() == pytest.approx(m.SAM_IOUS[0])


def test_sam2_pads_itself_and_rejects_a_second_padding_point():
    model = m.TinySam2Decoder()
    feats = m.TinySam2Encoder()(torch.zeros(1, 3, 1024, 1024))
    args = (feats[2], feats[0], feats[1])
    masks, iou = model(*args, torch.tensor([[[512.0, 256.0]]]), torch.tensor([[1.0]]), torch.zeros(1, 1, 256, 256),
                       torch.tensor([0.0]))
    assert masks.shape == (1, 3, 256, 256) and iou.shape == (1, 3)
    assert masks[0, 0, 256 // 4, 512 // 4] > 0
    masks, _ = model(*args, torch.tensor([[[512.0, 256.0], [0.0, 0.0]]]), torch.tensor([[1.0, -1.0]]),
                     torch.zeros(1, 1, 256, 256), torch.tensor([0.0]))
    assert (masks <= 0).all()
