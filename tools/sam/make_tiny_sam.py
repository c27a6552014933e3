#!/usr/bin/env python3
"""Builds tiny ONNX graphs with the exact interface of the real SAM / SAM2 ONNX exports.

The graphs have no learned weights. They reproduce the *geometry* of the real models, so that the Java
segmenters (refam-onnx, package org.refam.onnx.sam) can be tested end to end without the real weights:

SAM v1 (facebookresearch/segment-anything)
  encoder.onnx            input_image [1,3,1024,1024] -> image_embeddings [1,256,64,64]
                          (names of samexporter's export_encoder.py without --use-preprocess; the official repository
                          exports only the decoder). Embedding channel c < 3 = 16x16 average pool of input channel c,
                          channels 3..255 = 0, so a test can see where the image and the zero padding landed.
  encoder_preprocess.onnx the same with the pre-processing inside, as samexporter's export_encoder.py
                          --use-preprocess writes it (and its pre-built models ship it): input_image [h,w,3] float
                          0..255 RGB already resized to the longest side 1024 (h, w dynamic); the graph normalises with
                          SAM's pixel mean/std, moves channels first and zero-pads bottom/right to 1024x1024.
  decoder.onnx            the official scripts/export_onnx_model.py interface with --return-single-mask:
                          image_embeddings [1,256,64,64], point_coords [1,N,2], point_labels [1,N],
                          mask_input [1,1,256,256], has_mask_input [1], orig_im_size [2] (H, W), all float32, N
                          dynamic -> masks [1,1,H,W] (logits), iou_predictions [1,1], low_res_masks [1,1,256,256].
  decoder_multimask.onnx  the same without --return-single-mask: 4 masks, iou_predictions [1,4].

  Semantics: the decoder draws, on the 256x256 low-resolution grid that covers the padded 1024x1024 frame, a disk
  of radius RADII[k] (1024-frame pixels) around every foreground point (label 1) and cuts a disk of radius
  RADII[k] / 2 around every background point (label 0); logits are positive inside. The point coordinates are
  taken in the 1024 frame with SAM's +0.5 pixel-centre shift. Unless the prompt holds exactly one padding point
  (label -1) every logit is -8. Mask selection (single-mask export) and the upscaling to (H, W) follow
  segment_anything/utils/onnx.py (SamOnnxModel.select_masks and mask_postprocessing: bilinear to 1024x1024, crop
  to the resized size floor(side * 1024 / max(H, W) + 0.5), bilinear to orig_im_size), so the disk lands on the
  clicked pixel of the original image only when the caller's coordinate transform, (H, W) order and padding
  point are right.

SAM2 (facebookresearch/sam2 via vietanhdev/samexporter export_sam2.py, the common community export)
  encoder.onnx            image [1,3,1024,1024] -> high_res_feats_0 [1,32,256,256], high_res_feats_1 [1,64,128,128],
                          image_embed [1,256,64,64] (4x4, 8x8 and 16x16 average pools of the three input channels,
                          zero channels after them).
  decoder.onnx            image_embed, high_res_feats_0, high_res_feats_1, point_coords [L,N,2], point_labels [L,N],
                          mask_input [L,1,256,256], has_mask_input [L] (L = num_labels and N dynamic)
                          -> masks [L,3,256,256] (logits), iou_predictions [L,3].
  Semantics: like the SAM v1 decoder in the 1024x1024 frame (SAM2 resizes the image to 1024x1024 without keeping
  the aspect ratio); the graph appends the padding point (0, 0) / -1 itself, as the community export does, and
  draws nothing unless exactly one padding point is present after that (so a caller must not add its own). Of
  the 4 internal masks the first is dropped (multimask output), as in the export; logits are clamped to
  [-32, 32].

SAM2 video (pagarcia/sam2-onnx-cpp, export/onnx_export.py with export/src/modules.py and export/src/utils.py: the
four "legacy" graphs its video demo python/onnx_test_video.py runs), in sam2video/:
  image_encoder.onnx      input [1,3,1024,1024] -> image_embeddings [1,256,64,64] (pix_feat), high_res_features1
                          [1,32,256,256], high_res_features2 [1,64,128,128], current_vision_feat [1,256,64,64]
                          (= pix_feat + no_mem_embed), vision_pos_embed [4096,1,256].
  image_decoder.onnx      point_coords [num_labels,num_points,2], point_labels [num_labels,num_points], image_embed,
                          high_res_feats_0, high_res_feats_1 -> obj_ptr [1,256], mask_for_mem [1,1,1024,1024]
                          (sigmoid(logits) * 20 - 10), pred_mask [1,1,256,256] (logits of the best mask).
  memory_attention.onnx   current_vision_feat [1,256,64,64], current_vision_pos_embed [4096,1,256], memory_0
                          [num_object_ptrs,256], memory_1 [num_mem_frames,64,64,64], memory_pos_embed [buff_size,1,64]
                          -> fused_feat [1,256,64,64].
  memory_encoder.onnx     mask_for_mem [1,1,1024,1024], pix_feat [1,256,64,64] -> maskmem_features [1,64,64,64],
                          maskmem_pos_enc [4096,1,64], temporal_code [7,1,1,64] (maskmem_tpos_enc, num_maskmem = 7).
  Semantics (no weights; every shape and name is the real one, none of them is free):
  - encoder: the pools of the SAM2 image encoder above; current_vision_feat = image_embeddings + NO_MEM;
    vision_pos_embed channel 0 = token index / 4096.
  - decoder: with at least one prompt point, a disk of radius RADII[2] around the foreground points (the export
    appends the padding point itself); with none (propagation), the 64x64 channel 255 of image_embed, nearest-upsampled
    to 256x256, is the mask logit ("what memory attention recalled").
  - memory encoder: maskmem_features channel 0 = 16x16 average of (mask_for_mem > 0) (the export binarises, as
    is_mask_from_pts=True), channel 1 = pix_feat channel 0 (frame identity for tests); maskmem_pos_enc channel 1 =
    token index / 4096; temporal_code[i] channel 0 = i + 1.
  - memory attention: reads per memory frame j its temporal code (memory_pos_embed[j*4096, 0, 0], i.e.
    7 - t_pos when the caller added temporal_code[7 - t_pos - 1]) and picks the most recent frame (smallest
    t_pos > 0; the conditioning frame, t_pos 0, only when alone); its mask, dilated by 2 cells, AND the current
    frame's object indicator (current features channel 1 > 0, i.e. green) becomes channel 255 (+-10 logits). Row 0
    of channels 0..4 reports what the graph was fed: frame identities, temporal codes, maskmem_pos_enc channel 1 at
    each frame's last token, the number of object pointers, current_vision_pos_embed[4095, 0, 0].

bad/decoder_embed32.onnx  a SAM v1 decoder whose image_embeddings input is [1,256,32,32] (for validation tests).

resize/                   reference resamplings for the Java kernels (width x height in the names):
  source_53x37.rgb        seeded random 8-bit RGB, interleaved, row-major
  pil_<w>x<h>.rgb         PIL Image.resize(BILINEAR) of it, what SAM v1's ResizeLongestSide.apply_image does
                          (torchvision resize on a PIL image)
  torch_aa_<w>x<h>.f32    F.interpolate(bilinear, align_corners=False, antialias=True) of source / 255, CHW
                          float32 little-endian (SAM2Transforms' Resize on a tensor)
  logits_7x5.f32, up_<w>x<h>.f32
                          a seeded 5x7 float grid and F.interpolate(bilinear, align_corners=False) of it
                          (the mask upscaling of SAM2's postprocess_masks)

Regenerate (from the repository root; needs PyTorch, the onnx package, NumPy and Pillow; no weights, no network):
    /usr/bin/python3 tools/sam/make_tiny_sam.py --out refam-onnx/src/test/resources/sam
"""

import argparse
import os
import warnings

import onnx
import torch
import torch.nn.functional as F
from torch import nn

FRAME = 1024  # SAM / SAM2 input side (image_encoder.img_size, sam2 image_size)
GRID = 256  # low-resolution mask side (4 x the 64x64 embedding, segment_anything export dummy mask_input)
RADII = (40.0, 56.0, 72.0, 88.0)  # disk radius of each of the 4 internal masks, 1024-frame pixels
SAM_IOUS = (0.50, 0.60, 0.95, 0.70)  # iou_predictions of the 4 internal SAM v1 masks
SAM2_IOUS = (0.50, 0.30, 0.90, 0.60)  # iou_predictions of the 4 internal SAM2 masks (the first one is dropped)
NO_MASK = -8.0  # logit everywhere when the prompt is malformed (padding missing or doubled)
BIG = 1.0e4
OPSET = 17  # the default of segment-anything's scripts/export_onnx_model.py and samexporter


def disk_logits(point_coords, point_labels, radii):
    """[B,N,2] points in the 1024 frame, [B,N] labels -> [B,K,256,256] logits (K = len(radii))."""
    centres = (torch.arange(GRID, dtype=torch.float32) + 0.5) * (FRAME / GRID)
    pts = point_coords + 0.5  # SAM's _embed_points shift to pixel centres
    px = pts[:, :, 0].unsqueeze(-1).unsqueeze(-1)  # B,N,1,1
    py = pts[:, :, 1].unsqueeze(-1).unsqueeze(-1)
    dx = centres.view(1, 1, 1, GRID) - px
    dy = centres.view(1, 1, GRID, 1) - py
    dist = torch.sqrt(dx * dx + dy * dy).unsqueeze(1)  # B,1,N,256,256
    r = radii.view(1, -1, 1, 1, 1)  # 1,K,1,1,1
    labels = point_labels.unsqueeze(1).unsqueeze(-1).unsqueeze(-1)  # B,1,N,1,1
    inside = torch.where(labels == 1, r - dist, torch.tensor(-BIG)).amax(dim=2)
    outside = torch.where(labels == 0, dist - r / 2, torch.tensor(BIG)).amin(dim=2)
    logits = torch.minimum(inside, outside)
    one_padding = ((point_labels == -1).to(torch.float32).sum(dim=1) == 1).view(-1, 1, 1, 1)
    return torch.where(one_padding, logits, torch.tensor(NO_MASK))


def feature_term(*features):
    """A negligible term that makes the decoder depend on the image features (keeps them graph inputs)."""
    total = torch.zeros(())
    for f in features:
        total = total + f.mean()
    return 1.0e-3 * torch.tanh(total)


def pool_features(x, stride, channels):
    """Average pool of the three input channels, zero-padded to `channels`."""
    pooled = F.avg_pool2d(x, kernel_size=stride, stride=stride)
    return F.pad(pooled, (0, 0, 0, 0, 0, channels - 3))


class TinySamEncoder(nn.Module):
    def forward(self, input_image):
        return pool_features(input_image, FRAME // 64, 256)


class TinySamEncoderWithPreprocess(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.tensor([123.675, 116.28, 103.53]))  # SAM pixel_mean
        self.register_buffer("std", torch.tensor([58.395, 57.12, 57.375]))  # SAM pixel_std

    def forward(self, input_image):
        x = (input_image - self.mean) / self.std
        x = torch.permute(x, (2, 0, 1))
        h, w = x.shape[-2:]
        x = F.pad(x, (0, FRAME - w, 0, FRAME - h))
        return pool_features(torch.unsqueeze(x, 0), FRAME // 64, 256)


class TinySamDecoder(nn.Module):
    def __init__(self, return_single_mask, embed_side=64):
        super().__init__()
        self.return_single_mask = return_single_mask
        self.embed_side = embed_side
        self.register_buffer("radii", torch.tensor(RADII))
        self.register_buffer("ious", torch.tensor(SAM_IOUS))

    def forward(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input, orig_im_size):
        low = disk_logits(point_coords, point_labels, self.radii)
        low = low + has_mask_input.view(-1, 1, 1, 1) * mask_input + feature_term(image_embeddings)
        scores = self.ious.view(1, -1) + 0.0 * point_labels[:, :1]
        if self.return_single_mask:
            # segment_anything/utils/onnx.py SamOnnxModel.select_masks: with more than 2 points (padding
            # included) the first (single-mask) output wins, otherwise the best of the other three.
            reweight = torch.tensor([[1000.0, 0.0, 0.0, 0.0]])
            score = scores + (point_coords.shape[1] - 2.5) * reweight
            best = torch.argmax(score, dim=1)
            low = low[torch.arange(low.shape[0]), best, :, :].unsqueeze(1)
            scores = scores[torch.arange(low.shape[0]), best].unsqueeze(1)
        # SamOnnxModel.mask_postprocessing
        up = F.interpolate(low, size=(FRAME, FRAME), mode="bilinear", align_corners=False)
        size = orig_im_size.to(torch.float32)
        scale = FRAME / torch.max(size)
        prepadded = torch.floor(scale * size + 0.5).to(torch.int64)
        up = up[..., : prepadded[0], : prepadded[1]]
        hw = orig_im_size.to(torch.int64)
        masks = F.interpolate(up, size=(hw[0], hw[1]), mode="bilinear", align_corners=False)
        return masks, scores, low


class TinySam2Encoder(nn.Module):
    def forward(self, image):
        return (pool_features(image, 4, 32), pool_features(image, 8, 64), pool_features(image, 16, 256))


class TinySam2Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("radii", torch.tensor(RADII))
        self.register_buffer("ious", torch.tensor(SAM2_IOUS))

    def forward(self, image_embed, high_res_feats_0, high_res_feats_1, point_coords, point_labels, mask_input,
                has_mask_input):
        # samexporter export_sam2.py SAM2ImageDecoder._embed_points appends the padding point itself.
        pad_point = torch.zeros_like(point_coords[:, :1, :])
        pad_label = -torch.ones_like(point_labels[:, :1])
        coords = torch.cat([point_coords, pad_point], dim=1)
        labels = torch.cat([point_labels, pad_label], dim=1)
        low = disk_logits(coords, labels, self.radii)
        low = low + has_mask_input.view(-1, 1, 1, 1) * mask_input
        low = low + feature_term(image_embed, high_res_feats_0, high_res_feats_1)
        scores = self.ious.view(1, -1) + 0.0 * labels[:, :1]
        masks = torch.clamp(low[:, 1:, :, :], -32.0, 32.0)  # multimask_output = True
        return masks, scores[:, 1:]


NUM_MASKMEM = 7  # sam2 configs: num_maskmem (1 conditioning frame + 6 previous frames); temporal_code rows
MEM_DIM = 64  # sam2 memory_encoder out_dim (maskmem_features channels, memory_pos_embed width)
TOKENS = 64 * 64  # tokens of the 64x64 stride-16 feature grid
NO_MEM = 0.25  # stand-in for SAM2's learned no_mem_embed [1,1,256]
MEM_SCALE, MEM_BIAS = 20.0, -10.0  # sam2 configs: sigmoid_scale_for_mem_enc, sigmoid_bias_for_mem_enc
TRACK_LOGIT = 10.0  # |logit| of the tiny memory attention's recalled mask


def token_ramp(channels, channel, like):
    """[4096, 1, channels] zeros with token index / 4096 in `channel` (depends on `like` so it stays computed)."""
    ramp = torch.arange(TOKENS, dtype=torch.float32) / TOKENS + 0.0 * like.mean()  # padded at run time, not folded
    return F.pad(ramp.view(TOKENS, 1, 1), (channel, channels - channel - 1))


class TinySam2VideoEncoder(nn.Module):
    def forward(self, image):
        embed = pool_features(image, 16, 256)
        return (embed, pool_features(image, 4, 32), pool_features(image, 8, 64), embed + NO_MEM,
                token_ramp(256, 0, image))


class TinySam2VideoDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("radii", torch.tensor(RADII[2:3]))

    def forward(self, point_coords, point_labels, image_embed, high_res_feats_0, high_res_feats_1):
        # the padding point (0, 0) / -1 that SAM2's prompt encoder appends, also to an empty prompt (propagation)
        coords = F.pad(point_coords, (0, 0, 0, 1))
        labels = F.pad(point_labels, (0, 1), value=-1.0)
        disk = disk_logits(coords, labels, self.radii)
        has_points = ((labels >= 0).to(torch.float32).sum(dim=1) > 0).view(-1, 1, 1, 1)
        recalled = F.interpolate(image_embed[:, 255:256], scale_factor=4.0, mode="nearest")
        low = torch.where(has_points, disk, recalled) + feature_term(image_embed, high_res_feats_0, high_res_feats_1)
        pred_mask = torch.clamp(low, -32.0, 32.0)
        up = F.interpolate(pred_mask, size=(FRAME, FRAME), mode="bilinear", align_corners=False)
        mask_for_mem = torch.sigmoid(up) * MEM_SCALE + MEM_BIAS
        obj_ptr = image_embed.mean(dim=(2, 3))
        return obj_ptr, mask_for_mem, pred_mask


class TinySam2MemoryEncoder(nn.Module):
    def forward(self, mask_for_mem, pix_feat):
        binary = (mask_for_mem > 0).to(torch.float32)  # _encode_new_memory with is_mask_from_pts=True
        mask = F.avg_pool2d(binary, kernel_size=16, stride=16)
        features = F.pad(torch.cat([mask, pix_feat[:, 0:1]], dim=1), (0, 0, 0, 0, 0, MEM_DIM - 2))
        codes = torch.arange(1, NUM_MASKMEM + 1, dtype=torch.float32).view(NUM_MASKMEM, 1, 1, 1)
        temporal_code = F.pad(codes, (0, MEM_DIM - 1)) + 0.0 * pix_feat.mean()
        return features, token_ramp(MEM_DIM, 1, pix_feat), temporal_code


class TinySam2MemoryAttention(nn.Module):
    def forward(self, current_vision_feat, current_vision_pos_embed, memory_0, memory_1, memory_pos_embed):
        curr = current_vision_feat - NO_MEM  # the export subtracts no_mem_embed before memory attention
        frames = memory_1.shape[0]
        first = torch.arange(frames) * TOKENS
        code = memory_pos_embed[first, 0, 0]
        pos_check = memory_pos_embed[first + TOKENS - 1, 0, 1]
        identity = memory_1[:, 1, 0, 0]
        t_pos = NUM_MASKMEM - code
        recency = torch.where(t_pos < 0.5, torch.full_like(t_pos, 1000.0), t_pos)
        pick = (torch.arange(frames) == torch.argmin(recency)).to(torch.float32)
        recalled = (pick.view(-1, 1, 1) * memory_1[:, 0]).sum(dim=0, keepdim=True).unsqueeze(0)  # [1,1,64,64]
        dilated = F.max_pool2d((recalled > 0.5).to(torch.float32), kernel_size=5, stride=1, padding=2)
        track = dilated * (curr[:, 1:2] > 0).to(torch.float32)
        channel = track * (2 * TRACK_LOGIT) - TRACK_LOGIT
        spread = torch.eye(64)[:frames]  # [frames, 64]: row j puts frame j's value in column j
        rows = torch.stack([
            identity @ spread, code @ spread, pos_check @ spread,
            F.pad((memory_0.shape[0] + 0.0 * memory_0.sum()).view(1), (0, 63)),
            F.pad(current_vision_pos_embed[TOKENS - 1, 0, 0:1], (0, 63)),
        ]).view(1, 5, 1, 64)
        report = F.pad(rows, (0, 0, 0, 63))
        return torch.cat([report, curr[:, 5:255], channel], dim=1)


def export(model, args, path, input_names, output_names, dynamic_axes, output_shapes=None):
    """torch.onnx.export, then declares `output_shapes` ({name: dims, a str dim being symbolic}) on the graph
    outputs where the exporter's shape inference lost them (the real exports declare static feature shapes)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
        warnings.filterwarnings("ignore", category=UserWarning)
        torch.onnx.export(model, args, path, export_params=True, opset_version=OPSET, do_constant_folding=True,
                          input_names=input_names, output_names=output_names, dynamic_axes=dynamic_axes)
    m = onnx.load(path)
    for out in m.graph.output:
        if output_shapes and out.name in output_shapes:
            dims = out.type.tensor_type.shape.dim
            del dims[:]
            for d in output_shapes[out.name]:
                if isinstance(d, str):
                    dims.add().dim_param = d
                else:
                    dims.add().dim_value = d
    onnx.checker.check_model(m)
    onnx.save(m, path)
    got = [i.name for i in m.graph.input]
    if got != input_names:
        raise SystemExit(f"{path}: inputs {got}, expected {input_names}")
    return path


SAM_DECODER_INPUTS = ["image_embeddings", "point_coords", "point_labels", "mask_input", "has_mask_input",
                      "orig_im_size"]
SAM_DECODER_OUTPUTS = ["masks", "iou_predictions", "low_res_masks"]
SAM2_DECODER_INPUTS = ["image_embed", "high_res_feats_0", "high_res_feats_1", "point_coords", "point_labels",
                       "mask_input", "has_mask_input"]


def sam_decoder_dummies(embed_side=64):
    # As segment-anything's scripts/export_onnx_model.py (random values do not matter for tracing).
    return (torch.randn(1, 256, embed_side, embed_side), torch.randint(0, 1024, (1, 5, 2)).float(),
            torch.randint(0, 4, (1, 5)).float(), torch.randn(1, 1, GRID, GRID), torch.tensor([1.0]),
            torch.tensor([1500.0, 2250.0]))


def build(out):
    torch.manual_seed(0)
    paths = []
    paths.append(export(TinySamEncoder(), (torch.randn(1, 3, FRAME, FRAME),), os.path.join(out, "sam1", "encoder.onnx"),
                        ["input_image"], ["image_embeddings"], None, {"image_embeddings": [1, 256, 64, 64]}))
    paths.append(export(TinySamEncoderWithPreprocess(), (torch.randn(FRAME, 700, 3) * 50 + 128,),
                        os.path.join(out, "sam1", "encoder_preprocess.onnx"), ["input_image"], ["image_embeddings"],
                        {"input_image": {0: "image_height", 1: "image_width"}},
                        {"image_embeddings": [1, 256, 64, 64]}))
    sam_axes = {"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}}
    paths.append(export(TinySamDecoder(True), sam_decoder_dummies(), os.path.join(out, "sam1", "decoder.onnx"),
                        SAM_DECODER_INPUTS, SAM_DECODER_OUTPUTS, sam_axes))
    paths.append(export(TinySamDecoder(False), sam_decoder_dummies(),
                        os.path.join(out, "sam1", "decoder_multimask.onnx"), SAM_DECODER_INPUTS, SAM_DECODER_OUTPUTS,
                        sam_axes, {"iou_predictions": [1, 4], "low_res_masks": [1, 4, GRID, GRID]}))
    paths.append(export(TinySamDecoder(True, 32), sam_decoder_dummies(32),
                        os.path.join(out, "bad", "decoder_embed32.onnx"), SAM_DECODER_INPUTS, SAM_DECODER_OUTPUTS,
                        sam_axes))
    paths.append(export(TinySam2Encoder(), (torch.randn(1, 3, FRAME, FRAME),), os.path.join(out, "sam2", "encoder.onnx"),
                        ["image"], ["high_res_feats_0", "high_res_feats_1", "image_embed"], None,
                        {"high_res_feats_0": [1, 32, 256, 256], "high_res_feats_1": [1, 64, 128, 128],
                         "image_embed": [1, 256, 64, 64]}))
    enc = TinySam2Encoder()(torch.randn(1, 3, FRAME, FRAME))
    sam2_dummies = (enc[2], enc[0], enc[1], torch.randint(0, 1024, (1, 5, 2)).float(), torch.zeros(1, 5),
                    torch.randn(1, 1, GRID, GRID), torch.tensor([1.0]))
    paths.append(export(TinySam2Decoder(), sam2_dummies, os.path.join(out, "sam2", "decoder.onnx"),
                        SAM2_DECODER_INPUTS, ["masks", "iou_predictions"],
                        {"point_coords": {0: "num_labels", 1: "num_points"},
                         "point_labels": {0: "num_labels", 1: "num_points"},
                         "mask_input": {0: "num_labels"}, "has_mask_input": {0: "num_labels"}},
                        {"masks": ["num_labels", 3, GRID, GRID], "iou_predictions": ["num_labels", 3]}))
    paths += build_video(os.path.join(out, "sam2video"))
    return paths


VIDEO_ENCODER_OUTPUTS = ["image_embeddings", "high_res_features1", "high_res_features2", "current_vision_feat",
                         "vision_pos_embed"]
VIDEO_DECODER_INPUTS = ["point_coords", "point_labels", "image_embed", "high_res_feats_0", "high_res_feats_1"]
VIDEO_DECODER_OUTPUTS = ["obj_ptr", "mask_for_mem", "pred_mask"]
MEMORY_ATTENTION_INPUTS = ["current_vision_feat", "current_vision_pos_embed", "memory_0", "memory_1",
                           "memory_pos_embed"]
MEMORY_ENCODER_OUTPUTS = ["maskmem_features", "maskmem_pos_enc", "temporal_code"]


def build_video(d):
    """The four graphs of pagarcia/sam2-onnx-cpp's legacy export (export/src/utils.py), tiny semantics."""
    image = torch.randn(1, 3, FRAME, FRAME)
    enc = TinySam2VideoEncoder()(image)
    paths = [export(TinySam2VideoEncoder(), (image,), os.path.join(d, "image_encoder.onnx"), ["input"],
                    VIDEO_ENCODER_OUTPUTS, None,
                    {"image_embeddings": [1, 256, 64, 64], "high_res_features1": [1, 32, 256, 256],
                     "high_res_features2": [1, 64, 128, 128], "current_vision_feat": [1, 256, 64, 64],
                     "vision_pos_embed": [TOKENS, 1, 256]})]
    # utils.py export_image_decoder traces with a box prompt: two corner points labelled 2 and 3
    box = (torch.tensor([[[128.0, 128.0], [896.0, 896.0]]]), torch.tensor([[2.0, 3.0]]))
    paths.append(export(TinySam2VideoDecoder(), box + (enc[0], enc[1], enc[2]), os.path.join(d, "image_decoder.onnx"),
                        VIDEO_DECODER_INPUTS, VIDEO_DECODER_OUTPUTS,
                        {"point_coords": {0: "num_labels", 1: "num_points"},
                         "point_labels": {0: "num_labels", 1: "num_points"}},
                        {"obj_ptr": ["num_labels", 256], "mask_for_mem": ["num_labels", 1, FRAME, FRAME],
                         "pred_mask": ["num_labels", 1, GRID, GRID]}))
    mask = torch.randn(1, 1, FRAME, FRAME)
    paths.append(export(TinySam2MemoryEncoder(), (mask, enc[0]), os.path.join(d, "memory_encoder.onnx"),
                        ["mask_for_mem", "pix_feat"], MEMORY_ENCODER_OUTPUTS, None,
                        {"maskmem_features": [1, MEM_DIM, 64, 64], "maskmem_pos_enc": [TOKENS, 1, MEM_DIM],
                         "temporal_code": [NUM_MASKMEM, 1, 1, MEM_DIM]}))
    # utils.py export_memory_attention traces with 16 object pointers and 7 memory frames
    dummies = (enc[3], enc[4], torch.randn(16, 256), torch.randn(NUM_MASKMEM, MEM_DIM, 64, 64),
               torch.randn(NUM_MASKMEM * TOKENS + 64, 1, MEM_DIM))
    paths.append(export(TinySam2MemoryAttention(), dummies, os.path.join(d, "memory_attention.onnx"),
                        MEMORY_ATTENTION_INPUTS, ["fused_feat"],
                        {"memory_0": {0: "num_object_ptrs"}, "memory_1": {0: "num_mem_frames"},
                         "memory_pos_embed": {0: "buff_size"}},
                        {"fused_feat": [1, 256, 64, 64]}))
    return paths


RESIZE_SOURCE = (53, 37)  # width, height
PIL_SIZES = ((19, 13), (101, 70), (80, 20), (53, 37))
TORCH_AA_SIZES = ((19, 13), (101, 70), (80, 20))
LOGITS_SIZE = (7, 5)
UP_SIZES = ((17, 13), (3, 2), (7, 5))


def write_resize_references(out):
    """Reference resamplings (PIL and PyTorch) for the Java resize kernels; needs Pillow and NumPy."""
    import numpy as np
    from PIL import Image

    d = os.path.join(out, "resize")
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(20250922)
    w, h = RESIZE_SOURCE
    src = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    paths = [os.path.join(d, f"source_{w}x{h}.rgb")]
    src.tofile(paths[-1])
    for ow, oh in PIL_SIZES:
        paths.append(os.path.join(d, f"pil_{ow}x{oh}.rgb"))
        np.asarray(Image.fromarray(src).resize((ow, oh), Image.BILINEAR), dtype=np.uint8).tofile(paths[-1])
    x = torch.from_numpy(src.astype(np.float32) / 255.0).permute(2, 0, 1).unsqueeze(0)
    for ow, oh in TORCH_AA_SIZES:
        paths.append(os.path.join(d, f"torch_aa_{ow}x{oh}.f32"))
        y = F.interpolate(x, size=(oh, ow), mode="bilinear", align_corners=False, antialias=True)
        y[0].numpy().astype("<f4").tofile(paths[-1])
    lw, lh = LOGITS_SIZE
    logits = torch.from_numpy(rng.normal(size=(1, 1, lh, lw)).astype(np.float32))
    paths.append(os.path.join(d, f"logits_{lw}x{lh}.f32"))
    logits[0, 0].numpy().astype("<f4").tofile(paths[-1])
    for ow, oh in UP_SIZES:
        paths.append(os.path.join(d, f"up_{ow}x{oh}.f32"))
        y = F.interpolate(logits, size=(oh, ow), mode="bilinear", align_corners=False)
        y[0, 0].numpy().astype("<f4").tofile(paths[-1])
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join("refam-onnx", "src", "test", "resources", "sam"),
                        help="output folder (default: %(default)s)")
    args = parser.parse_args()
    for p in build(args.out) + write_resize_references(args.out):
        print(f"{p} ({os.path.getsize(p)} bytes)")


if __name__ == "__main__":
    main()
