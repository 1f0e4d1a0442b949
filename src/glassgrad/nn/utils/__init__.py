"""torch.nn.utils' gradient clipping and flat parameter vectors; `rnn` holds pad_sequence."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from glassgrad.functional import cat
from glassgrad.nn.utils import rnn  # noqa: F401 - nn.utils.rnn.pad_sequence, as in PyTorch
from glassgrad.tensor import Tensor, _make


def _tensors(parameters: Any) -> list[Tensor]:
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def clip_grad_norm_(parameters: Any, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach: Any = None) -> Tensor:
    """Scale every gradient by max_norm/(total norm + 1e-6) when the norm of all of them together is larger;
    returns that total norm (before clipping), as PyTorch does."""
    grads = [p.grad for p in _tensors(parameters) if p.grad is not None]
    if not grads:
        return _make(np.asarray(0.0, dtype=np.float32), False)
    dtype = grads[0].dtype
    p = float(norm_type)
    if math.isinf(p):
        total = max(float(np.max(np.abs(g._data))) if g.numel() else 0.0 for g in grads)
    else:
        total = sum(float(np.sum(np.abs(g._data.astype(np.float64)) ** p)) for g in grads) ** (1.0 / p)
    total = np.asarray(total, dtype=dtype)  # PyTorch computes the norm in the gradients' dtype
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so "
                           "it cannot be clipped. To disable this error and scale the gradients by the non-finite "
                           "norm anyway, set `error_if_nonfinite=False`")
    coef = np.minimum(np.asarray(max_norm, dtype=dtype) / (total + np.asarray(1e-6, dtype=dtype)), 1.0)
    for g in grads:
        g._data *= coef.astype(g.dtype)
        g._version[0] += 1
    return _make(total, False)


def clip_grad_value_(parameters: Any, clip_value: float, foreach: Any = None) -> None:
    """Clamp every gradient element into [−clip_value, clip_value], in place."""
    for p in _tensors(parameters):
        if p.grad is not None:
            np.clip(p.grad._data, -clip_value, clip_value, out=p.grad._data)
            p.grad._version[0] += 1


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and joined into one vector (differentiable, as in PyTorch)."""
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of `vec` into the parameters (the inverse of parameters_to_vector)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected glassgrad.Tensor, but got: {type(vec).__name__}")
    start = 0
    for p in parameters:
        n = p.numel()
        p._data[...] = vec._data[start:start + n].reshape(p.shape)
        p._version[0] += 1
        start += n
