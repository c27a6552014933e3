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


def test_sam2_video_interfaces_match_the_sam2_onnx_cpp_export(graphs):
    d = graphs / "sam2video"
    enc = onnx.load(str(d / "image_encoder.onnx")).graph
    assert io(enc.input) == {"input": (FLOAT, [1, 3, 1024, 1024])}
    assert io(enc.output) == {"image_embeddings": (FLOAT, [1, 256, 64, 64]),
                              "high_res_features1": (FLOAT, [1, 32, 256, 256]),
                              "high_res_features2": (FLOAT, [1, 64, 128, 128]),
                              "current_vision_feat": (FLOAT, [1, 256, 64, 64]),
                              "vision_pos_embed": (FLOAT, [4096, 1, 256])}
    dec = onnx.load(str(d / "image_decoder.onnx")).graph
    inputs = io(dec.input)
    assert list(inputs) == m.VIDEO_DECODER_INPUTS
    assert inputs["point_coords"] == (FLOAT, ["num_labels", "num_points", 2])
    assert inputs["image_embed"] == (FLOAT, [1, 256, 64, 64])
    assert list(io(dec.output)) == m.VIDEO_DECODER_OUTPUTS
    att = onnx.load(str(d / "memory_attention.onnx")).graph
    inputs = io(att.input)
    assert list(inputs) == m.MEMORY_ATTENTION_INPUTS
    assert inputs["memory_0"] == (FLOAT, ["num_object_ptrs", 256])
    assert inputs["memory_1"] == (FLOAT, ["num_mem_frames", 64, 64, 64])
    assert inputs["memory_pos_embed"] == (FLOAT, ["buff_size", 1, 64])
    assert io(att.output) == {"fused_feat": (FLOAT, [1, 256, 64, 64])}
    men = onnx.load(str(d / "memory_encoder.onnx")).graph
    assert io(men.input) == {"mask_for_mem": (FLOAT, [1, 1, 1024, 1024]), "pix_feat": (FLOAT, [1, 256, 64, 64])}
    assert io(men.output) == {"maskmem_features": (FLOAT, [1, 64, 64, 64]), "maskmem_pos_enc": (FLOAT, [4096, 1, 64]),
                              "temporal_code": (FLOAT, [7, 1, 1, 64])}


def video_memory(masks, t_positions):
    """memory_1 and memory_pos_embed as SAM2 builds them: pos + temporal_code[7 - t_pos - 1] per frame."""
    enc = m.TinySam2MemoryEncoder()
    feats, poss = [], []
    for mask, t in zip(masks, t_positions):
        f, pos, code = enc(mask, torch.zeros(1, 256, 64, 64))
        feats.append(f)
        poss.append(pos + code[m.NUM_MASKMEM - t - 1].view(1, 1, -1))
    return torch.cat(feats), torch.cat(poss)


def square(x0, y0, side, size=1024):
    out = -torch.ones(1, 1, size, size)
    out[..., y0:y0 + side, x0:x0 + side] = 1.0
    return out


def test_memory_attention_recalls_the_most_recent_frame_within_the_object():
    old, recent, cond = square(0, 0, 256), square(512, 512, 256), square(0, 512, 256)
    memory_1, pos = video_memory([cond, recent, old], [0, 1, 2])
    green = torch.full((1, 256, 64, 64), m.NO_MEM + 1.0)  # object everywhere in the current frame
    fused = m.TinySam2MemoryAttention()(green, torch.zeros(4096, 1, 256), torch.zeros(0, 256), memory_1, pos)
    recalled = fused[0, 255] > 0
    assert recalled[40, 40] and not recalled[8, 8] and not recalled[40, 8]
    torch.testing.assert_close(fused[0, 1, 0, :3], torch.tensor([7.0, 6.0, 5.0]))  # 7 - t_pos
    assert fused[0, 3, 0, 0] == 0  # no object pointers
    # alone, the conditioning frame is recalled; outside the object nothing is
    memory_1, pos = video_memory([cond], [0])
    fused = m.TinySam2MemoryAttention()(green, torch.zeros(4096, 1, 256), torch.zeros(0, 256), memory_1, pos)
    assert fused[0, 255, 40, 8] > 0
    fused = m.TinySam2MemoryAttention()(green - 2.0, torch.zeros(4096, 1, 256), torch.zeros(0, 256), memory_1, pos)
    assert (fused[0, 255] < 0).all()


def test_video_decoder_draws_the_click_or_the_recalled_mask():
    dec = m.TinySam2VideoDecoder()
    embed = torch.full((1, 256, 64, 64), -10.0)
    embed[0, 255, 40:50, 10:20] = 10.0  # 256-grid rows 160..199, columns 40..79
    hr0, hr1 = torch.zeros(1, 32, 256, 256), torch.zeros(1, 64, 128, 128)
    _, mem, pred = dec(torch.tensor([[[512.0, 256.0]]]), torch.tensor([[1.0]]), embed, hr0, hr1)
    assert pred.shape == (1, 1, 256, 256) and mem.shape == (1, 1, 1024, 1024)
    assert pred[0, 0, 64, 128] > 0 and pred[0, 0, 180, 60] < 0
    _, mem, pred = dec(torch.zeros(1, 0, 2), torch.zeros(1, 0), embed, hr0, hr1)
    assert pred[0, 0, 180, 60] > 0 and pred[0, 0, 64, 128] < 0
    assert ((mem > 0) == (F.interpolate(pred, size=(1024, 1024), mode="bilinear") > 0)).all()
