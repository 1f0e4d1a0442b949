"""Check analytic gradients against central finite differences in float64."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from glassgrad import autograd
from glassgrad.tensor import Tensor, _make


class GradcheckError(RuntimeError):
    """A gradient that disagrees with finite differences; the message holds both Jacobians."""


def _outputs(fn: Callable, inputs: Sequence[Tensor]) -> list[Tensor]:
    out = fn(*inputs)
    return [out] if isinstance(out, Tensor) else [o for o in out if isinstance(o, Tensor)]


def numerical_jacobian(fn: Callable, inputs: Sequence[Tensor], i: int, out_index: int, eps: float) -> np.ndarray:
    """d out / d inputs[i] by central differences: one column per input element."""
    x = inputs[i]
    base = _outputs(fn, inputs)[out_index]._data
    jac = np.zeros((base.size, x._data.size))
    flat = x._data.flat  # writes through to the input whatever its layout (reshape would copy a strided one)
    for k in range(x._data.size):
        orig = flat[k].copy()
        flat[k] = orig + eps
        plus = np.array(_outputs(fn, inputs)[out_index]._data, dtype=np.float64)
        flat[k] = orig - eps
        minus = np.array(_outputs(fn, inputs)[out_index]._data, dtype=np.float64)
        flat[k] = orig
        jac[:, k] = ((plus - minus) / (2 * eps)).reshape(-1)
    return jac


def analytical_jacobian(fn: Callable, inputs: Sequence[Tensor], i: int, out_index: int) -> np.ndarray:
    """d out / d inputs[i] from backward: one row per output element (one backward pass each)."""
    out = _outputs(fn, inputs)[out_index]
    jac = np.zeros((out._data.size, inputs[i]._data.size))
    if not out.requires_grad:
        return jac
    for r in range(out._data.size):
        seed = np.zeros(out._data.size)
        seed[r] = 1.0
        (g,) = autograd.grad(out, inputs[i], _make(seed.reshape(out.shape).astype(out.dtype), False),
                             retain_graph=True, allow_unused=True)
        if g is not None:
            jac[r] = g._data.reshape(-1)
    return jac


def gradcheck(fn: Callable, inputs: Sequence[Any], eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True) -> bool:
    """True when every analytic Jacobian matches central differences; else a report naming output and input."""
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    for t in inputs:
        if isinstance(t, Tensor) and t.requires_grad and t.dtype != np.float64:
            raise GradcheckError(f"gradcheck needs float64 inputs for meaningful differences, got {t.dtype}; "
                                 "create them with dtype=glassgrad.float64")
    n_out = len(_outputs(fn, inputs))
    for o in range(n_out):
        for i, x in enumerate(inputs):
            if not (isinstance(x, Tensor) and x.requires_grad):
                continue
            num = numerical_jacobian(fn, inputs, i, o, eps)
            ana = analytical_jacobian(fn, inputs, i, o)
            if not np.allclose(ana, num, atol=atol, rtol=rtol, equal_nan=False):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {o} with respect to input {i},\n"
                    f"numerical:{np.array2string(num, precision=6)}\nanalytical:{np.array2string(ana, precision=6)}\n"
                    f"largest difference {np.max(np.abs(ana - num)):.3g}")
    return True


def gradgradcheck(fn: Callable, inputs: Sequence[Any], eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  raise_exception: bool = True, seed: int = 0) -> bool:
    """Check second derivatives: the gradient (made with create_graph) is itself checked with gradcheck."""
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    diff = [k for k, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    rng = np.random.default_rng(seed)
    outs = _outputs(fn, inputs)
    weights = [_make(rng.standard_normal(o.shape), False) for o in outs]

    def first_grads(*xs: Tensor) -> tuple:
        ys = [o for o in _outputs(fn, xs) if o.requires_grad]
        total = None
        for y, w in zip(ys, weights):
            term = (y * w).sum()
            total = term if total is None else total + term
        gs = autograd.grad(total, [xs[k] for k in diff], create_graph=True, allow_unused=True)
        return tuple(_make(np.zeros(xs[k].shape), False) if g is None else g for k, g in zip(diff, gs))

    return gradcheck(first_grads, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception)
