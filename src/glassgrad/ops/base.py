"""The shape of an op table entry, and the two array namespaces its derivatives are written against.

Every op declares, in one class: its forward (NumPy), and for each input a `Derivative` whose formula is data
(text and LaTeX, for explanations) *and* code (a function of an array namespace `xp`). The engine runs that code
with `NUMPY` when it only needs numbers, and with `TENSOR` (glassgrad ops, recorded) when `create_graph=True`
asks for gradients that are themselves differentiable. One formula, three uses: backward, grad-of-grad, explain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)
class Derivative:
    """How the gradient reaches one input of an op.

    kind "local": `fn(xp, out, *inputs, **params)` is the elementwise local derivative ∂out/∂input; the engine
    multiplies it by the upstream gradient and sums back over broadcast axes. A 0/1 derivative (relu, clamp, where)
    may be a boolean mask: g times it is one pass, in g's dtype (explanations show it as numbers: `shown`).
    kind "vjp": `fn(xp, g, out, *inputs, **params)` is the vector-Jacobian product itself (for ops whose
    Jacobian is not diagonal: sums, matmul, reshapes, softmax).
    `text`/`latex` are templates: $a, $b, $c name the inputs, $out the output, $g the upstream gradient.
    `shows`: the formula's ingredients an explanation prints with their values, as (text, latex, fn(xp, out,
    *inputs, **params)): softmax(z) and onehot(y) of cross-entropy's (softmax(z) − onehot(y))/N; a fn returns None
    where the formula is not exact (then none are shown).
    """

    text: str
    latex: str
    fn: Callable[..., Any]
    kind: str = "local"
    shows: tuple[tuple[str, str, Callable[..., Any]], ...] = ()


def local(text: str, latex: str, fn: Callable[..., Any]) -> Derivative:
    return Derivative(text, latex, fn, "local")


def vjp(text: str, latex: str, fn: Callable[..., Any], shows: tuple = ()) -> Derivative:
    return Derivative(text, latex, fn, "vjp", shows)


def vjp_all(text: str, latex: str, fn: Callable[..., Any]) -> Derivative:
    """For ops with any number of inputs (cat, stack): `fn` returns the gradients of all of them at once."""
    return Derivative(text, latex, fn, "vjp_all")


class Op:
    """One entry of the op table. Subclasses set the class attributes; nothing is instantiated."""

    name: str = ""
    text: str = ""  # the forward as a formula template, e.g. "$a·$b"
    latex: str = ""
    derivatives: tuple[Derivative | None, ...] = ()  # one per input; None: not differentiable there
    needs_inputs: bool = True  # backward reads input values (so in-place changes to them are an error)
    reads: tuple[tuple[int, ...], ...] | None = None  # per derivative, the inputs it reads (None: all of them)
    needs_out: bool = False  # backward reads the output value
    # forward(..., save=True) returns (out, saved) when recording: intermediates backward would otherwise recompute
    # (cross-entropy's exponentials). Backward passes them to the derivatives as saved=; callers without them
    # (explanations, create_graph) leave saved=None and the formula recomputes.
    saves: bool = False
    differentiable: bool = True
    is_view: bool = False  # the output may share memory with input 0 (so they share a version counter)
    custom: bool = False  # made for a gg.autograd.Function subclass (its node is NameBackward, as in PyTorch)

    @staticmethod
    def forward(*arrays: Any, **params: Any) -> Any:
        raise NotImplementedError


def sum_to(xp: Any, x: Any, shape: tuple[int, ...]) -> Any:
    """Undo broadcasting: sum `x` down to `shape` (the one unbroadcast mechanism, used around every VJP)."""
    if x.shape == shape:
        return x
    lead = x.ndim - len(shape)
    ones = tuple(i + lead for i, n in enumerate(shape) if n == 1 and x.shape[i + lead] != 1)
    if not ones:  # only leading axes (a bias): the plain sum has the shape, a fresh array rather than a view
        return xp.sum(x, tuple(range(lead)))
    x = xp.sum(x, tuple(range(lead)) + ones, True)
    return xp.reshape(x, shape) if x.shape != shape else x


def reduced_axes(ndim: int, dim: Any) -> tuple[int, ...]:
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return tuple(sorted(d % ndim if ndim else 0 for d in dims))


def expand_reduced(xp: Any, g: Any, shape: tuple[int, ...], dim: Any, keepdim: bool) -> Any:
    """Spread a reduction's gradient back over the axes it reduced."""
    if not keepdim and len(shape):
        kept = list(shape)
        for d in reduced_axes(len(shape), dim):
            kept[d] = 1
        g = xp.reshape(g, tuple(kept))
    return xp.broadcast_to(g, shape)


def value(x: Any) -> Any:
    """The NumPy value of a tensor or array (masks and indices are constants in either namespace)."""
    return x if isinstance(x, (np.ndarray, np.generic)) else getattr(x, "_data", x)


def shown(local: Any, out: Any) -> Any:
    """A local derivative as explanations show it: a boolean mask becomes 0/1 in the output's dtype."""
    return np.asarray(local, dtype=np.result_type(out)) if np.result_type(local) == np.bool_ else local


_SCALAR_TYPE = {"float16": "Half", "float32": "Float", "float64": "Double", "int8": "Char", "int16": "Short",
                "int32": "Int", "int64": "Long", "uint8": "Byte", "bool": "Bool"}


def scalar_type(dtype: np.dtype) -> str:
    """A dtype as PyTorch's messages name it (its ScalarType: Float, Double, Long...)."""
    return _SCALAR_TYPE.get(np.dtype(dtype).name, str(dtype))
