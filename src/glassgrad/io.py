"""gg.save / gg.load: checkpoints in safetensors format, written atomically, never pickled.

A model's state dict is stored under its PyTorch names, so `safetensors.torch.load_file` reads it straight into
the equivalent torch.nn model. Nested objects (an optimizer's state dict, a dict holding model and optimizer)
are flattened to dotted tensor names; their structure and non-tensor values (step counts, learning rates)
travel as JSON in the file's metadata, with a CRC-32 per tensor so corruption is caught on load.
"""

from __future__ import annotations

import json
import os
import secrets
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from glassgrad.tensor import Tensor, _make

_TREE, _CRC = "glassgrad.tree", "glassgrad.crc32"


def _safetensors() -> Any:
    try:
        import safetensors.numpy
    except ImportError:  # pragma: no cover - the io extra installs it
        raise ImportError("gg.save/gg.load need safetensors: pip install 'glassgrad[io]'") from None
    return safetensors.numpy


# ------------------------------------------------------------------------------------------------- saving


def _encode(obj: Any, where: str, tensors: dict[str, np.ndarray]) -> Any:
    """The JSON description of `obj`; its arrays go into `tensors` under dotted names."""
    if isinstance(obj, (Tensor, np.ndarray)):
        arr = np.ascontiguousarray(obj._data if isinstance(obj, Tensor) else obj)
        key, n = where or "tensor", 1
        while key in tensors:
            key, n = f"{where}#{n}", n + 1
        tensors[key] = arr
        return {"T": key}
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            if not isinstance(k, (str, int)) or isinstance(k, bool):
                raise TypeError(f"gg.save: dictionary keys must be strings or integers, got {type(k).__name__} "
                                f"{k!r} at {where or 'the top level'}")
            items.append([k, _encode(v, f"{where}.{k}" if where else str(k), tensors)])
        return {"d": items}
    if isinstance(obj, (list, tuple)):
        encoded = [_encode(v, f"{where}.{i}" if where else str(i), tensors) for i, v in enumerate(obj)]
        return {"t" if isinstance(obj, tuple) else "l": encoded}
    if isinstance(obj, np.generic):
        obj = obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return {"v": obj}
    hint = " (save model.state_dict(), not the model)" if hasattr(obj, "state_dict") else ""
    raise TypeError(f"gg.save: cannot store a {type(obj).__name__} at {where or 'the top level'}{hint}: only "
                    "tensors, arrays, numbers, strings, None, lists, tuples and dicts (glassgrad never pickles)")


def save(obj: Any, path: str | os.PathLike) -> None:
    """Write a state dict (or nested dicts/lists of tensors and numbers) to `path` atomically."""
    st = _safetensors()
    tensors: dict[str, np.ndarray] = {}
    tree = _encode(obj, "", tensors)
    crcs = {k: zlib.crc32(a.tobytes()) for k, a in tensors.items()}
    blob = st.save(tensors, metadata={_TREE: json.dumps(tree), _CRC: json.dumps(crcs), "format": "pt"})
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as f:  # a new file with the usual permissions (mkstemp's would be owner-only)
            f.write(blob)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------------------------------------ loading


def _header(raw: bytes, name: str) -> dict[str, Any]:
    """The safetensors JSON header, or an error saying what the file is instead."""
    n = int.from_bytes(raw[:8], "little") if len(raw) >= 8 else -1
    if 0 < n <= len(raw) - 8 and raw[8:9] == b"{":
        try:
            return json.loads(raw[8:8 + n])
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ValueError(f"gg.load: {name} is corrupted: its safetensors header is not valid JSON") from None
    if raw[:4] == b"PK\x03\x04" or (raw[:1] == b"\x80" and raw[1:2] in b"\x02\x03\x04\x05"):
        raise ValueError(f"gg.load: {name} is a pickle/zip checkpoint (e.g. from torch.save), not safetensors; "
                         "glassgrad never unpickles. Convert it with safetensors.torch.save_file(state_dict, path)")
    if raw[8:9] == b"{":
        raise ValueError(f"gg.load: {name} is truncated: its header says {n} bytes but only {len(raw) - 8} follow")
    if len(raw) < 8:
        raise ValueError(f"gg.load: {name} is {len(raw)} bytes, too short to be a safetensors file (truncated?)")
    raise ValueError(f"gg.load: {name} is not a safetensors file (no header length and JSON header at its start)")


def _decode(node: Any, tensors: dict[str, Tensor]) -> Any:
    if "T" in node:
        return tensors[node["T"]]
    if "d" in node:
        return {k: _decode(v, tensors) for k, v in node["d"]}
    if "l" in node:
        return [_decode(v, tensors) for v in node["l"]]
    if "t" in node:
        return tuple(_decode(v, tensors) for v in node["t"])
    return node["v"]


def load(path: str | os.PathLike) -> Any:
    """Read what `save` wrote (or any safetensors file: then a flat dict of tensors by name)."""
    st = _safetensors()
    name = os.fspath(path)
    raw = Path(path).read_bytes()
    meta = _header(raw, name).get("__metadata__") or {}
    try:
        arrays = st.load(raw)
    except Exception as e:  # safetensors raises its own error type for every malformed file
        raise ValueError(f"gg.load: {name} is corrupted or truncated ({e})") from None
    for key, crc in json.loads(meta.get(_CRC, "{}")).items():
        if key not in arrays or zlib.crc32(np.ascontiguousarray(arrays[key]).tobytes()) != crc:
            raise ValueError(f"gg.load: {name} is corrupted: tensor {key!r} does not match its checksum")
    tensors = {k: _make(np.array(a), False) for k, a in arrays.items()}
    if _TREE not in meta:
        return tensors
    return _decode(json.loads(meta[_TREE]), tensors)
