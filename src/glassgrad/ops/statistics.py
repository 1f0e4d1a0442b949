"""Statistics PyTorch programs take over a dimension: running extremes, order statistics (kth value, mode,
quantiles), NaN-skipping sums and means, counts and histograms.

The values are composed of table ops (a gather at the indices NumPy finds, sums, means), so their gradients are
those ops' gradients: an order statistic's gradient goes to the element it picked, as in PyTorch. Counts and
histograms are never differentiated.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from glassgrad import return_types
from glassgrad.ops import composite as C
from glassgrad.ops import elementwise as E
from glassgrad.ops import reduce as R
from glassgrad.ops import shape as S
from glassgrad.ops.base import scalar_type, value
from glassgrad.tensor import Tensor, _make


def _const(a: Any) -> Tensor:
    return _make(np.asarray(a), False)


def _picked(x: Any, d: int, idx: np.ndarray, keepdim: bool, op: str) -> Any:
    """x's elements at `idx` along d (idx has size 1 there): the values, with their gradient going back there."""
    values, indices = C.gather(x, d, idx), idx.astype(np.int64)
    if not keepdim:
        values, indices = S.squeeze(values, d), np.squeeze(indices, d)
    return getattr(return_types, op)(values, _const(indices))


def _scalar_as_1d(fn: Any) -> Any:
    """A 0-d input works as its one-element vector (dim 0 or -1), and the results are 0-d again."""
    def on_vector(x: Any, *args: Any, **kwargs: Any) -> Any:
        if x.ndim:
            return fn(x, *args, **kwargs)
        out = fn(S.reshape(x, (1,)), *args, **kwargs)
        return type(out)(*(S.reshape(t, ()) for t in out))
    on_vector.__name__, on_vector.__doc__ = fn.__name__, fn.__doc__
    return on_vector


def _running(x: Any, dim: int, op: str, ufunc: np.ufunc) -> Any:
    d = R._dim(x, dim, op)
    v = value(x)
    hit = (v == ufunc.accumulate(v, axis=d)) | (v != v)  # ties and NaNs take the later index, as in PyTorch
    pos = np.arange(v.shape[d]).reshape((-1,) + (1,) * (v.ndim - d - 1))
    idx = np.maximum.accumulate(np.where(hit, pos, 0), axis=d).astype(np.int64)
    return getattr(return_types, op)(C.gather(x, d, idx), _const(idx))


@_scalar_as_1d
def cummax(x: Any, dim: int) -> return_types.cummax:
    """(values, indices): the running maximum along dim and where it was found (the later index on ties)."""
    return _running(x, dim, "cummax", np.maximum)


@_scalar_as_1d
def cummin(x: Any, dim: int) -> return_types.cummin:
    """(values, indices): the running minimum along dim and where it was found (the later index on ties)."""
    return _running(x, dim, "cummin", np.minimum)


def aminmax(x: Any, *, dim: int | None = None, keepdim: bool = False) -> return_types.aminmax:
    if x.numel() == 0:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                           "identity.")
    dims = () if dim is None else dim
    return return_types.aminmax(R.amin(x, dims, keepdim), R.amax(x, dims, keepdim))


def nansum(x: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """The sum with NaNs counted as zero (their gradient is zero)."""
    v = value(x)
    return R.sum(E.where(_const(v != v), _const(np.zeros((), v.dtype)), x) if v.dtype.kind in "fc" else x, dim,
                 keepdim)


def nanmean(x: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """The mean of the elements that are not NaN (NaN where there are none)."""
    v = value(x)
    if v.dtype.kind not in "fc":
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{scalar_type(v.dtype)}")
    count = np.sum(v == v, axis=R._dims(x, dim, "nanmean"), keepdims=keepdim).astype(v.dtype)
    return nansum(x, dim, keepdim) / _const(np.where(count == 0, np.nan, count).astype(v.dtype))


def var_mean(x: Any, dim: Any = None, *, correction: int = 1, unbiased: bool | None = None,
             keepdim: bool = False) -> tuple[Any, Any]:
    return (R.var(x, dim, correction=correction, unbiased=unbiased, keepdim=keepdim),
            R.mean(x, dim, keepdim=keepdim))


def std_mean(x: Any, dim: Any = None, *, correction: int = 1, unbiased: bool | None = None,
             keepdim: bool = False) -> tuple[Any, Any]:
    return (R.std(x, dim, correction=correction, unbiased=unbiased, keepdim=keepdim),
            R.mean(x, dim, keepdim=keepdim))


@_scalar_as_1d
def kthvalue(x: Any, k: int, dim: int = -1, keepdim: bool = False) -> return_types.kthvalue:
    """(values, indices) of the k-th smallest element along dim (k counts from 1)."""
    d = R._dim(x, dim, "kthvalue")
    if not 1 <= k <= x.shape[d]:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    order = np.argsort(value(x), axis=d, kind="stable")
    return _picked(x, d, np.take(order, [k - 1], axis=d), keepdim, "kthvalue")


def _stl_sorted(keys: list) -> list[tuple[Any, int]]:
    """(key, index) pairs in the order libstdc++'s std::sort(first, last, a < b) leaves them, as PyTorch's mode
    kernel sorts: a median-of-three quicksort down to runs of 16, then one insertion sort. Equal keys and NaNs
    (neither less nor greater than anything) end where that algorithm puts them, which a stable sort would not
    reproduce. (Its heap-sort fallback, for orders built to defeat the pivot choice, is not reproduced.)"""
    v = list(zip(keys, range(len(keys))))

    def partition(lo: int, hi: int) -> int:
        a, mid, c = lo + 1, lo + (hi - lo) // 2, hi - 1
        x, y, z = v[a][0], v[mid][0], v[c][0]
        m = (mid if y < z else c if x < z else a) if x < y else (a if x < z else c if y < z else mid)
        v[lo], v[m] = v[m], v[lo]
        pivot, first, last = v[lo][0], lo + 1, hi
        while True:
            while v[first][0] < pivot:
                first += 1
            last -= 1
            while pivot < v[last][0]:
                last -= 1
            if first >= last:
                return first
            v[first], v[last] = v[last], v[first]
            first += 1

    def introsort(lo: int, hi: int) -> None:
        while hi - lo > 16:
            cut = partition(lo, hi)
            introsort(cut, hi)
            hi = cut

    introsort(0, len(v))
    for i in range(1, len(v)):
        item, j = v[i], i
        if i < 16 and item[0] < v[0][0]:  # the first 16: a smaller key than the first goes straight to the front
            v[1:i + 1], j = v[:i], 0
        while j > 0 and item[0] < v[j - 1][0]:
            v[j], j = v[j - 1], j - 1
        v[j] = item
    return v


@_scalar_as_1d
def mode(x: Any, dim: int = -1, keepdim: bool = False) -> return_types.mode:
    """(values, indices) of the most frequent value along dim, found as PyTorch's kernel finds it: the first of the
    longest runs of equal values in std::sort's order, at the index that order ends the run with (so NaNs, never
    equal, count once each, and ties pick PyTorch's index)."""
    d = R._dim(x, dim, "mode")
    rows = np.moveaxis(value(x), d, -1).reshape(-1, x.shape[d])
    idx = np.empty(len(rows), dtype=np.int64)
    for r, row in enumerate(rows.tolist()):
        ordered, best, run = _stl_sorted(row), 0, 0
        for i, (key, at) in enumerate(ordered):
            run += 1
            if i == len(ordered) - 1 or key != ordered[i + 1][0]:
                if run > best:
                    idx[r], best = at, run
                run = 0
    shape = list(x.shape)
    shape[d] = 1
    return _picked(x, d, np.moveaxis(idx.reshape(shape[:d] + shape[d + 1:] + [1]), -1, d), keepdim, "mode")


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(x: Any, q: Any, dim: int | None, keepdim: bool, interpolation: str, skip_nan: bool) -> Any:
    op = "nanquantile" if skip_nan else "quantile"
    v = value(x)
    if v.dtype.kind != "f":
        raise RuntimeError(f"{op}() input tensor must be either float or double dtype")
    if isinstance(q, Tensor) and q.dtype != x.dtype:
        raise RuntimeError(f"{op}() q tensor must be same dtype as the input tensor")
    qs = np.asarray(value(q), dtype=np.float64)
    if qs.ndim > 1:
        raise RuntimeError(f"{op}() q must be a scalar or 1D tensor")
    if ((qs < 0) | (qs > 1)).any():
        raise RuntimeError(f"{op}() q must be in the range [0, 1] but got {qs[(qs < 0) | (qs > 1)][0]:g}")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{op}() interpolation must be one of linear, lower, higher, midpoint or nearest, but "
                           f"got {interpolation}")
    if x.numel() == 0:
        raise RuntimeError(f"{op}() input tensor must be non-empty")
    shape = tuple(x.shape)
    if dim is None:
        x, d = S.flatten(x), 0
    else:
        d = R._dim(x, dim, op)
        x = S.reshape(x, (1,)) if x.ndim == 0 else x
    v = value(x)
    n = v.shape[d]
    # NaNs sort last: quantile's answer is NaN where a row holds one (its last element); nanquantile counts the others
    nans = np.sum(v != v, axis=d, keepdims=True)
    last = np.full(nans.shape, n - 1.0)
    count = n - nans if skip_nan else np.full(nans.shape, n)
    stuck = count == 0 if skip_nan else nans > 0
    rank = np.where(stuck, last, qs.reshape((-1,) + (1,) * v.ndim) * (count - 1))
    if interpolation == "nearest":
        rank = np.round(rank)
    below, above = np.floor(rank), np.ceil(rank)
    below, above = {"lower": (below, below), "higher": (above, above), "nearest": (rank, rank)}.get(
        interpolation, (below, above))
    s = S.unsqueeze(C.sort(x, d).values, 0)
    s = S.expand(s, (len(below),) + tuple(x.shape))

    def at(r: np.ndarray) -> Any:
        return C.gather(s, d + 1, r.astype(np.int64))

    out = at(below)
    if interpolation in ("linear", "midpoint"):
        weight = 0.5 if interpolation == "midpoint" else rank - below
        out = out + (at(above) - out) * _const(np.asarray(weight, dtype=v.dtype))
    if not keepdim:
        out = S.squeeze(out, d + 1)
    elif dim is None:
        out = S.reshape(out, (len(below),) + (1,) * len(shape))
    return S.squeeze(out, 0) if qs.ndim == 0 else out


def quantile(x: Any, q: Any, dim: int | None = None, keepdim: bool = False, *,
             interpolation: str = "linear") -> Any:
    """The q-th quantiles along dim (of all elements if None); a 1-D q puts its dimension first."""
    return _quantile(x, q, dim, keepdim, interpolation, skip_nan=False)


def nanquantile(x: Any, q: Any, dim: int | None = None, keepdim: bool = False, *,
                interpolation: str = "linear") -> Any:
    """quantile of the elements that are not NaN (NaN where there are none)."""
    return _quantile(x, q, dim, keepdim, interpolation, skip_nan=True)


def count_nonzero(x: Any, dim: Any = None) -> Tensor:
    return _const(np.asarray(np.count_nonzero(value(x), axis=R._dims(x, dim, "count_nonzero")), dtype=np.int64))


def bincount(x: Any, weights: Any = None, minlength: int = 0) -> Tensor:
    """How often each value 0, 1, ... occurs in a 1-D tensor of non-negative integers (or the sum of its weights:
    float64 unless the weights are floats of another width, as in PyTorch)."""
    v = value(x)
    if v.dtype.kind not in "iu":
        raise NotImplementedError(f'"bincount_cpu" not implemented for \'{scalar_type(v.dtype)}\'')
    if v.ndim != 1 or (v < 0).any():
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return _const(np.bincount(v, minlength=minlength).astype(np.int64))
    w = np.asarray(value(weights))
    if w.shape != v.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    return _const(np.bincount(v, w, minlength).astype(w.dtype if w.dtype.kind == "f" else np.float64))


def histc(x: Any, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002 - PyTorch's names
    """Counts of x's elements in `bins` equal bins over [min, max] (x's own range when min == max); elements outside
    are not counted."""
    v = value(x)
    if v.dtype.kind != "f":
        raise NotImplementedError(f'"histogram_cpu" not implemented for \'{scalar_type(v.dtype)}\'')
    if bins <= 0:
        raise RuntimeError(f"histc(): bins must be > 0, but got {bins} for dimension 0")
    if min > max:
        raise RuntimeError("histc(): max must be larger than min")
    lo, hi = builtins.float(min), builtins.float(max)
    if lo == hi and v.size:
        lo, hi = builtins.float(np.min(v)), builtins.float(np.max(v))
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    inside = v[(v >= lo) & (v <= hi)].astype(np.float64)
    at = np.minimum(((inside - lo) * bins / (hi - lo)).astype(np.int64), bins - 1)
    return _const(np.bincount(at, minlength=bins).astype(v.dtype))
