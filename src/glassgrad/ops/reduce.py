"""Reductions and normalisations: sums, means, maxima, logsumexp, softmax.

Their Jacobians are not diagonal, so each declares its vector-Jacobian product: the upstream gradient spread
back over the reduced axes, weighted as the formula says.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from glassgrad import return_types
from glassgrad.autograd import apply
from glassgrad.ops.base import Op, expand_reduced, reduced_axes, scalar_type, value, vjp


def _softmax(x: np.ndarray, dim: int) -> np.ndarray:
    e = np.exp(x - np.max(x, axis=dim, keepdims=True))
    return e / np.sum(e, axis=dim, keepdims=True)


def _log_softmax(x: np.ndarray, dim: int) -> np.ndarray:
    z = x - np.max(x, axis=dim, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=dim, keepdims=True))


def _logsumexp(x: np.ndarray, dim: Any, keepdim: bool) -> np.ndarray:
    m = np.max(x, axis=dim, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    out = np.log(np.sum(np.exp(x - m), axis=dim, keepdims=True)) + m
    return out if keepdim else np.squeeze(out, axis=dim)


def _count(shape: tuple[int, ...], dim: Any) -> int:
    return int(np.prod([shape[d] for d in reduced_axes(len(shape), dim)], dtype=np.int64))


def _share_ties(a: Any, out: Any, dim: Any, keepdim: bool) -> np.ndarray:
    """Weights that split a max/min's gradient evenly among the elements equal to it (PyTorch's rule)."""
    va = value(a)
    hit = (va == expand_reduced(np, value(out), va.shape, dim, keepdim)).astype(va.dtype)
    axes = reduced_axes(va.ndim, dim)
    return hit / np.sum(hit, axis=axes, keepdims=True)


def _one_at_index(a: Any, dim: int, pick: Any) -> np.ndarray:
    """One-hot weights at the index max(dim)/min(dim) returns: the gradient goes there alone."""
    va = value(a)
    idx = np.expand_dims(pick(va, axis=dim), dim)
    w = np.zeros(va.shape, dtype=va.dtype)
    np.put_along_axis(w, idx, 1, axis=dim)
    return w


class Sum(Op):
    name, text, latex = "sum", "Σ $a", r"\sum $a"
    derivatives = (vjp("1", "1",
                       lambda xp, g, out, a, dim, keepdim: expand_reduced(xp, g, a.shape, dim, keepdim)),)
    needs_inputs = False

    @staticmethod
    def forward(a: np.ndarray, dim: Any, keepdim: bool) -> np.ndarray:
        return np.sum(a, axis=dim, keepdims=keepdim)


class Mean(Op):
    name, text, latex = "mean", "mean($a)", r"\operatorname{mean}($a)"
    derivatives = (vjp("1/n", r"\tfrac{1}{n}",
                       lambda xp, g, out, a, dim, keepdim: expand_reduced(xp, g, a.shape, dim, keepdim)
                       * (1.0 / _count(a.shape, dim))),)
    needs_inputs = False

    @staticmethod
    def forward(a: np.ndarray, dim: Any, keepdim: bool) -> np.ndarray:
        return np.mean(a, axis=dim, keepdims=keepdim)


class Amax(Op):
    name, text, latex = "amax", "max($a)", r"\max $a"
    derivatives = (vjp("1 at the maximum (shared evenly among ties), 0 elsewhere", r"\mathbb{1}[$a = \max $a]",
                       lambda xp, g, out, a, dim, keepdim: expand_reduced(xp, g, a.shape, dim, keepdim)
                       * _share_ties(a, out, dim, keepdim)),)
    needs_out = True

    @staticmethod
    def forward(a: np.ndarray, dim: Any, keepdim: bool) -> np.ndarray:
        return np.max(a, axis=dim, keepdims=keepdim)


class Amin(Op):
    name, text, latex = "amin", "min($a)", r"\min $a"
    derivatives = (vjp("1 at the minimum (shared evenly among ties), 0 elsewhere", r"\mathbb{1}[$a = \min $a]",
                       lambda xp, g, out, a, dim, keepdim: expand_reduced(xp, g, a.shape, dim, keepdim)
                       * _share_ties(a, out, dim, keepdim)),)
    needs_out = True

    @staticmethod
    def forward(a: np.ndarray, dim: Any, keepdim: bool) -> np.ndarray:
        return np.min(a, axis=dim, keepdims=keepdim)


class MaxDim(Op):
    name, text, latex = "max", "max($a, dim)", r"\max_{\text{dim}} $a"
    derivatives = (vjp("1 at the returned index, 0 elsewhere", r"\mathbb{1}[i = \operatorname{argmax}]",
                       lambda xp, g, out, a, dim, keepdim: expand_reduced(xp, g, a.shape, dim, keepdim)
                       * _one_at_index(a, dim, np.argmax)),)

    @staticmethod
    def forward(a: np.ndarray, dim: int, keepdim: bool) -> np.ndarray:
        return np.max(a, axis=dim, keepdims=keepdim)


class MinDim(Op):
    name, text, latex = "min", "min($a, dim)", r"\min_{\text{dim}} $a"
    derivatives = (vjp("1 at the returned index, 0 elsewhere", r"\mathbb{1}[i = \operatorname{argmin}]",
                       lambda xp, g, out, a, dim, keepdim: expand_reduced(xp, g, a.shape, dim, keepdim)
                       * _one_at_index(a, dim, np.argmin)),)

    @staticmethod
    def forward(a: np.ndarray, dim: int, keepdim: bool) -> np.ndarray:
        return np.min(a, axis=dim, keepdims=keepdim)


class LogSumExp(Op):
    name, text, latex = "logsumexp", "ln Σ exp($a)", r"\ln \sum e^{$a}"
    derivatives = (vjp("softmax($a)", r"\operatorname{softmax}($a)",
                       lambda xp, g, out, a, dim, keepdim: expand_reduced(xp, g, a.shape, dim, keepdim)
                       * xp.exp(a - expand_reduced(xp, out, a.shape, dim, keepdim))),)
    needs_out = True
    forward = staticmethod(_logsumexp)


class Softmax(Op):
    name, text, latex = "softmax", "softmax($a)", r"\operatorname{softmax}($a)"
    derivatives = (vjp("s·(g − Σ g·s), s = softmax($a)", r"s \odot (g - \textstyle\sum g \odot s)",
                       lambda xp, g, out, a, dim: out * (g - xp.sum(g * out, dim, True))),)
    needs_inputs, needs_out = False, True
    forward = staticmethod(_softmax)


class LogSoftmax(Op):
    name, text, latex = "log_softmax", "log softmax($a)", r"\log \operatorname{softmax}($a)"
    derivatives = (vjp("g − softmax($a)·Σ g", r"g - \operatorname{softmax}($a) \textstyle\sum g",
                       lambda xp, g, out, a, dim: g - xp.exp(out) * xp.sum(g, dim, True)),)
    needs_inputs, needs_out = False, True
    forward = staticmethod(_log_softmax)


def _others(xp: Any, a: Any, out: Any, dim: Any, keepdim: bool) -> Any:
    """∂prod/∂aᵢ: the product of the other elements: out/aᵢ where no factor is 0, else computed directly (one zero:
    the others' product at it, 0 elsewhere; two or more: 0), as PyTorch does."""
    va = value(a)
    whole = expand_reduced(xp, out, va.shape, dim, keepdim)
    if np.all(va != 0):
        return whole / a
    axes = reduced_axes(va.ndim, dim)
    zero = va == 0
    count = np.sum(zero, axis=axes, keepdims=True)
    rest = np.prod(np.where(zero, 1, va), axis=axes, keepdims=True)
    return np.where(zero & (count == 1), rest, np.where(count == 0, value(whole) / np.where(zero, 1, va), 0)).astype(
        va.dtype)


class Prod(Op):
    name, text, latex = "prod", "Π $a", r"\prod $a"
    derivatives = (vjp("the product of the other elements", r"\textstyle\prod_{j \ne i} $a_j",
                       lambda xp, g, out, a, dim, keepdim: expand_reduced(xp, g, a.shape, dim, keepdim)
                       * _others(xp, a, out, dim, keepdim)),)
    needs_out = True

    @staticmethod
    def forward(a: np.ndarray, dim: Any, keepdim: bool) -> np.ndarray:
        return np.prod(a, axis=dim, keepdims=keepdim)


class Cumsum(Op):
    name, text, latex = "cumsum", "running Σ $a", r"\textstyle\sum_{j \le i} $a_j"
    derivatives = (vjp("Σ of g over the positions at or after each one", r"\textstyle\sum_{j \ge i} g_j",
                       lambda xp, g, out, a, dim: xp.sum(g, (dim,), True) - xp.cumsum(g, dim) + g),)
    needs_inputs = False

    @staticmethod
    def forward(a: np.ndarray, dim: int) -> np.ndarray:
        return np.cumsum(a, axis=dim)


def _cumprod_vjp(xp: Any, g: Any, out: Any, a: Any, dim: int) -> Any:
    """Σ_{j≥i} g_j·out_j/a_i when no factor is 0; else, as PyTorch defines it there, Σ_{j≥i} g_j·Π_{k≤j, k≠i} a_k:
    each running product again with a_i replaced by 1 (n² work along dim, only then)."""
    if np.all(value(a) != 0):
        h = g * out
        return (xp.sum(h, (dim,), True) - xp.cumsum(h, dim) + h) / a
    n = a.shape[dim]
    eye, upper = np.eye(n, dtype=value(a).dtype), np.triu(np.ones((n, n), dtype=value(a).dtype))
    rows = xp.expand_dims(xp.swapaxes(a, dim, -1), -2) * (1 - eye) + eye  # row i: a with a_i = 1
    spread = xp.cumprod(rows, -1) * xp.expand_dims(xp.swapaxes(g, dim, -1), -2) * upper
    return xp.swapaxes(xp.sum(spread, (-1,)), dim, -1)


class Cumprod(Op):
    name, text, latex = "cumprod", "running Π $a", r"\textstyle\prod_{j \le i} $a_j"
    derivatives = (vjp("Σ over the positions j at or after i of g_j·Π_{k≤j, k≠i} $a_k",
                       r"\textstyle\sum_{j \ge i} g_j \prod_{k \le j, k \ne i} $a_k", _cumprod_vjp),)
    needs_out = True

    @staticmethod
    def forward(a: np.ndarray, dim: int) -> np.ndarray:
        return np.cumprod(a, axis=dim)


def _logcumsumexp_vjp(xp: Any, g: Any, out: Any, a: Any, dim: int) -> Any:
    """Σ_{j≥i} g_j·exp(a_i − out_j): each exponent ≤ 0 where it counts (n² work along dim); -inf masks j < i."""
    n = a.shape[dim]
    later = np.where(np.triu(np.ones((n, n), dtype=bool)), 0.0, -np.inf).astype(value(a).dtype)
    w = xp.exp(xp.expand_dims(xp.swapaxes(a, dim, -1), -1) - xp.expand_dims(xp.swapaxes(out, dim, -1), -2) + later)
    return xp.swapaxes(xp.sum(w * xp.expand_dims(xp.swapaxes(g, dim, -1), -2), (-1,)), dim, -1)


class LogCumSumExp(Op):
    name, text, latex = "logcumsumexp", "ln running Σ exp($a)", r"\ln \textstyle\sum_{j \le i} e^{$a_j}"
    derivatives = (vjp("Σ over the positions j at or after i of g_j·exp($a_i − out_j)",
                       r"\textstyle\sum_{j \ge i} g_j e^{$a_i - \text{out}_j}", _logcumsumexp_vjp),)
    needs_out = True

    @staticmethod
    def forward(a: np.ndarray, dim: int) -> np.ndarray:
        return np.logaddexp.accumulate(a, axis=dim)


# ---------------------------------------------------------------------------------------- function forms


def _dims(x: Any, dim: Any, op: str) -> tuple[int, ...] | None:
    """Normalise `dim` (int, tuple or None; negative allowed) against x's rank, with PyTorch's error."""
    if dim is None:
        return None
    nd = x.ndim
    lo, hi = (-1, 0) if nd == 0 else (-nd, nd - 1)
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    for d in dims:
        if not lo <= d <= hi:
            raise IndexError(f"{op}: Dimension out of range (expected to be in range of [{lo}, {hi}], but got {d})")
    if nd == 0:
        return None
    return tuple(sorted(int(d) % nd for d in dims))


def _dim(x: Any, dim: int, op: str) -> int:
    d = _dims(x, dim, op)
    return 0 if d is None else d[0]


def sum(x: Any, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    return apply(Sum, x, dim=_dims(x, dim, "sum"), keepdim=keepdim)


def mean(x: Any, dim: Any = None, keepdim: bool = False) -> Any:
    if value(x).dtype.kind not in "fc":
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be floating point, "
                           f"got {value(x).dtype}. Convert with .float() first.")
    return apply(Mean, x, dim=_dims(x, dim, "mean"), keepdim=keepdim)


def var(x: Any, dim: Any = None, *, correction: int = 1, unbiased: bool | None = None, keepdim: bool = False) -> Any:
    """Variance, built from mean, subtraction and sum (so its gradient is theirs)."""
    if unbiased is not None:
        correction = int(unbiased)
    dims = _dims(x, dim, "var")
    n = _count(x.shape, dims)
    d = x - mean(x, dims, keepdim=True)
    return sum(d * d, dims, keepdim=keepdim) / builtins.max(n - correction, 0)


def std(x: Any, dim: Any = None, *, correction: int = 1, unbiased: bool | None = None, keepdim: bool = False) -> Any:
    from glassgrad.ops.elementwise import sqrt

    return sqrt(var(x, dim, correction=correction, unbiased=unbiased, keepdim=keepdim))


def amax(x: Any, dim: Any = (), keepdim: bool = False) -> Any:
    dims = None if dim == () else _dims(x, dim, "amax")
    return apply(Amax, x, dim=dims, keepdim=keepdim)


def amin(x: Any, dim: Any = (), keepdim: bool = False) -> Any:
    dims = None if dim == () else _dims(x, dim, "amin")
    return apply(Amin, x, dim=dims, keepdim=keepdim)


def _extreme(x: Any, dim: Any, keepdim: bool, which: str) -> Any:
    """max/min with PyTorch's three forms: of all elements, (values, indices) along dim, or of two tensors."""
    from glassgrad.ops import elementwise
    from glassgrad.tensor import Tensor, _make

    if isinstance(dim, Tensor):
        return (elementwise.maximum if which == "max" else elementwise.minimum)(x, dim)
    if dim is None:
        return apply(Amax if which == "max" else Amin, x, dim=None, keepdim=False)
    d = _dim(x, dim, which)
    result = getattr(return_types, which)
    if x.ndim == 0:
        return result(x * 1, _make(np.zeros((), dtype=np.int64), False))
    pick = np.argmax if which == "max" else np.argmin
    idx = np.asarray(pick(value(x), axis=d, keepdims=keepdim), dtype=np.int64)
    return result(apply(MaxDim if which == "max" else MinDim, x, dim=d, keepdim=keepdim), _make(idx, False))


def max(x: Any, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    """max(x): the largest element; max(x, dim): (values, indices) along dim; max(x, y): elementwise."""
    return _extreme(x, dim, keepdim, "max")


def min(x: Any, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    """min(x): the smallest element; min(x, dim): (values, indices) along dim; min(x, y): elementwise."""
    return _extreme(x, dim, keepdim, "min")


def logsumexp(x: Any, dim: Any, keepdim: bool = False) -> Any:
    return apply(LogSumExp, x, dim=_dims(x, dim, "logsumexp"), keepdim=keepdim)


def _floating(x: Any, op: str) -> None:
    d = value(x).dtype
    if d.kind not in "fc":
        raise NotImplementedError(f'"{op}" not implemented for \'{scalar_type(d)}\' ({d}): it needs '
                                  f"floating-point input; convert with .float() first")


def softmax(x: Any, dim: int) -> Any:
    _floating(x, "softmax")
    return apply(Softmax, x, dim=_dims(x, dim, "softmax"))


def log_softmax(x: Any, dim: int) -> Any:
    _floating(x, "log_softmax")
    return apply(LogSoftmax, x, dim=_dims(x, dim, "log_softmax"))


def cumsum(x: Any, dim: int) -> Any:
    return apply(Cumsum, x, dim=_dim(x, dim, "cumsum")) if x.ndim else x * 1


def cumprod(x: Any, dim: int) -> Any:
    return apply(Cumprod, x, dim=_dim(x, dim, "cumprod")) if x.ndim else x * 1


def logcumsumexp(x: Any, dim: int) -> Any:
    _floating(x, "logcumsumexp")
    return apply(LogCumSumExp, x, dim=_dim(x, dim, "logcumsumexp")) if x.ndim else x * 1


def prod(x: Any, dim: int | None = None, keepdim: bool = False) -> Any:
    return apply(Prod, x, dim=None if dim is None else _dims(x, dim, "prod"), keepdim=keepdim and dim is not None)
