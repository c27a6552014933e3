"""A small NumPy interpreter for the ONNX operators our exported graphs use.

This machine has no onnxruntime for Python and ``onnx`` 1.12 has no ``onnx.reference``; the interpreter lets
the tests run an exported graph at shapes other than the traced ones (dynamic image size) and compare it with
PyTorch. It follows the operator definitions of https://onnx.ai/onnx/operators/ for the opsets our exports use
(13-17), evaluates nodes in graph order, and is meant for tiny models only (no speed, no memory planning).
Unknown operators raise ``NotImplementedError`` naming them.

Run ``python3 -m refam_tools.onnx_numpy FIXTURE_DIR`` to evaluate every case of a ``make_fixture`` folder and
report the largest difference to the stored outputs.
"""

from __future__ import annotations

import math
import sys
from typing import Callable, Dict, List, Mapping, Optional, Union

import numpy as np
import onnx
from onnx import numpy_helper

try:  # onnx >= 1.13
    from onnx.helper import tensor_dtype_to_np_dtype as _np_dtype
except ImportError:  # onnx 1.12
    from onnx.mapping import TENSOR_TYPE_TO_NP_TYPE

    def _np_dtype(code: int) -> np.dtype:
        return TENSOR_TYPE_TO_NP_TYPE[code]


def _attrs(node: onnx.NodeProto) -> Dict[str, object]:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _axis(axis: int, rank: int) -> int:
    return axis + rank if axis < 0 else axis


def _int_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    q = np.abs(a) // np.abs(b)
    return (np.sign(a) * np.sign(b) * q).astype(np.result_type(a, b))


def _slice(data, starts, ends, axes=None, steps=None):
    rank = data.ndim
    axes = list(range(len(starts))) if axes is None else [_axis(int(a), rank) for a in axes]
    steps = [1] * len(starts) if steps is None else [int(s) for s in steps]
    index = [slice(None)] * rank
    for s, e, a, st in zip(starts, ends, axes, steps):
        dim = data.shape[a]
        s, e = int(s), int(e)
        if s < 0:
            s += dim
        if e < 0:
            e += dim
        if st > 0:
            s = min(max(s, 0), dim)
            e = min(max(e, 0), dim)
            index[a] = slice(s, e, st)
        else:
            s = min(max(s, -1), dim - 1)
            e = min(max(e, -1), dim - 1)
            index[a] = slice(s, None if e < 0 else e, st)
    return data[tuple(index)]


def _conv(x, w, b, a):
    if a.get("group", 1) != 1:
        raise NotImplementedError("Conv with group != 1")
    if x.ndim != 4:
        raise NotImplementedError(f"Conv on rank {x.ndim}")
    kh, kw = w.shape[2], w.shape[3]
    sh, sw = a.get("strides", [1, 1])
    dh, dw = a.get("dilations", [1, 1])
    pads = a.get("pads", [0, 0, 0, 0])
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise NotImplementedError("Conv auto_pad")
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    n, c, h, wd = x.shape
    oh = (h - dh * (kh - 1) - 1) // sh + 1
    ow = (wd - dw * (kw - 1) - 1) // sw + 1
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = x[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
    out = np.einsum("nckhxy,ockh->noxy", cols, w, optimize=True)
    if b is not None:
        out = out + b.reshape(1, -1, 1, 1)
    return out.astype(x.dtype)


def _layer_norm(x, scale, bias, a):
    axis = _axis(a.get("axis", -1), x.ndim)
    eps = a.get("epsilon", 1e-5)
    axes = tuple(range(axis, x.ndim))
    xf = x.astype(np.float64)
    mean = xf.mean(axis=axes, keepdims=True)
    var = ((xf - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (xf - mean) / np.sqrt(var + eps) * scale
    if bias is not None:
        y = y + bias
    return y.astype(x.dtype)


def _instance_norm(x, scale, bias, a):
    eps = a.get("epsilon", 1e-5)
    axes = tuple(range(2, x.ndim))
    xf = x.astype(np.float64)
    mean = xf.mean(axis=axes, keepdims=True)
    var = ((xf - mean) ** 2).mean(axis=axes, keepdims=True)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return ((xf - mean) / np.sqrt(var + eps) * scale.reshape(shape) + bias.reshape(shape)).astype(x.dtype)


def _softmax(x, a):
    axis = a.get("axis", -1)
    m = np.max(x, axis=axis, keepdims=True)
    e = np.exp(x - m)
    return e / np.sum(e, axis=axis, keepdims=True)


def _reduce(fn):
    def run(inputs, a):
        x = inputs[0]
        axes = a.get("axes")
        if axes is None and len(inputs) > 1 and inputs[1] is not None:
            axes = inputs[1]
        if axes is None or len(axes) == 0:
            if a.get("noop_with_empty_axes", 0):
                return [x]
            axes = tuple(range(x.ndim))
        axes = tuple(_axis(int(ax), x.ndim) for ax in axes)
        return [fn(x, axis=axes, keepdims=bool(a.get("keepdims", 1))).astype(x.dtype)]
    return run


def _pad(inputs, a):
    x, pads = inputs[0], [int(p) for p in inputs[1]]
    value = inputs[2].item() if len(inputs) > 2 and inputs[2] is not None and inputs[2].size else 0
    if a.get("mode", b"constant") not in (b"constant", "constant"):
        raise NotImplementedError(f"Pad mode {a.get('mode')}")
    r = x.ndim
    width = [(pads[i], pads[i + r]) for i in range(r)]
    if any(p < 0 for pair in width for p in pair):
        raise NotImplementedError("negative pads")
    return [np.pad(x, width, constant_values=value)]


def _split(inputs, a, n_out):
    x = inputs[0]
    axis = _axis(a.get("axis", 0), x.ndim)
    split = inputs[1] if len(inputs) > 1 and inputs[1] is not None else a.get("split")
    if split is None:
        split = [x.shape[axis] // n_out] * n_out
    bounds = np.cumsum([int(s) for s in split])[:-1]
    return np.split(x, bounds, axis=axis)


def _erf(x):
    return np.vectorize(math.erf, otypes=[np.float64])(x).astype(x.dtype)


def _gemm(inputs, a):
    A, B = inputs[0], inputs[1]
    C = inputs[2] if len(inputs) > 2 else None
    if a.get("transA", 0):
        A = A.T
    if a.get("transB", 0):
        B = B.T
    y = a.get("alpha", 1.0) * (A @ B)
    if C is not None:
        y = y + a.get("beta", 1.0) * C
    return [y.astype(A.dtype)]


def _arg(fn):
    def run(inputs, a):
        x = inputs[0]
        axis = _axis(a.get("axis", 0), x.ndim)
        if a.get("select_last_index", 0):
            r = x.shape[axis] - 1 - fn(np.flip(x, axis), axis=axis)
        else:
            r = fn(x, axis=axis)
        if a.get("keepdims", 1):
            r = np.expand_dims(r, axis)
        return [r.astype(np.int64)]
    return run


def _trilu(inputs, a):
    x = inputs[0]
    k = int(inputs[1]) if len(inputs) > 1 and inputs[1] is not None else 0
    return [np.triu(x, k) if a.get("upper", 1) else np.tril(x, k)]


def _binary(fn):
    return lambda inputs, a: [np.asarray(fn(inputs[0], inputs[1]))]


def _unary(fn):
    return lambda inputs, a: [np.asarray(fn(inputs[0])).astype(inputs[0].dtype)]


OPS: Dict[str, Callable] = {
    "Add": _binary(np.add), "Sub": _binary(np.subtract), "Mul": _binary(np.multiply),
    "Div": lambda i, a: [_int_div(i[0], i[1]) if np.issubdtype(i[0].dtype, np.integer) else i[0] / i[1]],
    "Pow": lambda i, a: [np.power(i[0], i[1]).astype(i[0].dtype)],
    "MatMul": lambda i, a: [np.matmul(i[0], i[1])],
    "Gemm": _gemm,
    "Equal": _binary(np.equal), "Less": _binary(np.less), "Greater": _binary(np.greater),
    "LessOrEqual": _binary(np.less_equal), "GreaterOrEqual": _binary(np.greater_equal),
    "And": _binary(np.logical_and), "Or": _binary(np.logical_or), "Not": lambda i, a: [np.logical_not(i[0])],
    "Max": lambda i, a: [np.maximum.reduce(i) if len(i) > 1 else i[0]],
    "Min": lambda i, a: [np.minimum.reduce(i) if len(i) > 1 else i[0]],
    "Sum": lambda i, a: [sum(i[1:], i[0])],
    "Where": lambda i, a: [np.where(i[0], i[1], i[2])],
    "Sqrt": _unary(np.sqrt), "Exp": _unary(np.exp), "Log": _unary(np.log), "Abs": _unary(np.abs),
    "Neg": _unary(np.negative), "Cos": _unary(np.cos), "Sin": _unary(np.sin), "Tanh": _unary(np.tanh),
    "Floor": _unary(np.floor), "Ceil": _unary(np.ceil), "Reciprocal": _unary(np.reciprocal),
    "Sigmoid": _unary(lambda x: 1.0 / (1.0 + np.exp(-x))), "Relu": _unary(lambda x: np.maximum(x, 0)),
    "Erf": lambda i, a: [_erf(i[0])],
    "Identity": lambda i, a: [i[0]],
    "Cast": lambda i, a: [i[0].astype(_np_dtype(a["to"]))],
    "Shape": lambda i, a: [np.array(i[0].shape[a.get("start", 0):a.get("end", None)], dtype=np.int64)],
    "Reshape": lambda i, a: [i[0].reshape([i[0].shape[k] if d == 0 and not a.get("allowzero", 0) else int(d)
                                           for k, d in enumerate(i[1])])],
    "Transpose": lambda i, a: [np.transpose(i[0], a.get("perm"))],
    "Unsqueeze": lambda i, a: [np.expand_dims(i[0], tuple(sorted(
        _axis(int(x), i[0].ndim + len(i[1])) for x in i[1])))],
    "Squeeze": lambda i, a: [np.squeeze(i[0], axis=None if len(i) < 2 or i[1] is None
                                        else tuple(_axis(int(x), i[0].ndim) for x in i[1]))],
    "Concat": lambda i, a: [np.concatenate(i, axis=a["axis"])],
    "Gather": lambda i, a: [np.take(i[0], np.where(i[1] < 0, i[1] + i[0].shape[_axis(a.get("axis", 0), i[0].ndim)],
                                                   i[1]), axis=a.get("axis", 0))],
    "Slice": lambda i, a: [_slice(i[0], i[1], i[2], i[3] if len(i) > 3 else None, i[4] if len(i) > 4 else None)],
    "Expand": lambda i, a: [np.broadcast_to(i[0], np.broadcast_shapes(i[0].shape, tuple(int(d) for d in i[1]))).copy()],
    "ConstantOfShape": lambda i, a: [np.full(tuple(int(d) for d in i[0]),
                                             numpy_helper.to_array(a["value"]).item() if "value" in a else 0.0,
                                             dtype=numpy_helper.to_array(a["value"]).dtype if "value" in a else np.float32)],
    "Range": lambda i, a: [np.arange(i[0], i[1], i[2]).astype(i[0].dtype)],
    "Clip": lambda i, a: [np.clip(i[0], i[1] if len(i) > 1 and i[1] is not None else None,
                                  i[2] if len(i) > 2 and i[2] is not None else None)],
    "Softmax": lambda i, a: [_softmax(i[0], a)],
    "LayerNormalization": lambda i, a: [_layer_norm(i[0], i[1], i[2] if len(i) > 2 else None, a)],
    "InstanceNormalization": lambda i, a: [_instance_norm(i[0], i[1], i[2], a)],
    "Conv": lambda i, a: [_conv(i[0], i[1], i[2] if len(i) > 2 else None, a)],
    "Pad": _pad,
    "ReduceMean": _reduce(np.mean), "ReduceSum": _reduce(np.sum), "ReduceMax": _reduce(np.max),
    "ArgMax": _arg(np.argmax), "ArgMin": _arg(np.argmin),
    "Trilu": _trilu,
    "Flatten": lambda i, a: [i[0].reshape(int(np.prod(i[0].shape[:_axis(a.get("axis", 1), i[0].ndim)])), -1)],
    "GatherElements": lambda i, a: [np.take_along_axis(i[0], i[1], axis=a.get("axis", 0))],
    "Tile": lambda i, a: [np.tile(i[0], [int(r) for r in i[1]])],
}


def _constant(a: Mapping[str, object]) -> np.ndarray:
    if "value" in a:
        return numpy_helper.to_array(a["value"])
    for key, dtype in (("value_float", np.float32), ("value_floats", np.float32), ("value_int", np.int64),
                       ("value_ints", np.int64)):
        if key in a:
            return np.array(a[key], dtype=dtype)
    raise NotImplementedError(f"Constant with attributes {sorted(a)}")


def run(model: Union[str, onnx.ModelProto], feeds: Mapping[str, np.ndarray],
        outputs: Optional[List[str]] = None) -> Dict[str, np.ndarray]:
    """Evaluates ``model`` on ``feeds`` (input name -> array); returns the graph outputs (or ``outputs``)."""
    if isinstance(model, str):
        model = onnx.load(model)
    graph = model.graph
    values: Dict[str, Optional[np.ndarray]] = {"": None}
    for init in graph.initializer:
        values[init.name] = numpy_helper.to_array(init)
    for inp in graph.input:
        if inp.name in values:
            continue
        if inp.name not in feeds:
            raise ValueError(f"missing input {inp.name!r}; expected {[i.name for i in graph.input]}")
        values[inp.name] = np.asarray(feeds[inp.name])
    for node in graph.node:
        a = _attrs(node)
        if node.op_type == "Constant":
            results = [_constant(a)]
        elif node.op_type == "Split":
            results = _split([values[n] for n in node.input], a, len(node.output))
        elif node.op_type in OPS:
            try:
                results = OPS[node.op_type]([values[n] for n in node.input], a)
            except Exception as e:  # name the node so a failing graph is easy to inspect
                shapes = [None if values[n] is None else values[n].shape for n in node.input]
                raise RuntimeError(f"{node.op_type} node {node.name!r} failed on inputs {shapes}: {e}") from e
        else:
            raise NotImplementedError(f"operator {node.op_type} (node {node.name!r}) is not supported")
        for name, value in zip(node.output, results):
            if name:
                values[name] = value
    wanted = outputs or [o.name for o in graph.output]
    return {name: values[name] for name in wanted}


def check_fixture(folder: str) -> Dict[str, float]:
    """Runs every case of ``folder/fixture.json`` (written by ``make_fixture``) and returns, per
    ``case/output``, the largest absolute difference to the stored reference."""
    import json
    import os

    from . import safetensors_io

    with open(os.path.join(folder, "fixture.json"), "r", encoding="utf-8") as f:
        fixture = json.load(f)
    tensors = {k: v.numpy() for k, v in safetensors_io.load(os.path.join(folder, fixture["tensors"])).items()}
    diffs = {}
    for case in fixture["cases"]:
        feeds = {name: tensors[key] for name, key in case["inputs"].items()}
        got = run(os.path.join(folder, case["graph"]), feeds, list(case["outputs"]))
        for name, key in case["outputs"].items():
            diffs[f"{case['name']}/{name}"] = float(np.max(np.abs(got[name] - tensors[key])))
    return diffs


def main(argv: Optional[List[str]] = None) -> int:
    import argparse
    import json
    import os

    ap = argparse.ArgumentParser(prog="python3 -m refam_tools.onnx_numpy",
                                 description="Evaluate the cases of a make_fixture folder with the NumPy interpreter.")
    ap.add_argument("fixture", help="folder holding fixture.json")
    args = ap.parse_args(argv)
    with open(os.path.join(args.fixture, "fixture.json"), "r", encoding="utf-8") as f:
        tolerance = json.load(f)["tolerance"]
    diffs = check_fixture(args.fixture)
    for name, diff in diffs.items():
        print(f"{name}: max abs diff {diff:.3g}")
    worst = max(diffs.values())
    print(f"worst {worst:.3g}, tolerance {tolerance}")
    return 0 if worst <= tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
