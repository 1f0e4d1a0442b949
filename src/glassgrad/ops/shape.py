"""Ops that move elements without changing them: reshapes, transposes, broadcasts, indexing, joins, padding.

Each one's gradient moves the upstream gradient back to where the elements came from (and sums it where an
element was used several times: broadcasting, repeated indices).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassgrad.autograd import apply
from glassgrad.ops.base import Op, sum_to, value, vjp, vjp_all


def _is_basic(index: Any) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, (int, np.integer, slice)) for i in items)


def _add_at(g: np.ndarray, shape: tuple[int, ...], index: Any) -> np.ndarray:
    """Zeros of `shape` with `g` added at `index` (repeated indices add up)."""
    if (g.dtype.kind == "f" and isinstance(index, tuple) and len(index) == len(shape) and g.ndim
            and all(isinstance(i, np.ndarray) and i.dtype.kind in "iu" for i in index)):
        # one integer array per axis (max-pool's argmaxes): a weighted bincount of the flat positions, ~7x add.at
        flat = np.ravel_multi_index(np.broadcast_arrays(*index), shape, mode="wrap").reshape(-1)
        return np.bincount(flat, g.reshape(-1), math.prod(shape)).astype(g.dtype, copy=False).reshape(shape)
    out = np.zeros(shape, dtype=g.dtype)
    if _is_basic(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


class Reshape(Op):
    is_view = True
    name, text, latex = "reshape", "$a reshaped", r"\operatorname{reshape}($a)"
    derivatives = (vjp("g reshaped back", r"\operatorname{reshape}(g)",
                       lambda xp, g, out, a, shape: xp.reshape(g, a.shape)),)
    needs_inputs = False

    @staticmethod
    def forward(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        return np.reshape(a, shape)


class Transpose(Op):
    is_view = True
    name, text, latex = "transpose", "$aᵀ", "{$a}^T"
    derivatives = (vjp("gᵀ", "g^T", lambda xp, g, out, a, dim0, dim1: xp.swapaxes(g, dim0, dim1)),)
    needs_inputs = False

    @staticmethod
    def forward(a: np.ndarray, dim0: int, dim1: int) -> np.ndarray:
        return np.swapaxes(a, dim0, dim1)


class Permute(Op):
    is_view = True
    name, text, latex = "permute", "$a permuted", r"\operatorname{permute}($a)"
    derivatives = (vjp("g permuted back", r"\operatorname{permute}^{-1}(g)",
                       lambda xp, g, out, a, dims: xp.transpose(g, tuple(np.argsort(dims)))),)
    needs_inputs = False

    @staticmethod
    def forward(a: np.ndarray, dims: tuple[int, ...]) -> np.ndarray:
        return np.transpose(a, dims)


class Expand(Op):
    is_view = True
    name, text, latex = "expand", "$a broadcast", r"\operatorname{expand}($a)"
    derivatives = (vjp("g summed over the broadcast axes", r"\textstyle\sum_{\text{broadcast}} g",
                       lambda xp, g, out, a, shape: sum_to(xp, g, a.shape)),)
    needs_inputs = False

    @staticmethod
    def forward(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        return np.broadcast_to(a, shape)


class Contiguous(Op):
    name, text, latex = "contiguous", "$a in row-major order", r"\operatorname{contiguous}($a)"
    derivatives = (vjp("g", "g", lambda xp, g, out, a: g),)
    needs_inputs = False

    @staticmethod
    def forward(a: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(a)


class GetItem(Op):
    is_view = True
    name, text, latex = "getitem", "$a[i]", "{$a}_{i}"
    derivatives = (vjp("g added back at i (repeated indices sum), 0 elsewhere",
                       r"\operatorname{scatter\text{-}add}_i(g)",
                       lambda xp, g, out, a, index: xp.add_at(g, a.shape, index)),)
    needs_inputs = False

    @staticmethod
    def forward(a: np.ndarray, index: Any) -> np.ndarray:
        return a[index]


class AddAt(Op):
    """The adjoint of indexing (NumPy's np.add.at into zeros): what indexing's backward does, recorded so
    grad-of-grad can pass through it. (PyTorch's scatter, along a dim, is composite.scatter.)"""

    name, text, latex = "add_at", "zeros with $a added at i", r"\operatorname{add\text{-}at}_i($a)"
    derivatives = (vjp("g[i]", "g_i", lambda xp, g, out, a, shape, index: xp.getitem(g, index)),)
    needs_inputs = False

    @staticmethod
    def forward(a: np.ndarray, shape: tuple[int, ...], index: Any) -> np.ndarray:
        return _add_at(np.asarray(a), shape, index)


def _put_mask(shape: tuple[int, ...], index: Any) -> np.ndarray:
    m = np.zeros(shape, dtype=bool)
    m[index] = True
    return m


class SetItem(Op):
    name, text, latex = "setitem", "$a with [i] = $b", r"$a[i \leftarrow $b]"
    derivatives = (
        vjp("g, 0 at i", r"g \odot \mathbb{1}[\lnot i]",
            lambda xp, g, out, a, b, index: xp.where(_put_mask(a.shape, index), 0.0, g)),
        vjp("g[i]", "g_i", lambda xp, g, out, a, b, index: sum_to(xp, xp.getitem(g, index), np.shape(b))),
    )
    needs_inputs = False

    @staticmethod
    def forward(a: np.ndarray, b: Any, index: Any) -> np.ndarray:
        out = a.copy()
        out[index] = b
        return out


def _cat_grads(xp: Any, g: Any, out: Any, *parts: Any, dim: int) -> list:
    grads, start = [], 0
    for p in parts:
        n = np.shape(p)[dim]
        grads.append(xp.getitem(g, (slice(None),) * dim + (slice(start, start + n),)))
        start += n
    return grads


class Cat(Op):
    name, text, latex = "cat", "[$a, $b, …]", r"[$a; $b; \dots]"
    derivatives = (vjp_all("the slice of g each input filled", r"g_{[k]}", _cat_grads),)
    needs_inputs = False

    @staticmethod
    def forward(*parts: np.ndarray, dim: int) -> np.ndarray:
        return np.concatenate(parts, axis=dim)


class Stack(Op):
    name, text, latex = "stack", "stack($a, $b, …)", r"\operatorname{stack}($a, $b, \dots)"
    derivatives = (vjp_all("g[k] for the k-th input", r"g_{k}",
                       lambda xp, g, out, *parts, dim: [xp.getitem(g, (slice(None),) * dim + (k,))
                                                        for k in range(len(parts))]),)
    needs_inputs = False

    @staticmethod
    def forward(*parts: np.ndarray, dim: int) -> np.ndarray:
        return np.stack(parts, axis=dim)


def _unpad_index(widths: Sequence[tuple[int, int]], shape: tuple[int, ...]) -> tuple:
    return tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, shape))


class Pad(Op):
    name, text, latex = "pad", "$a padded", r"\operatorname{pad}($a)"
    derivatives = (vjp("g with the padding cut off", r"\operatorname{crop}(g)",
                       lambda xp, g, out, a, widths, value: xp.getitem(g, _unpad_index(widths, a.shape))),)
    needs_inputs = False

    @staticmethod
    def forward(a: np.ndarray, widths: tuple, value: float) -> np.ndarray:
        return np.pad(a, widths, constant_values=value)


# ---------------------------------------------------------------------------------------- function forms


def _norm_dim(dim: int, ndim: int, op: str) -> int:
    lo, hi = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    if not lo <= dim <= hi:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})")
    return dim % ndim if ndim else 0


def _infer_shape(shape: Sequence[int], numel: int, src: tuple[int, ...], op: str) -> tuple[int, ...]:
    shape = tuple(int(s) for s in shape)
    if shape.count(-1) > 1:
        raise RuntimeError(f"{op}: only one dimension can be inferred, got shape {list(shape)}")
    known = math.prod(s for s in shape if s != -1)
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"{op}: shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    if math.prod(shape) != numel:
        raise RuntimeError(f"{op}: shape '{list(shape)}' is invalid for input of size {numel} "
                           f"(input shape {list(src)})")
    return shape


def _shape_args(shape: tuple) -> tuple:
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape


def reshape(x: Any, *shape: Any) -> Any:
    target = _infer_shape(_shape_args(shape), x.numel(), x.shape, "reshape")
    return x if target == x.shape else apply(Reshape, x, shape=target)


view = reshape


def flatten(x: Any, start_dim: int = 0, end_dim: int = -1) -> Any:
    if x.ndim == 0:
        return reshape(x, (1,))
    s, e = _norm_dim(start_dim, x.ndim, "flatten"), _norm_dim(end_dim, x.ndim, "flatten")
    return reshape(x, x.shape[:s] + (-1,) + x.shape[e + 1:]) if s <= e else x


def squeeze(x: Any, dim: Any = None) -> Any:
    if dim is None:
        return reshape(x, tuple(n for n in x.shape if n != 1))
    dims = {_norm_dim(d, x.ndim, "squeeze") for d in ((dim,) if isinstance(dim, int) else dim)}
    return reshape(x, tuple(n for i, n in enumerate(x.shape) if not (i in dims and n == 1)))


def unsqueeze(x: Any, dim: int) -> Any:
    d = _norm_dim(dim, x.ndim + 1, "unsqueeze")
    return reshape(x, x.shape[:d] + (1,) + x.shape[d:])


def transpose(x: Any, dim0: int, dim1: int) -> Any:
    d0, d1 = _norm_dim(dim0, x.ndim, "transpose"), _norm_dim(dim1, x.ndim, "transpose")
    return x if d0 == d1 or x.ndim < 2 else apply(Transpose, x, dim0=d0, dim1=d1)


def permute(x: Any, *dims: Any) -> Any:
    dims = tuple(_norm_dim(d, x.ndim, "permute") for d in _shape_args(dims))
    if sorted(dims) != list(range(x.ndim)):
        raise RuntimeError(f"permute: dims {list(dims)} must be a permutation of the {x.ndim} dimensions of "
                           f"a tensor of shape {list(x.shape)}")
    return apply(Permute, x, dims=dims)


def expand(x: Any, *shape: Any) -> Any:
    shape = _shape_args(shape)
    lead = len(shape) - x.ndim
    if lead < 0:
        raise RuntimeError(f"expand: the number of sizes provided ({len(shape)}) must be greater or equal to the "
                           f"number of dimensions in the tensor ({x.ndim})")
    target = tuple(x.shape[i - lead] if s == -1 and i >= lead else int(s) for i, s in enumerate(shape))
    for i, n in enumerate(x.shape):
        if n != 1 and n != target[i + lead]:
            raise RuntimeError(f"expand: the expanded size of the tensor ({target[i + lead]}) must match the "
                               f"existing size ({n}) at non-singleton dimension {i}. Target sizes: {list(shape)}. "
                               f"Tensor sizes: {list(x.shape)}")
    return x if target == x.shape else apply(Expand, x, shape=target)


def broadcast_to(x: Any, shape: Sequence[int]) -> Any:
    return expand(x, tuple(shape))


def contiguous(x: Any) -> Any:
    return apply(Contiguous, x)


def getitem(x: Any, index: Any) -> Any:
    return apply(GetItem, x, index=_plain_index(index))


def add_at(g: Any, shape: tuple[int, ...], index: Any) -> Any:
    return apply(AddAt, g, shape=tuple(shape), index=index)


def setitem(x: Any, index: Any, v: Any) -> Any:
    """x with x[index] = v, out of place (in-place `x[i] = v` on a Tensor records this)."""
    index = _plain_index(index)
    try:
        return apply(SetItem, x, v, index=index)
    except RuntimeError:  # the value does not broadcast to the selection: name both shapes (the op's names x's)
        raise RuntimeError(f"setitem: the value's shape {list(np.shape(value(v)))} does not broadcast to the "
                           f"shape {list(np.shape(value(x)[index]))} of the selection x[index] (x has shape "
                           f"{list(np.shape(value(x)))})") from None


def _plain_index(index: Any) -> Any:
    """Tensors inside an index become arrays (an index is a constant, never differentiated)."""
    if isinstance(index, tuple):
        return tuple(value(i) if hasattr(i, "grad_fn") else i for i in index)
    return value(index) if hasattr(index, "grad_fn") else index


def cat(tensors: Sequence[Any], dim: int = 0) -> Any:
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("cat(): expected a non-empty list of Tensors")
    d = _norm_dim(dim, tensors[0].ndim, "cat")
    ref = tensors[0].shape
    for i, t in enumerate(tensors[1:], 1):
        bad = [k for k, (a, b) in enumerate(zip(t.shape, ref)) if k != d and a != b]
        if t.ndim != len(ref) or bad:
            at = f" Expected size {ref[bad[0]]} but got size {t.shape[bad[0]]} for tensor number {i} in the list." \
                if bad else ""
            raise RuntimeError(f"cat: Sizes of tensors must match except in dimension {d}.{at} (tensor 0 has shape "
                               f"{list(ref)} and tensor {i} has shape {list(t.shape)})")
    return apply(Cat, *tensors, dim=d)


def stack(tensors: Sequence[Any], dim: int = 0) -> Any:
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors[1:], 1):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                               f"entry 0 and {list(t.shape)} at entry {i}")
    return apply(Stack, *tensors, dim=_norm_dim(dim, tensors[0].ndim + 1, "stack"))


def split(x: Any, split_size_or_sections: Any, dim: int = 0) -> tuple:
    d = _norm_dim(dim, x.ndim, "split")
    n = x.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        sizes = [min(step, n - s) for s in range(0, n, step)] or [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                               f"dimension {d}), but got split_sizes={sizes}")
    out, start = [], 0
    for s in sizes:
        out.append(getitem(x, (slice(None),) * d + (slice(start, start + s),)))
        start += s
    return tuple(out)


def chunk(x: Any, chunks: int, dim: int = 0) -> tuple:
    n = x.shape[_norm_dim(dim, x.ndim, "chunk")]
    return split(x, max(1, -(-n // chunks)), dim)


def pad(x: Any, pad: Sequence[int], mode: str = "constant", value: float = 0.0) -> Any:
    """PyTorch's F.pad: `pad` lists (left, right) pairs starting from the last dimension."""
    if mode != "constant":
        raise NotImplementedError(f"pad: only mode='constant' is supported, got {mode!r}")
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise RuntimeError(f"pad: padding length must be even and at most 2*{x.ndim}, got {len(pad)}")
    if any(p < 0 for p in pad):
        raise RuntimeError(f"pad: negative padding {list(pad)} is not supported")
    widths = [(0, 0)] * x.ndim
    for k in range(len(pad) // 2):
        widths[x.ndim - 1 - k] = (int(pad[2 * k]), int(pad[2 * k + 1]))
    return apply(Pad, x, widths=tuple(widths), value=value)


def one_hot(indices: Any, num_classes: int = -1) -> Any:
    from glassgrad.tensor import _make

    idx = np.asarray(value(indices))
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"one_hot is only applicable to index tensors (integers), got dtype {idx.dtype}")
    if idx.size and idx.min() < 0:
        raise RuntimeError("one_hot: class values must be non-negative")
    n = int(idx.max()) + 1 if num_classes == -1 else num_classes
    if idx.size and idx.max() >= n:
        raise RuntimeError(f"one_hot: class values must be smaller than num_classes ({n}), got {int(idx.max())}")
    return _make(np.eye(n, dtype=np.int64)[idx], False)
