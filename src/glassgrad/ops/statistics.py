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


@_scalar_as_1d
def mode(x: Any, dim: int = -1, keepdim: bool = False) -> return_types.mode:
    """(values, indices) of the most frequent value along dim: the smallest of equally frequent ones, at the last
    index where it occurs (PyTorch's choice)."""
    d = R._dim(x, dim, "mode")
    rows = np.moveaxis(value(x), d, -1).reshape(-1, x.shape[d])
    idx = np.empty(len(rows), dtype=np.int64)
    for r, row in enumerate(rows):
        values, counts = np.unique(row, return_counts=True)
        idx[r] = len(row) - 1 - np.argmax(row[::-1] == values[np.argmax(counts)])
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
