"""ONNX export helpers shared by the export commands: export, declared shapes, external data, export records.

Every export command writes two files: the graph ``X.onnx`` (plus ``X.onnx.data`` when its weights live in an
external data file) and an *export record* ``X.onnx.json``, the manifest section of that component
(docs/model-bundle.md), which ``build_bundle`` merges into ``manifest.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

import onnx
import torch
from onnx import numpy_helper
from onnx.external_data_helper import ExternalDataInfo, uses_external_data

from . import __version__

OPSET = 17
# Protobuf cannot serialise messages of 2 GiB or more; above this size the weights must go to external data.
PROTOBUF_LIMIT = 2 ** 31 - 1
# Initializers at least this large move to the external data file (small ones stay inline).
EXTERNAL_THRESHOLD = 1024
# Offsets of tensors in the data file are aligned to this many bytes (lets runtimes memory-map them).
DATA_ALIGNMENT = 4096

Dim = Union[int, str]


def tensor_spec(name: str, dtype: str, shape: Sequence[Dim]) -> Dict[str, object]:
    """A manifest tensor description: ``{"name", "dtype", "shape"}`` where symbolic dims are strings."""
    return {"name": name, "dtype": dtype, "shape": list(shape)}


def export(module: torch.nn.Module, args: Tuple[torch.Tensor, ...], path: str,
           inputs: Mapping[str, Dict[str, object]], outputs: Mapping[str, Dict[str, object]],
           external: str = "auto", doc: str = "") -> List[str]:
    """Exports ``module`` traced on ``args`` to ``path`` (opset 17) and returns the external data file names
    (relative to the graph's folder; empty when the weights are inline).

    ``inputs``/``outputs`` map a role to a :func:`tensor_spec`, in the module's argument/return order; the spec's
    string dims become dynamic axes and the declared shapes of the saved graph. ``external``: ``auto`` (external
    data only when the graph would exceed the protobuf limit), ``always`` or ``never``.
    """
    if external not in ("auto", "always", "never"):
        raise ValueError(f"external must be auto, always or never, got {external!r}")
    in_specs = list(inputs.values())
    out_specs = list(outputs.values())
    dynamic = {}
    for spec in in_specs + out_specs:
        axes = {i: d for i, d in enumerate(spec["shape"]) if isinstance(d, str)}
        if axes:
            dynamic[spec["name"]] = axes
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".export-", dir=folder)
    try:
        raw = os.path.join(tmp, "model.onnx")
        with torch.no_grad(), warnings.catch_warnings():
            # Constants built in forward (RoPE frequencies, masks) are meant to be constants; the tests run the
            # graphs at untraced sizes to show that no size was frozen.
            warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
            warnings.filterwarnings("ignore", message="The shape inference of prim::Constant")
            warnings.filterwarnings("ignore", message="Constant folding - Only steps=1")  # F.pad's reversed pads
            torch.onnx.export(module, args, raw, input_names=[s["name"] for s in in_specs],
                              output_names=[s["name"] for s in out_specs], dynamic_axes=dynamic,
                              opset_version=OPSET, do_constant_folding=True)
        model = onnx.load(raw, load_external_data=False)
        declare_shapes(model, in_specs, out_specs)
        model.producer_name = "refam_tools"
        model.producer_version = __version__
        if doc:
            model.doc_string = doc
        big = any(uses_external_data(t) for t in model.graph.initializer)
        if big and external == "never":
            raise ValueError(f"{path}: the graph exceeds 2 GiB, external data cannot be avoided")
        data_name = os.path.basename(path) + ".data"
        for stale in (path, os.path.join(folder, data_name)):
            if os.path.exists(stale):
                os.remove(stale)
        if big or external == "always":
            write_with_external_data(model, tmp, path, data_name, consume=True)
            files = [data_name]
        else:
            onnx.save_model(model, path)
            files = []
        onnx.checker.check_model(path, full_check=False)
        return files
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def declare_shapes(model: onnx.ModelProto, inputs: Sequence[Mapping[str, object]],
                   outputs: Sequence[Mapping[str, object]]) -> None:
    """Overwrites the declared shapes of the graph inputs/outputs with the specs' (the exporter invents names
    such as ``Addpred_dim_0`` for dims it could not resolve)."""
    by_name = {s["name"]: s for s in list(inputs) + list(outputs)}
    for value in list(model.graph.input) + list(model.graph.output):
        spec = by_name.get(value.name)
        if spec is None:
            continue
        shape = value.type.tensor_type.shape
        shape.ClearField("dim")
        for d in spec["shape"]:
            dim = shape.dim.add()
            if isinstance(d, str):
                dim.dim_param = d
            else:
                dim.dim_value = int(d)


def write_with_external_data(model: onnx.ModelProto, base_dir: str, path: str, data_name: str,
                             consume: bool = False) -> None:
    """Saves ``model`` at ``path`` with every initializer of at least :data:`EXTERNAL_THRESHOLD` bytes in one file
    ``data_name`` next to it. Tensors already external (PyTorch writes one file per tensor, relative to
    ``base_dir``) are streamed one at a time, so memory never holds all weights; with ``consume`` each such
    one-tensor file is deleted once copied, so the disk holds the weights about once, not twice."""
    folder = os.path.dirname(os.path.abspath(path))
    offset = 0
    with open(os.path.join(folder, data_name), "wb") as out:
        for tensor in _all_tensors(model):
            if uses_external_data(tensor):
                info = ExternalDataInfo(tensor)
                source = os.path.join(base_dir, info.location)
                with open(source, "rb") as f:
                    f.seek(info.offset or 0)
                    data = f.read(info.length) if info.length else f.read()
                if consume:
                    os.remove(source)
            elif tensor.HasField("raw_data"):
                data = tensor.raw_data
            else:
                data = numpy_helper.to_array(tensor).tobytes()
            if len(data) < EXTERNAL_THRESHOLD:
                if uses_external_data(tensor):
                    _make_inline(tensor, data)
                continue
            pad = (-offset) % DATA_ALIGNMENT
            out.write(b"\0" * pad)
            offset += pad
            out.write(data)
            for field in ("raw_data", "float_data", "int32_data", "int64_data", "double_data", "uint64_data"):
                tensor.ClearField(field)
            del tensor.external_data[:]
            for key, value in (("location", data_name), ("offset", str(offset)), ("length", str(len(data)))):
                entry = tensor.external_data.add()
                entry.key, entry.value = key, value
            tensor.data_location = onnx.TensorProto.EXTERNAL
            offset += len(data)
    onnx.save_model(model, path)


def _make_inline(tensor: onnx.TensorProto, data: bytes) -> None:
    del tensor.external_data[:]
    tensor.data_location = onnx.TensorProto.DEFAULT
    tensor.raw_data = data


def _all_tensors(model: onnx.ModelProto):
    yield from model.graph.initializer
    for node in model.graph.node:
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.TENSOR:
                yield attr.t


def consolidate(path: str, data_name: Optional[str] = None) -> str:
    """Rewrites a graph whose weights are spread over many external files (PyTorch's large-model layout) into
    ``<graph>.data`` next to it; returns the data file name. The old per-tensor files are removed."""
    folder = os.path.dirname(os.path.abspath(path))
    data_name = data_name or os.path.basename(path) + ".data"
    model = onnx.load(path, load_external_data=False)
    old = {ExternalDataInfo(t).location for t in _all_tensors(model) if uses_external_data(t)}
    tmp = tempfile.mkdtemp(prefix=".consolidate-", dir=folder)
    try:
        staged = os.path.join(tmp, os.path.basename(path))
        write_with_external_data(model, folder, staged, data_name)
        for name in old - {data_name}:
            os.remove(os.path.join(folder, name))
        os.replace(staged, path)
        os.replace(os.path.join(tmp, data_name), os.path.join(folder, data_name))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return data_name


def declared_shape(model: onnx.ModelProto, name: str) -> List[Dim]:
    """Declared shape of graph input or output ``name`` (dim_param strings, dim_value ints)."""
    for value in list(model.graph.input) + list(model.graph.output):
        if value.name == name:
            return [d.dim_param if d.dim_param else d.dim_value for d in value.type.tensor_type.shape.dim]
    raise KeyError(f"no graph input or output named {name!r}")


def write_record(onnx_path: str, record: Mapping[str, object]) -> str:
    """Writes the export record ``<onnx_path>.json`` and returns its path."""
    out = onnx_path + ".json"
    with open(out, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=2)
        f.write("\n")
    return out


def read_record(onnx_path: str) -> Dict[str, object]:
    with open(onnx_path + ".json", "r", encoding="utf-8") as f:
        return json.load(f)
