"""PyTorch functions that need no table entry of their own: compositions of table ops (their gradients are those
ops' gradients), and queries whose results are never differentiated (indices, masks, flags).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassgrad import return_types
from glassgrad.ops import elementwise as E
from glassgrad.ops import linalg as L
from glassgrad.ops import reduce as R
from glassgrad.ops import shape as S
from glassgrad.ops.base import scalar_type, value
from glassgrad.tensor import Tensor, _make


def _const(a: Any) -> Tensor:
    return _make(np.asarray(a), False)


def _matrix(x: Any, op: str, nd: int = 2) -> None:
    if x.ndim != nd:
        raise RuntimeError(f"{op}: expected a {nd}-D tensor, got {x.ndim}-D (shape {list(x.shape)})")


# ------------------------------------------------------------------------------------------ linear algebra


def t(x: Any) -> Any:
    if x.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    return S.transpose(x, 0, 1) if x.ndim == 2 else x


def mm(a: Any, b: Any) -> Any:
    _matrix(a, "mm"), _matrix(b, "mm")
    return L.matmul(a, b)


def bmm(a: Any, b: Any) -> Any:
    _matrix(a, "bmm", 3), _matrix(b, "bmm", 3)
    return L.matmul(a, b)


def mv(a: Any, v: Any) -> Any:
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), vec "
                           f"({v.shape[0]})")
    return L.matmul(a, v)


def dot(a: Any, b: Any) -> Any:
    _matrix(a, "dot", 1), _matrix(b, "dot", 1)
    return L.matmul(a, b)


def outer(a: Any, b: Any) -> Any:
    _matrix(a, "outer", 1), _matrix(b, "outer", 1)
    return S.unsqueeze(a, 1) * S.unsqueeze(b, 0)


def norm(x: Any, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Any:
    """The vector p-norm over `dim` (all elements by default): 2 ('fro'), 1, inf, -inf, 0 or any p > 0."""
    if p in ("fro", 2):
        return E.sqrt(R.sum(x * x, dim, keepdim))
    if p == float("inf"):
        return R.amax(E.abs(x), () if dim is None else dim, keepdim)
    if p == -float("inf"):
        return R.amin(E.abs(x), () if dim is None else dim, keepdim)
    if p == 0:
        return R.sum(ne(x, 0).to(x.dtype), dim, keepdim)
    if p == 1:
        return R.sum(E.abs(x), dim, keepdim)
    return R.sum(E.abs(x) ** p, dim, keepdim) ** (1.0 / p)


# --------------------------------------------------------------------------------------- moving elements


def _along(index: np.ndarray, dim: int) -> tuple:
    """The advanced index that picks `index`'s entries along `dim` (and the entry's own position elsewhere)."""
    grids = list(np.indices(index.shape, sparse=True))
    grids[dim] = index
    return tuple(grids)


def _index_along(x: Any, dim: int, index: Any, op: str) -> tuple[np.ndarray, int]:
    """gather's and scatter's index, checked as PyTorch checks it, and their dim normalised."""
    idx = np.asarray(value(index))
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index, got {idx.dtype}")
    if idx.ndim != x.ndim:
        what = "input" if op == "gather" else "self"
        raise RuntimeError(f"{op}(): Index tensor must have the same number of dimensions as {what} tensor (index "
                           f"{list(idx.shape)}, {what} {list(x.shape)})")
    return idx, S._norm_dim(dim, x.ndim, op)


def gather(x: Any, dim: int, index: Any) -> Any:
    """out[i][j] = x[index[i][j]][j] for dim 0 (and so on): indexing, so the gradient adds back where it came from."""
    return S.getitem(x, _along(*_index_along(x, dim, index, "gather")))


def take_along_dim(x: Any, indices: Any, dim: int) -> Any:
    return gather(x, dim, np.broadcast_to(value(indices), np.broadcast_shapes(np.shape(value(indices)), x.shape)))


def _scatter_index(x: Any, dim: int, index: Any, src: Any, op: str) -> tuple[np.ndarray, int]:
    """scatter's index, checked as PyTorch checks it against x and src, and its dim normalised."""
    idx, d = _index_along(x, dim, index, op)
    against = [list(src.shape)] if isinstance(src, Tensor) else []
    if np.any([i > n for k, (i, n) in enumerate(zip(idx.shape, x.shape)) if k != d]
              + [i > n for shape in against for i, n in zip(idx.shape, shape)]):
        raise RuntimeError(f"{op}(): Expected index {list(idx.shape)} to be no larger than self {list(x.shape)} apart "
                           f"from dimension {d}" + "".join(f" and to be no larger size than src {s}" for s in against))
    outside = idx[(idx < 0) | (idx >= x.shape[d])]
    if outside.size:
        raise RuntimeError(f"{op}(): index {outside[0]} is out of bounds for dimension {d} with size {x.shape[d]}")
    return idx, d


def _scattered(x: Any, dim: int, index: Any, src: Any, add: bool, op: str) -> Any:
    idx, d = _scatter_index(x, dim, index, src, op)
    if not isinstance(src, Tensor):
        src = _const(np.full(idx.shape, src, dtype=x.dtype))
    elif src.shape != idx.shape:
        src = S.getitem(src, tuple(slice(0, n) for n in idx.shape))
    where = _along(idx, d)
    return x + S.add_at(src, x.shape, where) if add else S.setitem(x, where, src)


def scatter(x: Any, dim: int, index: Any, src: Any = None, value: Any = None, *,  # noqa: A002
            reduce: str | None = None) -> Any:
    """x with x[index[i][j]][j] = src[i][j] (dim 0; src a tensor or a number): setitem along an advanced index.
    reduce="add" adds instead, as scatter_add."""
    if reduce not in (None, "add"):
        raise NotImplementedError(f"scatter(): reduce={reduce!r} is not supported (only 'add'); PyTorch deprecates "
                                  "it for scatter_reduce")
    return _scattered(x, dim, index, value if src is None else src, reduce == "add", "scatter")


def scatter_add(x: Any, dim: int, index: Any, src: Any) -> Any:
    """x with src[i][j] added at x[index[i][j]][j] (dim 0; repeated indices add up)."""
    return _scattered(x, dim, index, src, True, "scatter_add")


_REDUCTIONS = {"sum": R.sum, "prod": R.prod, "mean": R.sum, "amax": R.amax, "amin": R.amin}


def scatter_reduce(x: Any, dim: int, index: Any, src: Any, reduce: str, *, include_self: bool = True) -> Any:
    """x with each src[i][j] reduced into x[index[i][j]][j] (dim 0): sum, prod, mean, amax or amin of what lands
    there (and of x's element, with include_self). Built densely along dim (every src element against every
    target, the others masked to the reduction's identity), so each reduction's own gradient applies: amax/amin
    share it among ties, prod gives each factor the product of the others."""
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    idx, d = _scatter_index(x, dim, index, src, "scatter_reduce")
    region = tuple(slice(0, n) for k, n in enumerate(idx.shape) if k != d)
    whole = idx.shape[:d] + idx.shape[d + 1:] == x.shape[:d] + x.shape[d + 1:]
    xt = movedim(x, d, -1)
    part = xt if whole else S.getitem(xt, region)       # x's elements that src can reach, targets last
    srct = movedim(S.getitem(src, tuple(slice(0, n) for n in idx.shape)), d, -1)
    hit = np.moveaxis(idx, d, -1)[..., None] == np.arange(x.shape[d])   # (…, source j, target t)
    v = value(x)
    big = np.inf if v.dtype.kind == "f" else np.iinfo(v.dtype).max
    identity = {"sum": 0, "mean": 0, "prod": 1, "amax": -big, "amin": big}[reduce]
    stack = E.where(_const(hit), S.unsqueeze(srct, -1), _const(np.asarray(identity, dtype=v.dtype)))
    if include_self:
        stack = S.cat([S.unsqueeze(part, -2), stack], -2)
    out = _REDUCTIONS[reduce](stack, -2) if reduce in ("sum", "prod", "mean") else _REDUCTIONS[reduce](stack, (-2,))
    if reduce == "mean":
        count = _const((hit.sum(-2) + include_self).clip(1).astype(v.dtype))
        out = E.floor_divide(out, count) if v.dtype.kind in "iub" else out / count
    out = E.where(_const(hit.any(-2)), out, part)
    return movedim(out if whole else S.setitem(xt, region, out), -1, d)


def index_put(x: Any, indices: Sequence[Any], values: Any, accumulate: bool = False) -> Any:
    """x with x[indices] = values (indices: a tuple of index tensors, one per leading dim), or values added there
    with accumulate=True (repeated indices add up)."""
    if isinstance(values, Tensor) and values.dtype != x.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got {scalar_type(x.dtype)} "
                           f"for the destination and {scalar_type(values.dtype)} for the source.")
    where = S._plain_index(tuple(indices))
    if not accumulate:
        return S.setitem(x, where, values)
    picked = value(x)[where].shape
    return x + S.add_at(S.expand(values, picked) if tuple(values.shape) != picked else values, x.shape, where)


def index_select(x: Any, dim: int, index: Any) -> Any:
    d = S._norm_dim(dim, x.ndim, "index_select")
    return S.getitem(x, (slice(None),) * d + (np.asarray(value(index)).reshape(-1),))


def masked_fill(x: Any, mask: Any, fill: Any) -> Any:
    fill = fill if isinstance(fill, Tensor) else _const(np.asarray(fill, dtype=x.dtype))
    return E.where(mask, fill, x)


def flip(x: Any, dims: Any) -> Any:
    dims = {S._norm_dim(d, x.ndim, "flip") for d in ((dims,) if isinstance(dims, int) else dims)}
    return S.getitem(x, tuple(slice(None, None, -1) if i in dims else slice(None) for i in range(x.ndim)))


def roll(x: Any, shifts: Any, dims: Any = None) -> Any:
    if dims is None:
        return S.reshape(roll(S.flatten(x), shifts, 0), x.shape)
    shifts, dims = ((shifts,), (dims,)) if isinstance(dims, int) else (tuple(shifts), tuple(dims))
    for s, d in zip(shifts, dims):
        d = S._norm_dim(d, x.ndim, "roll")
        x = S.getitem(x, (slice(None),) * d + (np.roll(np.arange(x.shape[d]), s),))
    return x


def repeat(x: Any, *sizes: Any) -> Any:
    """Tile x: each dimension repeated sizes[i] times (leading sizes add dimensions), by broadcasting a view."""
    sizes = S._shape_args(sizes)
    if len(sizes) < x.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    shape = (1,) * (len(sizes) - x.ndim) + tuple(x.shape)
    spread = S.reshape(x, tuple(v for n in shape for v in (1, n)))
    tiled = S.expand(spread, tuple(v for r, n in zip(sizes, shape) for v in (r, n)))
    return S.reshape(tiled, tuple(r * n for r, n in zip(sizes, shape)))


def repeat_interleave(x: Any, repeats: Any, dim: int | None = None) -> Any:
    if dim is None:
        x, dim = S.flatten(x), 0
    d = S._norm_dim(dim, x.ndim, "repeat_interleave")
    picks = np.repeat(np.arange(x.shape[d]), np.asarray(value(repeats)))
    return S.getitem(x, (slice(None),) * d + (picks,))


def unbind(x: Any, dim: int = 0) -> tuple:
    d = S._norm_dim(dim, x.ndim, "unbind")
    return tuple(S.getitem(x, (slice(None),) * d + (i,)) for i in range(x.shape[d]))


def _triangle(x: Any, diagonal: int, upper: bool) -> Any:
    rows, cols = x.shape[-2:]
    keep = (np.triu if upper else np.tril)(np.ones((rows, cols), dtype=bool), diagonal)
    return E.where(_const(keep), x, _const(np.zeros((), dtype=x.dtype)))


def tril(x: Any, diagonal: int = 0) -> Any:
    return _triangle(x, diagonal, False)


def triu(x: Any, diagonal: int = 0) -> Any:
    return _triangle(x, diagonal, True)


def hstack(tensors: Sequence[Any]) -> Any:
    tensors = list(tensors)
    return S.cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Any]) -> Any:
    return S.cat([S.reshape(t, (1, -1)) if t.ndim < 2 else t for t in tensors], 0)


def movedim(x: Any, source: Any, destination: Any) -> Any:
    src = [S._norm_dim(d, x.ndim, "movedim") for d in ((source,) if isinstance(source, int) else source)]
    dst = [S._norm_dim(d, x.ndim, "movedim") for d in ((destination,) if isinstance(destination, int) else
                                                         destination)]
    order = [d for d in range(x.ndim) if d not in src]
    for s, d in sorted(zip(dst, src)):
        order.insert(s, d)
    return S.permute(x, tuple(order))


def unflatten(x: Any, dim: int, sizes: Sequence[int]) -> Any:
    d = S._norm_dim(dim, x.ndim, "unflatten")
    return S.reshape(x, x.shape[:d] + tuple(sizes) + x.shape[d + 1:])


# -------------------------------------------------------------------------------- sorting and selecting


def sort(x: Any, dim: int = -1, descending: bool = False, stable: bool = False) -> return_types.sort:
    """(values, indices): the values are x gathered at the indices, so their gradient goes back there."""
    d = S._norm_dim(dim, x.ndim, "sort")
    v = value(x)
    idx = np.argsort(-v if descending else v, axis=d, kind="stable") if v.ndim else np.zeros((), np.int64)
    return return_types.sort(gather(x, d, idx) if v.ndim else x * 1, _const(idx.astype(np.int64)))


def argsort(x: Any, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    return sort(x, dim, descending).indices


def topk(x: Any, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> return_types.topk:  # noqa: A002
    d = S._norm_dim(dim, x.ndim, "topk")
    if not 0 <= k <= (x.shape[d] if x.ndim else 1):
        raise RuntimeError(f"topk: selected index k ({k}) out of range for a dimension of size {x.shape[d]}")
    values, indices = sort(x, d, descending=largest)
    keep = (slice(None),) * d + (slice(0, k),)
    return return_types.topk(S.getitem(values, keep), _const(indices._data[keep]))


def median(x: Any, dim: int | None = None, keepdim: bool = False) -> Any:
    """The lower of the two middle values (PyTorch's median, not their mean); with dim, (values, indices)."""
    if dim is None:
        return sort(S.flatten(x), 0).values[(x.numel() - 1) // 2]
    d = S._norm_dim(dim, x.ndim, "median")
    values, indices = sort(x, d)
    at = (slice(None),) * d + (slice((x.shape[d] - 1) // 2, (x.shape[d] + 1) // 2),)
    pick = (lambda t: S.getitem(t, at)) if keepdim else (lambda t: S.squeeze(S.getitem(t, at), d))
    return return_types.median(pick(values), _const(np.asarray(pick(indices)._data)))


def argmax(x: Any, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _const(np.argmax(value(x), axis=dim, keepdims=keepdim if dim is not None else False).astype(np.int64))


def argmin(x: Any, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _const(np.argmin(value(x), axis=dim, keepdims=keepdim if dim is not None else False).astype(np.int64))


def nonzero(x: Any, as_tuple: bool = False) -> Any:
    found = np.nonzero(value(x))
    return tuple(_const(i) for i in found) if as_tuple else _const(np.stack(found, axis=-1).astype(np.int64))


def unique(x: Any, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,  # noqa: A002
           dim: int | None = None) -> Any:
    out = np.unique(value(x), return_inverse=return_inverse, return_counts=return_counts, axis=dim)
    if not (return_inverse or return_counts):
        return _const(out)
    parts = [_const(out[0])]
    if return_inverse:
        parts.append(_const(out[1].reshape(np.shape(value(x)) if dim is None else -1).astype(np.int64)))
    if return_counts:
        parts.append(_const(out[-1].astype(np.int64)))
    return tuple(parts)


# ------------------------------------------------------------------------------------ masks and flags


def _bitwise(fn: Any, name: str) -> Any:
    def bitwise(a: Any, b: Any) -> Tensor:
        for t in (a, b):
            if isinstance(t, Tensor) and t.dtype.kind not in "iub" or isinstance(t, float):
                kind = scalar_type(t.dtype) if isinstance(t, Tensor) else "Float"
                raise NotImplementedError(f'"{name}_cpu" not implemented for \'{kind}\': bitwise operators need '
                                          "integer or bool tensors")
        return _const(fn(value(a), value(b)))

    bitwise.__name__ = bitwise.__qualname__ = name
    return bitwise


bitwise_and, bitwise_or, bitwise_xor, bitwise_left_shift, bitwise_right_shift = (
    _bitwise(f, n) for f, n in ((np.bitwise_and, "bitwise_and"), (np.bitwise_or, "bitwise_or"),
                                (np.bitwise_xor, "bitwise_xor"), (np.left_shift, "bitwise_left_shift"),
                                (np.right_shift, "bitwise_right_shift")))


def bitwise_not(a: Any) -> Tensor:
    if a.dtype.kind not in "iub":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return _const(np.invert(value(a)))



def _compare(fn: Any) -> Any:
    def compare(a: Any, b: Any) -> Tensor:
        return _const(fn(value(a), value(b)))

    return compare


eq, ne, gt, ge, lt, le = (_compare(f) for f in (np.equal, np.not_equal, np.greater, np.greater_equal, np.less,
                                                 np.less_equal))


def logical_and(a: Any, b: Any) -> Tensor:
    return _const(np.logical_and(value(a), value(b)))


def logical_or(a: Any, b: Any) -> Tensor:
    return _const(np.logical_or(value(a), value(b)))


def logical_xor(a: Any, b: Any) -> Tensor:
    return _const(np.logical_xor(value(a), value(b)))


def logical_not(a: Any) -> Tensor:
    return _const(np.logical_not(value(a)))


def isnan(x: Any) -> Tensor:
    return _const(np.isnan(value(x)))


def isinf(x: Any) -> Tensor:
    return _const(np.isinf(value(x)))


def isfinite(x: Any) -> Tensor:
    return _const(np.isfinite(value(x)))


def isclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    return _const(np.isclose(value(a), value(b), rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    return bool(np.allclose(value(a), value(b), rtol=rtol, atol=atol, equal_nan=equal_nan))


def equal(a: Any, b: Any) -> bool:
    return a.shape == b.shape and bool(np.array_equal(value(a), value(b)))


def any(x: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, out: None = None) -> Tensor:  # noqa: A001
    """(`axis=` is `dim=`, and `out=None` is accepted, so np.any(t) works too.)"""
    return _const(np.any(value(x), axis=R._dims(x, dim if axis is None else axis, "any"), keepdims=keepdim))


def all(x: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, out: None = None) -> Tensor:  # noqa: A001
    return _const(np.all(value(x), axis=R._dims(x, dim if axis is None else axis, "all"), keepdims=keepdim))


# ------------------------------------------------------------------------------------ elementwise arithmetic


def deg2rad(x: Any) -> Any:
    return E.mul(E._floating(x), np.pi / 180)


def rad2deg(x: Any) -> Any:
    return E.mul(E._floating(x), 180 / np.pi)


def float_power(a: Any, b: Any) -> Any:
    """a^b in double precision whatever the inputs' dtypes, as PyTorch's."""
    wide = [E.cast(x, np.float64) if isinstance(x, Tensor) else float(x) for x in (a, b)]
    return E.pow(*wide)


def lerp(start: Any, end: Any, weight: Any) -> Any:
    return E.add(start, E.mul(weight, E.sub(end, start)))


def addcmul(x: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Any:
    prod = E.mul(tensor1, tensor2)
    return E.add(x, prod if value == 1 else E.mul(prod, value))


def addcdiv(x: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Any:
    kinds = {t.dtype.kind if isinstance(t, Tensor) else "f" for t in (tensor1, tensor2)}
    if kinds <= set("biu"):
        raise RuntimeError("Integer division with addcdiv is no longer supported: for a true division write "
                           "(input + value * tensor1 / tensor2)")
    quot = E.div(tensor1, tensor2)
    return E.add(x, quot if value == 1 else E.mul(quot, value))


def positive(x: Any) -> Any:
    if x.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return x


def signbit(x: Any) -> Tensor:
    return _const(np.signbit(value(x)))


def heaviside(x: Any, values: Any) -> Tensor:
    """1 above zero, `values` at zero, else 0 (nan too, as PyTorch's): a step with no gradient."""
    x, values = value(x), value(values)
    if x.dtype != values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _const(np.where(x == 0, values, x > 0).astype(x.dtype))
