"""Matrix products: matmul (1-D, 2-D, batched) and the fused linear layer y = x·Wᵀ + b."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassgrad.autograd import apply
from glassgrad.ops.base import Op, scalar_type, sum_to, vjp, vjp_all


def _matmul_grad(which: int):
    """∂(A@B): G·Bᵀ for A, Aᵀ·G for B, with 1-D operands promoted to matrices and batch axes summed back."""

    def fn(xp: Any, g: Any, out: Any, a: Any, b: Any) -> Any:
        a2 = a if a.ndim > 1 else xp.reshape(a, (1,) + a.shape)
        b2 = b if b.ndim > 1 else xp.reshape(b, b.shape + (1,))
        g2 = g
        if b.ndim == 1:  # first, so that a 0-d g (1-D @ 1-D) becomes (1,) and then (1, 1)
            g2 = xp.expand_dims(g2, -1)
        if a.ndim == 1:
            g2 = xp.expand_dims(g2, -2)
        if which == 0:
            grad, target = xp.matmul(g2, xp.swapaxes(b2, -1, -2)), a2.shape
        else:
            grad, target = xp.matmul(xp.swapaxes(a2, -1, -2), g2), b2.shape
        grad = sum_to(xp, grad, target)
        return xp.reshape(grad, (a if which == 0 else b).shape)

    return fn


class Matmul(Op):
    name, text, latex = "matmul", "$a @ $b", "$a $b"
    forward = staticmethod(np.matmul)
    derivatives = (vjp("g·$bᵀ", r"g \, {$b}^T", _matmul_grad(0)), vjp("$aᵀ·g", r"{$a}^T g", _matmul_grad(1)))
    reads = ((1,), (0,))


def _rows(xp: Any, t: Any) -> Any:
    return t if t.ndim == 2 else xp.reshape(t, (-1, t.shape[-1]))


class Linear(Op):
    """x·Wᵀ + b in one node: the step of every layer, fused so a training step is one matmul each way."""

    name, text, latex = "linear", "$a·$bᵀ + $c", r"$a {$b}^T + $c"
    derivatives = (
        vjp("g·$b", r"g \, $b", lambda xp, g, out, x, w, b: xp.matmul(g, w)),
        vjp("gᵀ·$a", r"g^T $a", lambda xp, g, out, x, w, b: xp.matmul(xp.swapaxes(_rows(xp, g), 0, 1), _rows(xp, x))),
        vjp("Σ g over the batch", r"\textstyle\sum_{\text{batch}} g",
            lambda xp, g, out, x, w, b: sum_to(xp, xp.sum(_rows(xp, g), (0,)), b.shape)),
    )
    reads = ((1,), (0,), ())

    @staticmethod
    def forward(x: np.ndarray, w: np.ndarray, b: np.ndarray | None) -> np.ndarray:
        out = x @ w.T
        if b is not None:
            out += b
        return out


# PyTorch names dtypes in these messages by their C type (matmul) or ScalarType (linear)
_C_TYPE = {"float16": "c10::Half", "float32": "float", "float64": "double", "int8": "signed char",
           "int16": "short int", "int32": "int", "int64": "long int", "uint8": "unsigned char", "bool": "bool"}


def _same_dtype(x: Any, w: Any, what: str) -> None:
    """Matrix products never promote (PyTorch refuses float32 @ float64): say so, and what to convert."""
    dx, dw = x.dtype, w.dtype
    if dx == dw:
        return
    fix = "convert one side with .float() or .double()"
    if what == "matmul":
        msg = f"expected m1 and m2 to have the same dtype, but got: {_C_TYPE.get(dx.name, dx)} != " \
              f"{_C_TYPE.get(dw.name, dw)}"
    else:
        msg = (f"{what} and mat2 must have the same dtype, but got {scalar_type(dx)} and "
               f"{scalar_type(dw)}")
        fix = "convert the input with .to(layer.weight.dtype), or the layer with .double()/.float()"
    raise RuntimeError(f"{'matmul' if what == 'matmul' else 'linear'}: {msg} (shapes {list(x.shape)} and "
                       f"{list(w.shape)}); {fix}")


def _einsum_grads(xp: Any, g: Any, out: Any, *operands: Any, equation: str) -> list:
    """The gradient of each operand: g contracted with the other operands onto its subscripts (then broadcast over
    letters that appear in it alone)."""
    ins, target = equation.split("->")
    subs = ins.split(",")
    grads = []
    for k, sub in enumerate(subs):
        others = [(s, o) for i, (s, o) in enumerate(zip(subs, operands)) if i != k]
        present = set(target).union(*(set(s) for s, _ in others))
        kept = "".join(c for c in sub if c in present)
        gk = xp.einsum(",".join([target, *(s for s, _ in others)]) + "->" + kept, g, *(o for _, o in others))
        if kept != sub:
            ones = tuple(n if c in present else 1 for c, n in zip(sub, operands[k].shape))
            gk = xp.broadcast_to(xp.reshape(gk, ones), operands[k].shape)
        grads.append(gk)
    return grads


class Einsum(Op):
    name, text, latex = "einsum", "einsum($a, $b, …)", r"\operatorname{einsum}($a, $b, \dots)"
    derivatives = (vjp_all("g contracted with the other operands", r"\operatorname{einsum}(g, \dots)",
                           _einsum_grads),)

    @staticmethod
    def forward(*operands: np.ndarray, equation: str) -> np.ndarray:
        return np.einsum(equation, *operands)


def einsum(equation: str, *operands: Any) -> Any:
    """Explicit or implicit subscripts ('ij,jk->ik', 'ij,jk'); each operand's letters distinct (no diagonals)."""
    operands = tuple(operands[0]) if len(operands) == 1 and isinstance(operands[0], (list, tuple)) else operands
    eq = equation.replace(" ", "")
    if "->" not in eq:
        letters = eq.replace(",", "")
        eq += "->" + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    if "." in eq or any(len(set(s)) != len(s) for s in eq.split("->")[0].split(",")):
        raise NotImplementedError(f"einsum: {equation!r} uses '...' or a repeated letter in one operand "
                                  "(a diagonal), which glassgrad does not differentiate")
    return apply(Einsum, *operands, equation=eq)


def matmul(a: Any, b: Any) -> Any:
    _same_dtype(a, b, "matmul")
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"matmul: both arguments to matmul need to be at least 1D, but they are {a.ndim}D and "
                           f"{b.ndim}D")
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        sa = f"{a.shape[-2] if a.ndim > 1 else 1}x{k_a}"
        sb = f"{k_b}x{b.shape[-1] if b.ndim > 1 else 1}"
        raise RuntimeError(f"matmul: mat1 and mat2 shapes cannot be multiplied ({sa} and {sb}): shapes "
                           f"{list(a.shape)} @ {list(b.shape)}")
    return apply(Matmul, a, b)


def linear(x: Any, weight: Any, bias: Any = None) -> Any:
    if x.shape[-1] != weight.shape[-1]:
        raise RuntimeError(f"linear: input has {x.shape[-1]} features (shape {list(x.shape)}) but weight expects "
                           f"{weight.shape[-1]} (weight shape {list(weight.shape)}, i.e. out_features x in_features)")
    _same_dtype(x, weight, "mat1")
    if bias is not None:
        _same_dtype(bias, weight, "self")
    return apply(Linear, x, weight, bias)
