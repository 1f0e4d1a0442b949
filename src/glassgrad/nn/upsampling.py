"""F.interpolate and nn.Upsample: nearest, nearest-exact and (bi/tri)linear resizing with PyTorch's index rules.
Each spatial dimension is resized in turn by picking source rows (index_select) and, for the linear modes,
blending two neighbours with PyTorch's weights, so gradients flow back through recorded ops."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassgrad.functional import index_select
from glassgrad.nn.module import Module
from glassgrad.ops.base import scalar_type
from glassgrad.tensor import Tensor, _make

__all__ = ["Upsample", "interpolate"]

_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
_LINEAR = {"linear": 3, "bilinear": 4, "trilinear": 5}


def _per_dim(value: Any, k: int) -> list:
    return list(value) if isinstance(value, (tuple, list)) else [value] * k


def _sources(n_in: int, n_out: int, mode: str, align_corners: bool, scale: float | None,
             dtype: Any) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """The source index of every output position (nearest), or the two neighbours and the weight of the second
    (linear), computed in `dtype` as PyTorch's kernels do (the input's floating dtype; float32 for uint8)."""
    f = np.dtype(dtype).type
    dst = np.arange(n_out, dtype=dtype)
    if mode in ("nearest", "nearest-exact"):
        ratio = f(1 / scale) if scale else f(n_in) / f(n_out)
        src = np.floor((dst + f(0.5)) * ratio if mode == "nearest-exact" else dst * ratio)
        return np.minimum(src.astype(np.int64), n_in - 1), None, None
    if align_corners:
        src = dst * (f(n_in - 1) / f(n_out - 1) if n_out > 1 else f(0))
    else:
        ratio = f(1 / scale) if scale else f(n_in) / f(n_out)
        src = np.maximum((dst + f(0.5)) * ratio - f(0.5), f(0))
    lo = src.astype(np.int64)
    return lo, np.where(lo < n_in - 1, lo + 1, lo), (src - lo).astype(dtype)


def _check_dtype(input: Tensor, mode: str) -> None:  # noqa: A002
    """PyTorch's kernels refuse integers and bool, naming the kernel; uint8 only goes through its nearest kernels
    here (its bilinear one is a fixed-point image kernel glassgrad does not reproduce)."""
    dt = np.dtype(input.dtype)
    if dt.kind not in "iub" or (dt == np.uint8 and mode in ("nearest", "nearest-exact")):
        return
    if dt == np.uint8 and mode == "bilinear":
        raise NotImplementedError("interpolate: bilinear mode on uint8 input is not supported (PyTorch's fixed-point "
                                  "image kernel); convert to float first")
    kind = "nearest" if mode.startswith("nearest") else "bilinear" if input.ndim == 4 else "linear"
    kernel = f"upsample_{kind}2d_channels_last" if input.ndim == 4 else f"compute_indices_weights_{kind}"
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_type(dt)}'")


def _output_size(input: Tensor, size: Any, scale_factor: Any) -> tuple[list[int], list | None]:  # noqa: A002
    spatial, k = list(input.shape[2:]), input.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (tuple, list)) and len(size) != k:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input with "
                             f"spatial dimensions of {spatial} and output size of {size}. Please provide input tensor "
                             "in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
        return [int(s) for s in _per_dim(size, k)], None
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if isinstance(scale_factor, (tuple, list)) and len(scale_factor) != k:
        raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got input "
                         f"with spatial dimensions of {spatial} and scale_factor of shape {scale_factor}. Please "
                         "provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) "
                         "format.")
    scales = [float(s) for s in _per_dim(scale_factor, k)]
    return [math.floor(n * s) for n, s in zip(spatial, scales)], scales


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",  # noqa: A002
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dimensions of an (N, C, d1, …) input to `size`, or to floor(d·scale_factor)."""
    if mode in ("nearest", "nearest-exact") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                         "bicubic | trilinear")
    if mode in _LINEAR and input.ndim != _LINEAR[mode]:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {_LINEAR[mode]}D input")
    if mode not in ("nearest", "nearest-exact", *_LINEAR) or not 3 <= input.ndim <= 5:
        if mode in _MODES.split(" | ") and 3 <= input.ndim <= 5:
            raise NotImplementedError(f"interpolate: mode {mode!r} is not supported (nearest, nearest-exact, linear, "
                                      "bilinear and trilinear are)")
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
                                  f"the modes: {_MODES} (got {mode})")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    out_size, scales = _output_size(input, size, scale_factor)
    if min(out_size) <= 0:
        names = ["D", "H", "W"][3 - len(out_size):]
        given, asked = (", ".join(f"{n}: {s}" for n, s in zip(names, sizes)) for sizes in (input.shape[2:], out_size))
        joint = " and" if len(out_size) == 1 else ""  # PyTorch's 1-D kernel words it so
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({given}){joint} output "
                           f"({asked})")
    _check_dtype(input, mode)
    if recompute_scale_factor or scales is None:
        scales = [None] * len(out_size)
    out, at = input, input.dtype if np.dtype(input.dtype).kind == "f" else np.float32  # uint8 indices in float
    for dim in reversed(range(len(out_size))):  # the last dimension first, as PyTorch's separable kernels do
        axis = dim + 2
        lo, hi, w = _sources(input.shape[axis], out_size[dim], mode, bool(align_corners), scales[dim], at)
        if hi is None:
            out = index_select(out, axis, lo)
            continue
        w = _make(w.reshape((-1,) + (1,) * (input.ndim - 1 - axis)), False)
        out = index_select(out, axis, lo) * (1 - w) + index_select(out, axis, hi) * w
    return out


class Upsample(Module):
    """interpolate as a layer (decoders, U-Nets): `size` or `scale_factor`, `mode`, `align_corners`."""

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                 align_corners: bool | None = None, recompute_scale_factor: bool | None = None) -> None:
        super().__init__()
        self.size, self.mode, self.align_corners = size, mode, align_corners
        self.scale_factor = (tuple(float(s) for s in scale_factor) if isinstance(scale_factor, Sequence)
                             else float(scale_factor) if scale_factor else None)
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        shown = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return f"{shown}, mode={self.mode!r}"
