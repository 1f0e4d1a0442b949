"""PyTorch's slicing, tiling, splitting and index-update functions, composed of the table's indexing and reshape ops
(getitem, setitem, add_at, reshape, expand, cat): their gradients are those ops' gradients, so none needs an entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassgrad.ops import composite as C
from glassgrad.ops import shape as S
from glassgrad.ops.base import scalar_type, value
from glassgrad.tensor import Tensor

_ALL = slice(None)


def _at(d: int, index: Any) -> tuple:
    """The index that applies `index` along dimension d (every element of the dimensions before it)."""
    return (_ALL,) * d + (index,)


def _int(n: Any) -> int:
    return int(value(n))


def narrow(x: Any, dim: int, start: Any, length: int) -> Any:
    d = S._norm_dim(dim, x.ndim, "narrow")
    n, start = x.shape[d], _int(start)
    if not -n <= start <= n:
        raise IndexError(f"narrow(): start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    start %= n or 1
    if start + length > n:
        raise RuntimeError(f"narrow(): start ({start}) + length ({length}) exceeds dimension size ({n}). (input of "
                           f"shape {list(x.shape)}, dim {d})")
    return S.getitem(x, _at(d, slice(start, start + length)))


def select(x: Any, dim: int, index: Any) -> Any:
    d = S._norm_dim(dim, x.ndim, "select")
    i = _int(index)
    if not -x.shape[d] <= i < x.shape[d]:
        raise IndexError(f"select(): index {i} out of range for tensor of size {list(x.shape)} at dimension {d}")
    return S.getitem(x, _at(d, i))


def broadcast_shapes(*shapes: Any) -> tuple[int, ...]:
    """The shape all `shapes` broadcast to, or PyTorch's error naming the first pair of sizes that clash."""
    out: list[int] = []
    for shape in shapes:
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        out = [1] * (len(shape) - len(out)) + out
        for i, n in enumerate(shape, len(out) - len(shape)):
            if n != out[i] and 1 not in (n, out[i]):
                raise RuntimeError(f"The size of tensor a ({out[i]}) must match the size of tensor b ({n}) at "
                                   f"non-singleton dimension {i}")
            out[i] = n if out[i] == 1 else out[i]
    return tuple(out)


def broadcast_tensors(*tensors: Any) -> tuple:
    tensors = S._shape_args(tensors)
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return tuple(S.expand(t, shape) for t in tensors)


def masked_select(x: Any, mask: Any) -> Any:
    """The elements where `mask` (broadcast with x) is True, as a 1-D tensor."""
    shape = broadcast_shapes(np.shape(value(mask)), x.shape)
    return S.getitem(S.expand(x, shape), np.broadcast_to(np.asarray(value(mask), dtype=bool), shape))


def tile(x: Any, dims: Sequence[int]) -> Any:
    dims = tuple(S._shape_args(tuple(dims)))
    return C.repeat(x, (1,) * (x.ndim - len(dims)) + dims)


def swapaxes(x: Any, axis0: int, axis1: int) -> Any:
    return S.transpose(x, axis0, axis1)


swapdims = swapaxes


def flipud(x: Any) -> Any:
    if x.ndim < 1:
        raise RuntimeError(f"flipud: Input must be >= 1-d. (got shape {list(x.shape)})")
    return C.flip(x, 0)


def fliplr(x: Any) -> Any:
    if x.ndim < 2:
        raise RuntimeError(f"fliplr: Input must be >= 2-d. (got shape {list(x.shape)})")
    return C.flip(x, 1)


def rot90(x: Any, k: int = 1, dims: Sequence[int] = (0, 1)) -> Any:
    """Rotation by k quarter turns from dims[0] towards dims[1]: flips and a transpose, as PyTorch builds it."""
    if len(dims) != 2:
        raise RuntimeError(f"rot90: expected total rotation dims == 2, but got dims = {len(dims)}")
    if x.ndim < 2:
        raise RuntimeError(f"rot90: expected total dims >= 2, but got total dims = {x.ndim}")
    d0, d1 = (S._norm_dim(d, x.ndim, "rot90") for d in dims)
    if d0 == d1:
        raise RuntimeError(f"rot90: expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    k %= 4
    if k == 1:
        return S.transpose(C.flip(x, d1), d0, d1)
    if k == 2:
        return C.flip(x, (d0, d1))
    return S.transpose(C.flip(x, d0), d0, d1) if k == 3 else x * 1


def ravel(x: Any) -> Any:
    return S.reshape(x, (-1,))


def take(x: Any, index: Any) -> Any:
    """x's elements at flat positions (x read as 1-D), in the index's shape."""
    idx = np.asarray(value(index))
    bad = idx[(idx < -x.numel()) | (idx >= x.numel())]
    if bad.size:
        raise IndexError(f"take(): out of range: tried to access index {bad.flat[0]} on a tensor of {x.numel()} "
                         f"elements. (input of shape {list(x.shape)})")
    return S.getitem(ravel(x), idx)


def tensor_split(x: Any, indices_or_sections: Any, dim: int = 0) -> tuple:
    """Pieces along dim: n sections (the first n % sections one longer) or cuts before the given indices."""
    d = S._norm_dim(dim, x.ndim, "tensor_split")
    n, split = x.shape[d], value(indices_or_sections)
    if isinstance(split, (int, np.integer)) or np.ndim(split) == 0:
        sections = int(split)
        if sections <= 0:
            raise RuntimeError(f"tensor_split: number of sections must be larger than 0, got {sections}")
        size, extra = divmod(n, sections)
        cuts = np.cumsum([size + (i < extra) for i in range(sections - 1)]).tolist()
    else:
        cuts = [int(c) for c in np.asarray(split).reshape(-1)]
    bounds = [0, *cuts, n]
    return tuple(S.getitem(x, _at(d, slice(lo, max(lo, hi)))) for lo, hi in zip(bounds, bounds[1:]))


def _split_along(x: Any, sections: Any, d: int, op: str) -> tuple:
    if isinstance(value(sections), (int, np.integer)) and x.shape[d] % int(sections):
        raise RuntimeError(f"torch.{op} attempted to split along dimension {d}, but the size of the dimension "
                           f"{x.shape[d]} is not divisible by the split_size {int(sections)}!")
    return tensor_split(x, sections, d)


def hsplit(x: Any, sections: Any) -> tuple:
    if x.ndim < 1:
        raise RuntimeError("torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with 0 "
                           "dimensions!")
    return _split_along(x, sections, 0 if x.ndim == 1 else 1, "hsplit")


def vsplit(x: Any, sections: Any) -> tuple:
    if x.ndim < 2:
        raise RuntimeError(f"torch.vsplit requires a tensor with at least 2 dimension, but got a tensor with {x.ndim} "
                           "dimensions!")
    return _split_along(x, sections, 0, "vsplit")


def dsplit(x: Any, sections: Any) -> tuple:
    if x.ndim < 3:
        raise RuntimeError(f"torch.dsplit requires a tensor with at least 3 dimension, but got a tensor with {x.ndim} "
                           "dimensions!")
    return _split_along(x, sections, 2, "dsplit")


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple:
    """Grids of the 0-D or 1-D inputs: each spread along its own axis ('xy' swaps the first two axes' roles)."""
    tensors = S._shape_args(tensors)
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got shape "
                               f"{list(t.shape)}")
    order = list(range(len(tensors)))
    if indexing == "xy" and len(order) > 1:
        order[0], order[1] = 1, 0
    shape = tuple(tensors[i].numel() for i in order)
    axis = {i: k for k, i in enumerate(order)}
    return tuple(S.expand(S.reshape(t, tuple(-1 if k == axis[i] else 1 for k in range(len(shape)))), shape)
                 for i, t in enumerate(tensors))


def diff(x: Any, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Any:
    """The n-th forward difference along dim (after joining `prepend` and `append` there)."""
    if x.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = S._norm_dim(dim, x.ndim, "diff")
    parts = [p for p in (prepend, x, append) if p is not None]
    if any(p.ndim != x.ndim for p in parts):
        raise RuntimeError(f"diff expects prepend or append to be the same dimension as input (input shape "
                           f"{list(x.shape)}, got {[list(p.shape) for p in parts if p.ndim != x.ndim]})")
    if len(parts) > 1:
        x = S.cat(parts, d)
    for _ in range(n):
        if x.shape[d] == 0:
            break
        x = S.getitem(x, _at(d, slice(1, None))) - S.getitem(x, _at(d, slice(None, -1)))
    return x


def unfold(x: Any, dimension: int, size: int, step: int) -> Any:
    """Tensor.unfold: every window of `size` elements along `dimension`, `step` apart, as a new last axis."""
    d = S._norm_dim(dimension, x.ndim, "unfold")
    n = x.shape[d] if x.ndim else 1
    if size > n:
        raise RuntimeError(f"unfold: maximum size for tensor at dimension {d} is {n} but size is {size} (input of "
                           f"shape {list(x.shape)})")
    if step <= 0:
        raise RuntimeError(f"unfold: step is {step} but must be > 0")
    if x.ndim == 0:
        return S.reshape(x, (1,))
    windows = np.arange(0, n - size + 1, step)[:, None] + np.arange(size)
    return C.movedim(S.getitem(x, _at(d, windows)), d + 1, -1)


# ------------------------------------------------------------------------------------- index updates


def _index_vector(x: Any, dim: int, index: Any, op: str, negative: bool = False) -> tuple[int, np.ndarray]:
    d = S._norm_dim(dim, x.ndim, op)
    idx = np.asarray(value(index))
    if idx.ndim > 1:
        raise IndexError(f"{op}_(): Index is supposed to be a vector, but got dim: {idx.ndim} with type: "
                         f"{scalar_type(idx.dtype)} and size: {list(idx.shape)}")
    idx = idx.reshape(-1)
    size = x.shape[d] if x.ndim else 1
    bad = idx[(idx < (-size if negative else 0)) | (idx >= size)]
    if bad.size:
        raise IndexError(f"{op}_(): index {bad[0]} is out of bounds for dimension {d} with size {size}")
    return d, idx % size


def _source_along(x: Any, d: int, idx: np.ndarray, source: Any, op: str) -> Any:
    """index_add's and index_copy's source, checked as PyTorch does: x's shape, with len(index) at dim."""
    if x.ndim and source.ndim != x.ndim or any(a != b for k, (a, b) in enumerate(zip(source.shape, x.shape))
                                               if k != d):
        raise RuntimeError(f"{op}(): source tensor shape must match self tensor shape, excluding the specified "
                           f"dimension. Got self.shape = {list(x.shape)} source.shape = {list(source.shape)}")
    if (source.shape[d] if source.ndim else 1) != len(idx):
        raise RuntimeError(f"{op}_(): Number of indices ({len(idx)}) should be equal to source.size(dim): "
                           f"({source.shape[d] if source.ndim else 1}), for dim: {d} (source shape "
                           f"{list(source.shape)}, self shape {list(x.shape)})")
    return source


def index_add(x: Any, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Any:
    """x with alpha·source's slices added at the indices along dim (repeated indices add up)."""
    d, idx = _index_vector(x, dim, index, "index_add")
    source = _source_along(x, d, idx, source, "index_add")
    where = _at(d, idx) if x.ndim else Ellipsis
    return x + S.add_at(source if alpha == 1 else source * alpha, x.shape, where)


def index_copy(x: Any, dim: int, index: Any, source: Any) -> Any:
    d, idx = _index_vector(x, dim, index, "index_copy")
    source = _source_along(x, d, idx, source, "index_copy")
    last = np.sort(len(idx) - 1 - np.unique(idx[::-1], return_index=True)[1])  # a repeated index: the last write
    if len(last) < len(idx):
        idx, source = idx[last], S.getitem(source, _at(d, last))
    return S.setitem(x, _at(d, idx) if x.ndim else Ellipsis, source)


def index_fill(x: Any, dim: int, index: Any, value: Any) -> Any:  # noqa: A002 - PyTorch's name
    d, idx = _index_vector(x, dim, index, "index_fill", negative=True)
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.ndim} dimension(s).")
    fill = value if isinstance(value, Tensor) else C._const(np.asarray(value, dtype=x.dtype))
    return S.setitem(x, _at(d, np.unique(idx)) if x.ndim else Ellipsis, fill)  # (each position filled once)


# ------------------------------------------------------------------------------------- joins and promotion


def _at_least(tensors: tuple, fn: Any) -> Any:
    tensors = S._shape_args(tensors)
    out = tuple(fn(t) for t in tensors)
    return out[0] if len(out) == 1 else out


def atleast_1d(*tensors: Any) -> Any:
    return _at_least(tensors, lambda t: S.reshape(t, (1,)) if t.ndim == 0 else t)


def atleast_2d(*tensors: Any) -> Any:
    return _at_least(tensors, lambda t: S.reshape(t, (1, -1)) if t.ndim < 2 else t)


def atleast_3d(*tensors: Any) -> Any:
    def three(t: Any) -> Any:
        if t.ndim == 2:
            return S.unsqueeze(t, -1)
        return S.reshape(t, (1, -1, 1)) if t.ndim < 2 else t

    return _at_least(tensors, three)


def column_stack(tensors: Sequence[Any]) -> Any:
    return S.cat([S.reshape(t, (-1, 1)) if t.ndim < 2 else t for t in tensors], 1)


def dstack(tensors: Sequence[Any]) -> Any:
    return S.cat([atleast_3d(t) for t in tensors], 2)


def diag_embed(x: Any, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Any:
    """Matrices with x's last axis on their `offset` diagonal, in the new dims dim1 and dim2 (zeros elsewhere)."""
    n = x.shape[-1] + abs(offset)
    d1, d2 = S._norm_dim(dim1, x.ndim + 1, "diag_embed"), S._norm_dim(dim2, x.ndim + 1, "diag_embed")
    if d1 == d2:
        raise RuntimeError(f"diag_embed: diagonal dimensions cannot be identical {dim1}, {dim2}")
    k = np.arange(x.shape[-1])
    rows, cols = k + max(-offset, 0), k + max(offset, 0)
    out = S.add_at(x, x.shape[:-1] + (n, n), (Ellipsis, rows, cols))
    return C.movedim(out, (-2, -1), (d1, d2))
