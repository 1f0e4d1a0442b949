"""Custom ops (`gg.autograd.Function`): a class with forward(ctx, ...) and backward(ctx, grad) becomes an op.

Each Function subclass gets an op table entry of its own, made on its first call: named by the class, with the
formula "Name($a, $b)" and one 'vjp_all' derivative that calls the class's backward. So the engine records it
like any op, and explanations show it by its class name and the values backward computed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassgrad.autograd import apply, enable_grad, no_grad
from glassgrad.ops.base import Op, vjp_all
from glassgrad.tensor import Tensor, _make

_KEYS = "abcde"


class FunctionCtx:
    """What forward leaves for backward: saved tensors, which inputs need a gradient, any attribute you set."""

    needs_input_grad: tuple[bool, ...] = ()

    def save_for_backward(self, *tensors: Any) -> None:
        self._saved = tensors
        self._versions = tuple(t._version[0] if isinstance(t, Tensor) else None for t in tensors)

    @property
    def saved_tensors(self) -> tuple:
        for i, (t, v) in enumerate(zip(self._saved, self._versions)):
            if v is not None and t._version[0] != v:
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been modified by an inplace "
                    f"operation: saved tensor {i} of {self._name} is at version {t._version[0]}; expected version "
                    f"{v} instead. Replace the in-place operation by an out-of-place one, or .clone() it first.")
        return self._saved

    def mark_non_differentiable(self, *tensors: Any) -> None:
        pass  # outputs of a Function never carry a gradient back unless backward returns one

    def set_materialize_grads(self, value: bool) -> None:
        pass  # gradients reaching backward are always tensors here


class Function:
    """Subclass with static `forward(ctx, *inputs)` and `backward(ctx, grad_output)`; call `YourClass.apply(...)`.

    backward returns one gradient per forward input (None for inputs that need none or are not tensors).
    """

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Any) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args: Any) -> Tensor:
        ctx = FunctionCtx()
        ctx._name, ctx._saved, ctx._versions = f"{cls.__name__}Backward", (), ()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():
            out = cls.forward(ctx, *args)
        if not isinstance(out, Tensor):
            raise TypeError(f"{cls.__name__}.forward must return one Tensor (got {type(out).__name__}); a Function "
                            "with several outputs is not supported: split it into one Function per output")
        return apply(_op_of(cls, len(args)), *args, ctx=ctx, result=out._data)


_OPS: dict[tuple[type, int], type[Op]] = {}


def _op_of(cls: type[Function], n: int) -> type[Op]:
    """The op table entry of Function `cls` called with `n` inputs (made once)."""
    op = _OPS.get((cls, n))
    if op is None:
        args = ", ".join(f"${k}" for k in _KEYS[:n])
        op = _OPS[(cls, n)] = type(cls.__name__, (Op,), {
            "name": cls.__name__, "text": f"{cls.__name__}({args})",
            "latex": rf"\operatorname{{{cls.__name__}}}({args})",
            "derivatives": (vjp_all(f"{cls.__name__}.backward(g)", rf"\operatorname{{{cls.__name__}.backward}}(g)",
                                    lambda xp, g, out, *inputs, ctx, result: _backward(cls, ctx, g, inputs)),),
            "needs_inputs": False,  # backward reads what ctx saved (checked there), not the inputs
            "custom": True,
            "forward": staticmethod(lambda *arrays, ctx, result: result),
            "__module__": __name__,
        })
    return op


def _backward(cls: type[Function], ctx: FunctionCtx, g: Any, inputs: tuple) -> list:
    """Run the user's backward; with create_graph (g a tensor) it is recorded, so it can be differentiated again."""
    graph = isinstance(g, Tensor)
    with enable_grad() if graph else no_grad():
        grads = cls.backward(ctx, g if graph else _make(np.asarray(g), False))
    grads = grads if isinstance(grads, tuple) else (grads,)
    if len(grads) != len(inputs):
        raise RuntimeError(f"function {cls.__name__}Backward returned an incorrect number of gradients (expected "
                           f"{len(inputs)}, got {len(grads)})")
    out = []
    for i, (gi, a) in enumerate(zip(grads, inputs)):
        if gi is None or not isinstance(a, Tensor | np.ndarray):
            out.append(None)
            continue
        gi = gi if isinstance(gi, Tensor) else _make(np.asarray(gi), False)
        if tuple(gi.shape) != tuple(np.shape(a)):
            raise RuntimeError(f"Function {cls.__name__}Backward returned an invalid gradient at index {i} - got "
                               f"{list(gi.shape)} but expected shape compatible with {list(np.shape(a))}")
        out.append(gi if graph else gi._data)
    return out
