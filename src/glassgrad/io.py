"""gg.save / gg.load: checkpoints in safetensors format, written atomically, never pickled.

A model's state dict is stored under its PyTorch names, so `safetensors.torch.load_file` reads it straight into
the equivalent torch.nn model. Nested objects (an optimizer's state dict, a dict holding model and optimizer)
are flattened to dotted tensor names; their structure and non-tensor values (step counts, learning rates)
travel as JSON in the file's metadata. One CRC-32 of the whole file (header length, JSON header, data) travels
there too, so any change to a glassgrad checkpoint is caught on load: every file gg.load refuses raises
`CheckpointError` (a ValueError). Files written by other tools carry no checksum; safetensors validates those.

Saving writes a hidden temporary file beside the target (`.NAME.PID.RANDOM.tmp`) and renames it over the target
when complete, so a crash never leaves a half-written checkpoint. A save killed before the rename leaves its
temporary behind; the next save to the same target removes those whose process is gone.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
import zlib
from pathlib import Path
from typing import IO, Any

import numpy as np

from glassgrad.tensor import Tensor, _make

_TREE, _CRC = "glassgrad.tree", "glassgrad.crc32"
_CRC_AT = f'"{_CRC}":"'.encode()  # where the checksum sits in the header (8 hex digits follow)
_UNSET = b"00000000"  # the checksum's place while the checksum is computed
_MAX_HEADER = 100_000_000  # bytes; safetensors' own limit


class CheckpointError(ValueError):
    """A file gg.load refuses: truncated, corrupted, not safetensors, or a pickle (glassgrad never unpickles)."""


def _safetensors() -> Any:
    try:
        import safetensors.numpy
    except ImportError:  # pragma: no cover - the io extra installs it
        raise ImportError("gg.save/gg.load need safetensors: pip install 'glassgrad[io]'") from None
    return safetensors.numpy


# ------------------------------------------------------------------------------------------------- saving


def _array(obj: Tensor | np.ndarray) -> np.ndarray:
    """The array to store: C-contiguous, little-endian (the only byte order safetensors has), 0-d kept 0-d."""
    arr = np.asarray(obj._data if isinstance(obj, Tensor) else obj)
    if arr.dtype.byteorder == ">" or (arr.dtype.byteorder == "=" and not np.little_endian):
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    return arr if arr.flags.c_contiguous else np.array(arr, order="C")


def _encode(obj: Any, where: str, tensors: dict[str, np.ndarray]) -> Any:
    """The JSON description of `obj`; its arrays go into `tensors` under dotted names."""
    if isinstance(obj, (Tensor, np.ndarray)):
        key, n = where or "tensor", 1
        while key in tensors:
            key, n = f"{where}#{n}", n + 1
        tensors[key] = _array(obj)
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


def _checksum_at(raw: bytes | bytearray, header_end: int) -> int | None:
    """Where the checksum's 8 hex digits start in the header, if the header has exactly one checksum entry."""
    at = raw.find(_CRC_AT, 8, header_end)
    if at < 0 or raw.find(_CRC_AT, at + 1, header_end) >= 0:
        return None
    at += len(_CRC_AT)
    return at if raw[at + 8:at + 9] == b'"' else None


def _crc(raw: bytes | bytearray, at: int) -> int:
    """CRC-32 of the whole file with the checksum's own digits read as the placeholder they were."""
    return zlib.crc32(raw[at + 8:], zlib.crc32(_UNSET, zlib.crc32(raw[:at])))


def save(obj: Any, f: str | os.PathLike | IO[bytes]) -> None:
    """Write a state dict (or nested dicts/lists of tensors and numbers) to a path, atomically, or to a binary
    file object (`io.BytesIO`, an open file)."""
    st = _safetensors()
    tensors: dict[str, np.ndarray] = {}
    tree = _encode(obj, "", tensors)
    blob = bytearray(st.save(tensors, metadata={_TREE: json.dumps(tree), _CRC: _UNSET.decode(), "format": "pt"}))
    at = _checksum_at(blob, 8 + int.from_bytes(blob[:8], "little"))
    assert at is not None  # (the metadata above holds exactly one checksum entry)
    blob[at:at + 8] = f"{_crc(blob, at):08x}".encode()
    if hasattr(f, "write"):
        f.write(bytes(blob))
        return
    target = Path(f)
    _remove_stale_temporaries(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as out:  # a new file with the usual permissions (mkstemp's would be owner-only)
            out.write(blob)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _remove_stale_temporaries(target: Path) -> None:
    """Delete the temporaries of earlier saves to `target` that were killed before their rename (their process
    is gone); a temporary of a save still running, here or in another process, stays."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(\d+)\.[0-9a-f]{{8}}\.tmp")
    try:
        names = os.listdir(target.parent if str(target.parent) else ".")
    except OSError:
        return
    for name in names:
        m = pattern.fullmatch(name)
        if m is None:
            continue
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            (target.parent / name).unlink(missing_ok=True)
        except (PermissionError, OverflowError, OSError):
            pass  # alive under another user, or not a process id we can ask about: leave it


# ------------------------------------------------------------------------------------------------ loading


def _read(f: Any, name: str) -> bytes:
    """The file's bytes, refusing what cannot be a checkpoint before reading much of it (a device, a FIFO, a
    header length beyond safetensors' bound)."""
    if hasattr(f, "read"):
        head = f.read(8)
        _bounded(head, name)
        return bytes(head) + f.read()
    if not stat.S_ISREG(os.stat(f).st_mode):  # (before opening: opening a FIFO to read waits for a writer)
        raise CheckpointError(f"gg.load: {name} is not a regular file (a device, a pipe or a directory); "
                              "checkpoints are files")
    with open(f, "rb") as fh:
        head = fh.read(8)
        _bounded(head, name)
        return head + fh.read(os.fstat(fh.fileno()).st_size)


def _bounded(head: bytes, name: str) -> None:
    n = int.from_bytes(head, "little") if len(head) == 8 else 0
    if n > _MAX_HEADER:
        _refuse_pickle(head, name)
        raise CheckpointError(f"gg.load: {name} is not a safetensors file (its header length, {n} bytes, is "
                              f"over the {_MAX_HEADER}-byte bound)")


def _refuse_pickle(raw: bytes, name: str) -> None:
    if raw[:4] == b"PK\x03\x04" or (raw[:1] == b"\x80" and raw[1:2] in b"\x02\x03\x04\x05"):
        raise CheckpointError(f"gg.load: {name} is a pickle/zip checkpoint (e.g. from torch.save), not "
                              "safetensors; glassgrad never unpickles. Convert it with "
                              "safetensors.torch.save_file(state_dict, path)")


def _header(raw: bytes, name: str) -> dict[str, Any]:
    """The safetensors JSON header, or an error saying what the file is instead."""
    n = int.from_bytes(raw[:8], "little") if len(raw) >= 8 else -1
    _refuse_pickle(raw, name)
    if len(raw) < 8:
        raise CheckpointError(f"gg.load: {name} is {len(raw)} bytes, too short to be a safetensors file "
                              "(truncated?)")
    if raw[8:9] != b"{":
        raise CheckpointError(f"gg.load: {name} is not a safetensors file (no header length and JSON header at "
                              "its start)")
    if n > len(raw) - 8:
        raise CheckpointError(f"gg.load: {name} is truncated: its header says {n} bytes but only {len(raw) - 8} "
                              "follow")
    at = _checksum_at(raw, 8 + n)
    if at is not None and raw[at:at + 8] != b"%08x" % _crc(raw, at):
        raise CheckpointError(f"gg.load: {name} is corrupted: it does not match its checksum (changed, truncated "
                              "or extended since it was saved)")
    try:
        header = json.loads(raw[8:8 + n])
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise CheckpointError(f"gg.load: {name} is corrupted: its safetensors header is not valid JSON") from None
    meta = header.get("__metadata__") if isinstance(header, dict) else None
    if not isinstance(header, dict) or not isinstance(meta or {}, dict):
        raise CheckpointError(f"gg.load: {name} is corrupted: its safetensors header is not a JSON object")
    if at is None and meta and any(k.startswith("glassgrad.") for k in meta):
        raise CheckpointError(f"gg.load: {name} is corrupted: it is a glassgrad checkpoint whose checksum entry "
                              "is damaged")
    return meta or {}


def _decode(node: Any, tensors: dict[str, Tensor]) -> Any:
    """The object `_encode` described; anything else in the description is a corruption."""
    if isinstance(node, dict) and len(node) == 1:
        ((kind, v),) = node.items()
        if kind == "T" and isinstance(v, str) and v in tensors:
            return tensors[v]
        if kind == "d" and isinstance(v, list) and all(
                isinstance(i, list) and len(i) == 2 and isinstance(i[0], (str, int)) and not isinstance(i[0], bool)
                for i in v):
            return {k: _decode(x, tensors) for k, x in v}
        if kind in ("l", "t") and isinstance(v, list):
            items = [_decode(x, tensors) for x in v]
            return items if kind == "l" else tuple(items)
        if kind == "v" and (v is None or isinstance(v, (bool, int, float, str))):
            return v
    raise CheckpointError(f"its structure entry is malformed at {str(node)[:60]!r}")


def load(f: str | os.PathLike | IO[bytes], map_location: Any = None, weights_only: bool | None = True) -> Any:
    """Read what `save` wrote (or any safetensors file: then a flat dict of tensors by name) from a path or a
    binary file object.

    As `torch.load(f, map_location=..., weights_only=True)`: checkpoints hold data only, so that is the only mode
    (weights_only=False reads the same data: there is never code to run). map_location may be None, "cpu", a
    CPU device, a dict mapping locations to "cpu", or a function (tensors are always on the CPU). Raises
    CheckpointError for any file it refuses.
    """
    targets = map_location.values() if isinstance(map_location, dict) else [map_location]
    if not callable(map_location) and any(t is not None and str(t) != "cpu" for t in targets):
        raise RuntimeError(f"gg.load: map_location={map_location!r}: glassgrad tensors live on the CPU only; use "
                           "map_location='cpu' or None")
    st = _safetensors()
    name = (getattr(f, "name", None) or "the file object") if hasattr(f, "read") else os.fspath(f)
    raw = _read(f, name)
    meta = _header(raw, name)
    try:
        arrays = st.load(raw)
    except Exception as e:  # safetensors raises its own error type for every malformed file
        raise CheckpointError(f"gg.load: {name} is corrupted or truncated ({e})") from None
    tensors = {k: _make(np.array(a), False) for k, a in arrays.items()}
    if _TREE not in meta:
        return tensors
    try:
        return _decode(json.loads(meta[_TREE]), tensors)
    except (ValueError, RecursionError, TypeError) as e:  # (CheckpointError is a ValueError)
        detail = str(e) if isinstance(e, CheckpointError) else "its structure entry is not valid JSON"
        raise CheckpointError(f"gg.load: {name} is corrupted: {detail}") from None
