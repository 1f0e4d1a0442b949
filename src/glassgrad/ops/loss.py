"""Fused losses: each is one node whose backward is the textbook formula, e.g. (softmax − onehot)/N.

Building cross-entropy from log_softmax, indexing and mean takes four nodes and four passes over the logits;
fused, the training step records one node and its gradient is a single expression the explainer can print.
The class-index losses (cross_entropy, nll_loss) share one description of the targets: a coefficient matrix
A with loss = −Σ A·log p, which covers class weights, ignore_index, label smoothing and soft targets alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassgrad.autograd import apply
from glassgrad.ops.base import Op, sum_to, value, vjp
from glassgrad.ops.shape import permute, reshape
from glassgrad.ops.xp import NUMPY as _NP

_REDUCTIONS = ("mean", "sum", "none")


def _coefficients(x: Any, target: Any, weight: np.ndarray | None, ignore_index: int | None,
                  label_smoothing: float, reduction: str) -> np.ndarray:
    """A with loss = −Σ_c A[i, c]·x[i, c] per sample (summed over samples unless reduction='none').

    Class indices: A = ((1−ε)·onehot·w[y] + ε/C·w)·valid / denominator, the denominator being Σ valid·w[y] for
    'mean' (PyTorch's normalisation). Probabilities: A = ((1−ε)·t + ε/C)·w, divided by N for 'mean'.
    """
    n, c = x.shape
    dtype = value(x).dtype
    w = np.ones(c, dtype=dtype) if weight is None else weight.astype(dtype, copy=False)
    if value(target).dtype.kind == "f":  # works on tensors too, so soft targets stay differentiable
        a = target * (1 - label_smoothing) + label_smoothing / c if label_smoothing else target
        a = a * w if weight is not None else a
        return a * (1 / n) if reduction == "mean" and n else a
    valid = np.ones(n, dtype=bool) if ignore_index is None else target != ignore_index
    safe = target if ignore_index is None else np.where(valid, target, 0)
    a = np.zeros((n, c), dtype=x.dtype)
    picked = w[safe] * valid
    a[np.arange(n), safe] = picked * (1 - label_smoothing)
    if label_smoothing:
        a += (label_smoothing / c) * w * valid[:, None]
    if reduction == "mean":
        a /= picked.sum()
    return a


def _rows(x: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A single sample (C,) with a 0-d target becomes a batch of one."""
    return (x[None], target[None]) if x.ndim == 1 else (x, target)


def _reduce(per_sample: np.ndarray, reduction: str, x_ndim: int) -> np.ndarray:
    if reduction == "none":
        return per_sample if x_ndim == 2 else per_sample[0]
    return per_sample.sum()


def _upstream(xp: Any, g: Any, x: Any, reduction: str) -> Any:
    """The upstream gradient shaped to broadcast against the (N, C) coefficients."""
    if reduction != "none":
        return g
    return xp.reshape(g, (-1, 1)) if x.ndim == 2 else g


def _is_one_hot(target: np.ndarray, weight: Any, ignore_index: int | None, label_smoothing: float) -> bool:
    """The everyday case (class indices, no weights, no smoothing, nothing ignored): A is onehot/N."""
    return weight is None and not label_smoothing and ignore_index is None and target.dtype.kind != "f"


def _shifted_exp(x2: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """z = x − rowmax, e^z and its row sums: the softmax is e^z/Σe^z, the log-softmax z − ln Σe^z."""
    z = x2 - np.maximum.reduce(x2, 1, keepdims=True)  # (the ufuncs' reduce: .max/.sum add a Python layer)
    e = np.exp(z)
    return z, e, np.add.reduce(e, 1, keepdims=True)


def _ce_forward(x: np.ndarray, target: np.ndarray, weight: np.ndarray | None, ignore_index: int | None,
                label_smoothing: float, reduction: str, save: bool = False) -> Any:
    """The loss; with `save`, also (e^z, Σe^z), from which backward gets the softmax with one division."""
    x2, t2 = _rows(x, target)
    z, e, total = _shifted_exp(x2)
    log_total = np.log(total)
    if _is_one_hot(t2, weight, ignore_index, label_smoothing):
        per_sample = log_total[:, 0] - z[np.arange(len(t2)), t2]
        if reduction == "mean":
            loss = np.asarray(np.add.reduce(per_sample) / len(t2), dtype=x.dtype)
        else:
            loss = _reduce(per_sample, reduction, x.ndim).astype(x.dtype, copy=False)
    else:
        a = _coefficients(x2, t2, weight, ignore_index, label_smoothing, reduction)
        loss = _reduce(-np.einsum("ij,ij->i", a, z - log_total), reduction, x.ndim).astype(x.dtype, copy=False)
    return (loss, (e, total)) if save else loss


def _ce_grad_input(xp: Any, g: Any, out: Any, x: Any, target: Any, weight: Any, *, ignore_index: int | None,
                   label_smoothing: float, reduction: str, saved: Any = None) -> Any:
    if isinstance(x, np.ndarray) and x.ndim == 2 and _is_one_hot(target, weight, ignore_index, label_smoothing):
        # the same formula, (softmax − onehot)/N·g, from the forward's e^z and Σe^z when it saved them
        e, total = saved if saved is not None else _shifted_exp(x)[1:]
        p = e / total
        p[np.arange(len(target)), target] -= 1
        if reduction == "none":
            p *= _upstream(xp, g, x, reduction)
        else:  # one multiply by a Python float: g is a single number here
            p *= float(g) / len(target) if reduction == "mean" else float(g)
        return p
    x2 = x if x.ndim == 2 else xp.reshape(x, (1, -1))
    if value(target).dtype.kind == "f":  # soft targets may require grad: keep them in the formula
        a = _coefficients(x2, target if x.ndim == 2 else xp.reshape(target, (1, -1)), value(weight), ignore_index,
                          label_smoothing, reduction)
        total = xp.sum(a, (1,), True)
    else:
        xv, tv = _rows(value(x), value(target))
        a = _coefficients(xv, tv, value(weight), ignore_index, label_smoothing, reduction)
        total = a.sum(axis=1, keepdims=True)
    grad = (xp.softmax(x2, 1) * total - a) * _upstream(xp, g, x, reduction)
    return grad if x.ndim == 2 else xp.reshape(grad, x.shape)


def _ce_grad_target(xp: Any, g: Any, out: Any, x: Any, target: Any, weight: Any, *, ignore_index: int | None,
                    label_smoothing: float, reduction: str, saved: Any = None) -> Any:
    """Soft targets only (class indices are integers and never require grad): −(1−ε)·w·log p, scaled."""
    xv = value(x)
    x2 = x if x.ndim == 2 else xp.reshape(x, (1, -1))
    n = x2.shape[0]
    scale = (1 - label_smoothing) / (n if reduction == "mean" and n else 1)
    w = 1.0 if weight is None else value(weight).astype(xv.dtype)
    grad = -(xp.log_softmax(x2, 1) * (w * scale)) * _upstream(xp, g, x, reduction)
    return grad if x.ndim == 2 else xp.reshape(grad, x.shape)


def _plain(x: Any, target: Any, weight: Any, params: dict) -> bool:
    """Whether the gradient is exactly (softmax − onehot)/N: class indices, no weight, smoothing or ignored rows."""
    return params["reduction"] == "mean" and _is_one_hot(value(target), weight, params["ignore_index"],
                                                           params["label_smoothing"])


def _ce_probabilities(xp: Any, out: Any, x: Any, target: Any, weight: Any, **params: Any) -> np.ndarray | None:
    if not _plain(x, target, weight, params):
        return None
    _, e, total = _shifted_exp(_rows(value(x), value(target))[0])
    return e / total


def _ce_targets(xp: Any, out: Any, x: Any, target: Any, weight: Any, **params: Any) -> np.ndarray | None:
    x2, t2 = _rows(value(x), value(target))
    return np.eye(x2.shape[1], dtype=x2.dtype)[t2] if _plain(x, target, weight, params) else None


def _ce_count(xp: Any, out: Any, x: Any, target: Any, weight: Any, **params: Any) -> int | None:
    return len(_rows(value(x), value(target))[1]) if _plain(x, target, weight, params) else None


class CrossEntropy(Op):
    """−Σ A·log softmax(x): one node, gradient (softmax(x)·ΣA − A), which is (softmax − onehot)/N by default."""

    name, text = "cross_entropy", "−mean log softmax($a)[$b]"
    latex = r"-\tfrac{1}{N}\sum_i \log \operatorname{softmax}($a)_{i,$b_i}"
    derivatives = (
        vjp("(softmax($a) − onehot($b))/N · g",
            r"\tfrac{1}{N}\left(\operatorname{softmax}($a) - \operatorname{onehot}($b)\right) g", _ce_grad_input,
            (("softmax($a)", r"\operatorname{softmax}($a)", _ce_probabilities),
             ("onehot($b)", r"\operatorname{onehot}($b)", _ce_targets), ("N", "N", _ce_count))),
        vjp("−log softmax($a)/N · g", r"-\tfrac{1}{N}\log \operatorname{softmax}($a)\, g", _ce_grad_target),
        None,
    )
    forward = staticmethod(_ce_forward)
    saves = True


def _nll_forward(x: np.ndarray, target: np.ndarray, weight: np.ndarray | None, ignore_index: int | None,
                 reduction: str) -> np.ndarray:
    x2, t2 = _rows(x, target)
    a = _coefficients(x2, t2, weight, ignore_index, 0.0, reduction)
    return _reduce(-np.einsum("ij,ij->i", a, x2), reduction, x.ndim).astype(x.dtype, copy=False)


def _nll_grad(xp: Any, g: Any, out: Any, x: Any, target: Any, weight: Any, *, ignore_index: int | None,
              reduction: str) -> Any:
    xv, tv = _rows(value(x), value(target))
    a = _coefficients(xv, tv, value(weight), ignore_index, 0.0, reduction)
    grad = -a * _upstream(xp, g, x, reduction)
    return grad if x.ndim == 2 else xp.reshape(grad, x.shape)


class NllLoss(Op):
    """−mean of the log-probabilities picked by the targets: the gradient is −onehot/N."""

    name, text, latex = "nll_loss", "−mean $a[$b]", r"-\tfrac{1}{N}\sum_i $a_{i,$b_i}"
    derivatives = (vjp("−onehot($b)/N · g", r"-\tfrac{1}{N}\operatorname{onehot}($b)\, g", _nll_grad), None, None)
    forward = staticmethod(_nll_forward)


def _scale(n: int, reduction: str) -> float:
    return 1.0 / n if reduction == "mean" and n else 1.0


def _reduce_elementwise(loss: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        return np.asarray(loss.mean(), dtype=loss.dtype)
    return np.asarray(loss.sum(), dtype=loss.dtype) if reduction == "sum" else loss


def _numel(a: Any, b: Any) -> int:
    return int(np.prod(np.broadcast_shapes(a.shape, b.shape)))


def _mse_grad(sign: int):
    """±2(a − b)/N · g, summed back to the input's shape."""

    def fn(xp: Any, g: Any, out: Any, a: Any, b: Any, reduction: str) -> Any:
        d = (a - b) if sign > 0 else (b - a)
        return sum_to(xp, d * (2 * _scale(_numel(a, b), reduction) * g), (a if sign > 0 else b).shape)

    return fn


class MseLoss(Op):
    """mean((a − b)²) in one node: gradient 2(a − b)/N, the first formula of every backprop article."""

    name, text, latex = "mse_loss", "mean(($a − $b)²)", r"\tfrac{1}{N}\sum ($a - $b)^2"
    derivatives = (vjp("2($a − $b)/N · g", r"\tfrac{2}{N}($a - $b)\, g", _mse_grad(1)),
                   vjp("−2($a − $b)/N · g", r"-\tfrac{2}{N}($a - $b)\, g", _mse_grad(-1)))

    @staticmethod
    def forward(a: np.ndarray, b: np.ndarray, reduction: str) -> np.ndarray:
        d = a - b
        return _reduce_elementwise(d * d, reduction)


def _bce_logits_forward(x: np.ndarray, y: np.ndarray, weight: np.ndarray | None, pos_weight: np.ndarray | None,
                        reduction: str) -> np.ndarray:
    softplus_neg = np.logaddexp(0, -x)  # ln(1 + e^−x) without overflow
    if pos_weight is None:
        loss = (1 - y) * x + softplus_neg
    else:
        loss = (1 - y) * x + (1 + (pos_weight - 1) * y) * softplus_neg
    if weight is not None:
        loss = loss * weight
    return _reduce_elementwise(loss.astype(x.dtype, copy=False), reduction)


def _spread(xp: Any, d: Any, g: Any, weight: Any, x: Any, y: Any, shape: tuple, reduction: str) -> Any:
    """The BCE losses' gradient from its elementwise part `d`: weighted, scaled by the reduction, unbroadcast."""
    if weight is not None:
        d = d * value(weight)
    return sum_to(xp, d * (_scale(_numel(x, y), reduction) * g), shape)


def _bce_logits_grad_input(xp: Any, g: Any, out: Any, x: Any, y: Any, weight: Any, pos_weight: Any, *,
                    reduction: str) -> Any:
    s = xp.sigmoid(x)
    if pos_weight is None:
        d = s - y
    else:
        d = (1 - y) - (1 + (value(pos_weight) - 1) * y) * (1 - s)
    return _spread(xp, d, g, weight, x, y, x.shape, reduction)


def _bce_logits_grad_target(xp: Any, g: Any, out: Any, x: Any, y: Any, weight: Any, pos_weight: Any, *,
                     reduction: str) -> Any:
    d = -x if pos_weight is None else (value(pos_weight) - 1) * xp.softplus(-x) - x
    return _spread(xp, d, g, weight, x, y, y.shape, reduction)


class BinaryCrossEntropyWithLogits(Op):
    """−[y ln σ(x) + (1−y) ln(1−σ(x))] from the logit, stably: gradient (σ(x) − y)/N."""

    name, text, latex = ("binary_cross_entropy_with_logits", "−mean[$b ln σ($a) + (1−$b) ln(1−σ($a))]",
                         r"-\tfrac{1}{N}\sum $b \ln\sigma($a) + (1-$b)\ln(1-\sigma($a))")
    derivatives = (
        vjp("(σ($a) − $b)/N · g", r"\tfrac{1}{N}(\sigma($a) - $b)\, g", _bce_logits_grad_input),
        vjp("−$a/N · g", r"-\tfrac{1}{N} $a \, g", _bce_logits_grad_target),
        None,
        None,
    )
    forward = staticmethod(_bce_logits_forward)


# ---------------------------------------------------------------------------------------- function forms


def _check_reduction(op: str, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _class_targets(op: str, x: Any, target: Any, weight: Any) -> None:
    xs, ts = tuple(x.shape), tuple(target.shape)
    if len(xs) not in (1, 2):
        raise ValueError(f"{op}: input must be (C,), (N, C) or (N, C, d1, ...) logits, got shape {list(xs)}")
    c = xs[-1]
    kind = value(target).dtype.kind
    if kind == "f":
        if ts != xs:
            raise ValueError(f"{op}: probability targets must have the input's shape {list(xs)}, got {list(ts)}")
    elif kind not in "iu":
        raise TypeError(f"{op}: target must be class indices (integers) or probabilities (floats), got "
                        f"{value(target).dtype}")
    elif ts != xs[:-1]:
        raise ValueError(f"{op}: expected target of shape {list(xs[:-1])} for input of shape {list(xs)} "
                         f"(one class index per sample), got {list(ts)}")
    if weight is not None and tuple(weight.shape) != (c,):
        raise ValueError(f"{op}: weight must have one entry per class, shape [{c}], got {list(weight.shape)}")


def _ignored(op: str, target: np.ndarray, c: int, ignore_index: int) -> int | None:
    """Check every class index is in [0, C) or ignore_index; the ignore_index to record, None if none occurs."""
    if target.dtype.kind == "f" or not target.size:
        return None if target.dtype.kind != "f" else ignore_index
    # seen as unsigned integers, negative indices are huge: one max() checks both ends of [0, C)
    if np.maximum.reduce(target.view(_UNSIGNED[target.dtype.itemsize]), None) < c:
        return ignore_index if 0 <= ignore_index < c and (target == ignore_index).any() else None
    t = target[target != ignore_index]
    if t.size and (t.min() < 0 or t.max() >= c):
        bad = int(t.min() if t.min() < 0 else t.max())
        raise IndexError(f"{op}: target {bad} is out of bounds for {c} classes (valid: 0..{c - 1}"
                         f"{f' or ignore_index={ignore_index}' if ignore_index != -100 else ''})")
    return ignore_index


_UNSIGNED = {n: np.dtype(f"u{n}") for n in (1, 2, 4, 8)}


def _spatial(op: str, fn: Any, input: Any, target: Any, reduction: str, **options: Any) -> Any:  # noqa: A002
    """(N, C, d1, ...) inputs: the class axis moved last and every position made a sample of (N·d1·..., C)."""
    n, c, rest = input.shape[0], input.shape[1], tuple(input.shape[2:])
    last = (0, *range(2, input.ndim), 1)
    probabilities = value(target).dtype.kind == "f"
    want = (n, c, *rest) if probabilities else (n, *rest)
    if tuple(target.shape) != want:
        raise ValueError(f"{op}: expected target of shape {list(want)} for input of shape {list(input.shape)}, got "
                         f"{list(target.shape)}")
    flat_target = reshape(permute(target, last), (-1, c)) if probabilities else np.asarray(value(target)).reshape(-1)
    loss = fn(reshape(permute(input, last), (-1, c)), flat_target, reduction=reduction, **options)
    return reshape(loss, (n, *rest)) if reduction == "none" else loss


def cross_entropy(input: Any, target: Any, weight: Any = None, ignore_index: int = -100,  # noqa: A002
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Any:
    """Cross-entropy of logits (C,), (N, C) or (N, C, d1, ...) against class indices or class probabilities."""
    if input.ndim > 2:
        return _spatial("cross_entropy", cross_entropy, input, target, reduction, weight=weight,
                        ignore_index=ignore_index, label_smoothing=label_smoothing)
    _check_reduction("cross_entropy", reduction)
    _class_targets("cross_entropy", input, target, weight)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    ignore_index = _ignored("cross_entropy", np.asarray(value(target)), input.shape[-1], ignore_index)
    return apply(CrossEntropy, input, target, weight, ignore_index=ignore_index, label_smoothing=label_smoothing,
                 reduction=reduction)


def nll_loss(input: Any, target: Any, weight: Any = None, ignore_index: int = -100,  # noqa: A002
             reduction: str = "mean") -> Any:
    """Negative log-likelihood of log-probabilities (C,), (N, C) or (N, C, d1, ...) at class indices."""
    if input.ndim > 2 and value(target).dtype.kind != "f":
        return _spatial("nll_loss", nll_loss, input, target, reduction, weight=weight, ignore_index=ignore_index)
    _check_reduction("nll_loss", reduction)
    _class_targets("nll_loss", input, target, weight)
    if value(target).dtype.kind == "f":
        raise TypeError("nll_loss: target must be class indices (integers); for probabilities use cross_entropy")
    ignore_index = _ignored("nll_loss", np.asarray(value(target)), input.shape[-1], ignore_index)
    return apply(NllLoss, input, target, weight, ignore_index=ignore_index, reduction=reduction)


def _same_shape(op: str, a: Any, b: Any) -> None:
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(f"{op}: input shape {list(a.shape)} and target shape {list(b.shape)} differ; reshape the "
                         f"target (e.g. y.reshape({list(a.shape)})) so they match, instead of relying on broadcasting")


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Any:  # noqa: A002
    """Mean (or sum) of squared differences."""
    _check_reduction("mse_loss", reduction)
    _same_shape("mse_loss", input, target)
    return apply(MseLoss, input, target, reduction=reduction)


def binary_cross_entropy_with_logits(input: Any, target: Any, weight: Any = None,  # noqa: A002
                                     reduction: str = "mean", pos_weight: Any = None) -> Any:
    """Binary cross-entropy of logits, computed without ever forming σ(x) (stable for any x)."""
    _check_reduction("binary_cross_entropy_with_logits", reduction)
    _same_shape("binary_cross_entropy_with_logits", input, target)
    return apply(BinaryCrossEntropyWithLogits, input, target, weight, pos_weight, reduction=reduction)


def _clamped_log(xp: Any, p: Any) -> Any:
    """ln p, but never below −100 (PyTorch's clamp, so p = 0 or 1 gives a finite loss); no log(0) computed."""
    pv = value(p)
    ok = pv > np.exp(-100.0)
    return xp.where(ok, xp.log(xp.where(ok, p, 1.0)), -100.0)


def _bce_forward(p: np.ndarray, y: np.ndarray, weight: np.ndarray | None, reduction: str) -> np.ndarray:
    loss = -(y * _clamped_log(_NP, p) + (1 - y) * _clamped_log(_NP, 1 - p))
    if weight is not None:
        loss = loss * weight
    return _reduce_elementwise(loss.astype(p.dtype, copy=False), reduction)


def _bce_grad_input(xp: Any, g: Any, out: Any, p: Any, y: Any, weight: Any, *, reduction: str) -> Any:
    d = (p - y) / xp.where(value(p) * (1 - value(p)) > 1e-12, p * (1 - p), 1e-12)
    return _spread(xp, d, g, weight, p, y, p.shape, reduction)


def _bce_grad_target(xp: Any, g: Any, out: Any, p: Any, y: Any, weight: Any, *, reduction: str) -> Any:
    d = _clamped_log(xp, 1 - p) - _clamped_log(xp, p)
    return _spread(xp, d, g, weight, p, y, y.shape, reduction)


class BinaryCrossEntropy(Op):
    """−[y ln p + (1−y) ln(1−p)] of probabilities: gradient (p − y)/(p(1−p)N), logs clamped at −100."""

    name, text, latex = ("binary_cross_entropy", "−mean[$b ln $a + (1−$b) ln(1−$a)]",
                         r"-\tfrac{1}{N}\sum $b \ln $a + (1-$b)\ln(1-$a)")
    derivatives = (
        vjp("($a − $b)/($a(1−$a)N) · g", r"\frac{$a - $b}{$a(1-$a)N}\, g", _bce_grad_input),
        vjp("ln((1−$a)/$a)/N · g", r"\tfrac{1}{N}\ln\frac{1-$a}{$a}\, g", _bce_grad_target),
        None,
    )
    forward = staticmethod(_bce_forward)


def binary_cross_entropy(input: Any, target: Any, weight: Any = None, reduction: str = "mean") -> Any:  # noqa: A002
    """Binary cross-entropy of probabilities in [0, 1] (prefer the _with_logits form: it is stable)."""
    _check_reduction("binary_cross_entropy", reduction)
    _same_shape("binary_cross_entropy", input, target)
    p = np.asarray(value(input))
    if p.size and not (p.min() >= 0 and p.max() <= 1):  # (NaN fails both comparisons: refused too, as in PyTorch)
        raise RuntimeError("binary_cross_entropy: all elements of input should be between 0 and 1 (probabilities; "
                           f"got values in [{p.min()}, {p.max()}]); pass logits to binary_cross_entropy_with_logits "
                           "instead")
    return apply(BinaryCrossEntropy, input, target, weight, reduction=reduction)
