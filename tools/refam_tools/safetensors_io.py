"""Reads and writes the safetensors format without the ``safetensors`` package.

Layout of a file (https://github.com/huggingface/safetensors, "Format" section):

* 8 bytes: unsigned little-endian 64-bit length ``n`` of the header;
* ``n`` bytes: UTF-8 JSON object; every key except ``__metadata__`` names a tensor and maps to
  ``{"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}``, offsets in bytes relative to the
  start of the data section; ``__metadata__`` (optional) maps strings to strings;
* the data section: the raw little-endian tensor bytes, row-major.

Sharded checkpoints (Hugging Face ``model.safetensors.index.json``) are a JSON object whose ``weight_map``
maps every tensor name to the shard file (relative to the index) that holds it.

Reading memory-maps the file and copies one tensor at a time, so loading a 24 GB checkpoint tensor by tensor
never holds more than the converted tensors in memory.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
import sys
from typing import Dict, Iterable, Iterator, List, Mapping, Optional, Tuple

import torch

if sys.byteorder != "little":  # the format is little-endian and we reinterpret the bytes in place
    raise ImportError("safetensors_io supports little-endian hosts only")

# dtype code -> (torch dtype, bytes per element); codes from the safetensors specification.
DTYPES: Dict[str, Tuple[torch.dtype, int]] = {
    "F64": (torch.float64, 8),
    "F32": (torch.float32, 4),
    "F16": (torch.float16, 2),
    "BF16": (torch.bfloat16, 2),
    "I64": (torch.int64, 8),
    "I32": (torch.int32, 4),
    "I16": (torch.int16, 2),
    "I8": (torch.int8, 1),
    "U8": (torch.uint8, 1),
    "BOOL": (torch.bool, 1),
}
_CODES = {dt: code for code, (dt, _) in DTYPES.items()}

# A header larger than this is certainly not a safetensors file (the reference implementation uses 100 MB).
MAX_HEADER_BYTES = 100_000_000


class SafetensorsError(ValueError):
    """The file is not valid safetensors, or a requested tensor is missing."""


def read_header(path: str) -> Tuple[Dict[str, dict], Dict[str, str], int]:
    """Returns ``(tensors, metadata, data_start)``: the tensor entries, the ``__metadata__`` map and the byte
    offset of the data section."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) != 8:
            raise SafetensorsError(f"{path}: {size} bytes, too short for a safetensors header")
        (n,) = struct.unpack("<Q", head)
        if n > MAX_HEADER_BYTES or 8 + n > size:
            raise SafetensorsError(f"{path}: header length {n} does not fit a file of {size} bytes")
        try:
            header = json.loads(f.read(n).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise SafetensorsError(f"{path}: header is not UTF-8 JSON ({e})") from e
    if not isinstance(header, dict):
        raise SafetensorsError(f"{path}: header must be a JSON object, got {type(header).__name__}")
    metadata = header.pop("__metadata__", None) or {}
    data_start = 8 + n
    data_len = size - data_start
    for name, entry in header.items():
        _check_entry(path, name, entry, data_len)
    return header, metadata, data_start


def _check_entry(path: str, name: str, entry: dict, data_len: int) -> None:
    try:
        code, shape, (begin, end) = entry["dtype"], entry["shape"], entry["data_offsets"]
    except (KeyError, TypeError, ValueError) as e:
        raise SafetensorsError(f"{path}: tensor {name!r} has a malformed entry {entry!r}") from e
    if code not in DTYPES:
        raise SafetensorsError(f"{path}: tensor {name!r} has unsupported dtype {code!r}; supported: {sorted(DTYPES)}")
    count = 1
    for d in shape:
        if not isinstance(d, int) or d < 0:
            raise SafetensorsError(f"{path}: tensor {name!r} has invalid shape {shape}")
        count *= d
    if not (0 <= begin <= end <= data_len) or end - begin != count * DTYPES[code][1]:
        raise SafetensorsError(
            f"{path}: tensor {name!r} ({code} {shape}) has offsets [{begin}, {end}] that do not match its size "
            f"{count * DTYPES[code][1]} or the data section of {data_len} bytes")


class SafetensorsFile:
    """One open safetensors file; tensors are read on demand. Use as a context manager.

    Not thread-safe.
    """

    def __init__(self, path: str):
        self.path = path
        self.entries, self.metadata, self._data_start = read_header(path)
        self._file = open(path, "rb")
        self._map: Optional[mmap.mmap] = None
        if os.path.getsize(path) > 0:
            # ACCESS_COPY gives a writable (copy-on-write, never written back) buffer that torch.frombuffer accepts.
            self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_COPY)

    def keys(self) -> List[str]:
        return list(self.entries)

    def shape(self, name: str) -> List[int]:
        return list(self._entry(name)["shape"])

    def dtype(self, name: str) -> str:
        return self._entry(name)["dtype"]

    def _entry(self, name: str) -> dict:
        try:
            return self.entries[name]
        except KeyError:
            raise SafetensorsError(f"{self.path}: no tensor named {name!r}") from None

    def get(self, name: str, dtype: Optional[torch.dtype] = None) -> torch.Tensor:
        """A copy of tensor ``name`` (converted to ``dtype`` when given)."""
        if self._map is None:
            raise ValueError(f"{self.path} is closed")
        e = self._entry(name)
        tdtype, width = DTYPES[e["dtype"]]
        begin, end = e["data_offsets"]
        count = (end - begin) // width
        if count == 0:
            t = torch.empty(e["shape"], dtype=tdtype)
        else:
            t = torch.frombuffer(self._map, dtype=tdtype, count=count, offset=self._data_start + begin)
            t = t.reshape(e["shape"]).clone()
        return t if dtype is None else t.to(dtype)

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
            self._map = None
        self._file.close()

    def __enter__(self) -> "SafetensorsFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def load_file(path: str, dtype: Optional[torch.dtype] = None, names: Optional[Iterable[str]] = None) -> Dict[str, torch.Tensor]:
    """All (or the named) tensors of one safetensors file, in file order; floating tensors converted to
    ``dtype`` when given."""
    with SafetensorsFile(path) as f:
        wanted = f.keys() if names is None else list(names)
        return {n: _convert(f.get(n), dtype) for n in wanted}


def _convert(t: torch.Tensor, dtype: Optional[torch.dtype]) -> torch.Tensor:
    return t.to(dtype) if dtype is not None and t.is_floating_point() else t


def shard_map(index_path: str) -> Dict[str, str]:
    """Tensor name -> absolute shard path, from a ``*.safetensors.index.json``."""
    with open(index_path, "r", encoding="utf-8") as f:
        index = json.load(f)
    weight_map = index.get("weight_map") if isinstance(index, dict) else None
    if not isinstance(weight_map, dict):
        raise SafetensorsError(f"{index_path}: no 'weight_map' object")
    base = os.path.dirname(os.path.abspath(index_path))
    return {name: os.path.join(base, shard) for name, shard in weight_map.items()}


def resolve(path: str) -> List[str]:
    """The shard files behind ``path``: a ``.safetensors`` file, an index JSON, or a folder holding
    ``model.safetensors`` or one ``*.safetensors.index.json``."""
    if os.path.isdir(path):
        single = os.path.join(path, "model.safetensors")
        if os.path.isfile(single):
            return [single]
        indexes = sorted(p for p in os.listdir(path) if p.endswith(".safetensors.index.json"))
        if len(indexes) != 1:
            raise SafetensorsError(
                f"{path}: expected model.safetensors or exactly one *.safetensors.index.json, found {indexes}")
        path = os.path.join(path, indexes[0])
    if path.endswith(".json"):
        return sorted(set(shard_map(path).values()))
    return [path]


def iter_tensors(path: str, dtype: Optional[torch.dtype] = None) -> Iterator[Tuple[str, torch.Tensor]]:
    """Yields ``(name, tensor)`` for every tensor behind ``path`` (see :func:`resolve`), one at a time."""
    for shard in resolve(path):
        with SafetensorsFile(shard) as f:
            for name in f.keys():
                yield name, _convert(f.get(name), dtype)


def load(path: str, dtype: Optional[torch.dtype] = None) -> Dict[str, torch.Tensor]:
    """Every tensor behind ``path`` (single file, index JSON or folder)."""
    return dict(iter_tensors(path, dtype))


def save_file(tensors: Mapping[str, torch.Tensor], path: str, metadata: Optional[Mapping[str, str]] = None) -> None:
    """Writes ``tensors`` in name order, the header padded with spaces to a multiple of 8 bytes as the
    reference writer does."""
    header: Dict[str, object] = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        if t.dtype not in _CODES:
            raise SafetensorsError(f"tensor {name!r} has unsupported dtype {t.dtype}")
        blob = _to_bytes(t)
        header[name] = {"dtype": _CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - (8 + len(raw)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def _to_bytes(t: torch.Tensor) -> bytes:
    if t.numel() == 0:
        return b""
    flat = t.reshape(-1)
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: reinterpret the bits
        flat = flat.view(torch.int16)
    elif t.dtype == torch.bool:
        flat = flat.to(torch.uint8)
    return flat.numpy().tobytes()


def save_sharded(tensors: Mapping[str, torch.Tensor], folder: str, shards: int,
                 prefix: str = "model") -> str:
    """Writes ``tensors`` into ``shards`` files plus ``<prefix>.safetensors.index.json`` (Hugging Face naming,
    ``model-00001-of-00002.safetensors``); returns the index path. Used by tests."""
    names = sorted(tensors)
    os.makedirs(folder, exist_ok=True)
    weight_map = {}
    for i in range(shards):
        part = names[i::shards]
        fname = f"{prefix}-{i + 1:05d}-of-{shards:05d}.safetensors"
        save_file({n: tensors[n] for n in part}, os.path.join(folder, fname))
        weight_map.update({n: fname for n in part})
    index = os.path.join(folder, f"{prefix}.safetensors.index.json")
    with open(index, "w", encoding="utf-8") as f:
        json.dump({"metadata": {}, "weight_map": weight_map}, f, indent=1, sort_keys=True)
    return index
