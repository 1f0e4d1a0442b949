"""Matrix products: matmul (1-D, 2-D, batched) and the fused linear layer y = x·Wᵀ + b."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassgrad.autograd import apply
from glassgrad.ops import shape as S
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


# ------------------------------------------------------------------------------- inverses and determinants


def inv_array(a: np.ndarray) -> np.ndarray:
    """A⁻¹ for backward formulas, which need it at a singular matrix only for det's and log|det|'s gradient."""
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        why = "the gradient det(A)·A⁻ᵀ is computed through A⁻¹: glassgrad cannot differentiate it there"
        msg = f"det/logabsdet backward: the matrix of shape {list(a.shape)} is singular, where {why}"
        raise RuntimeError(msg) from None


def _inv_t(xp: Any, a: Any) -> Any:
    return xp.swapaxes(xp.inv(a), -1, -2)


def _per_matrix(xp: Any, v: Any) -> Any:
    """One number per matrix, as a (…, 1, 1) array that scales its matrix."""
    return xp.expand_dims(xp.expand_dims(v, -1), -1)


class Det(Op):
    name, text, latex = "det", "det($a)", r"\det($a)"
    derivatives = (vjp("g·det($a)·$a⁻ᵀ", r"g \det($a) \, {$a}^{-T}",
                       lambda xp, g, out, a: _per_matrix(xp, g * out) * _inv_t(xp, a)),)
    needs_out = True
    forward = staticmethod(np.linalg.det)


class LogAbsDet(Op):
    """log|det A|, slogdet's differentiable half (the sign is a constant where it is defined)."""

    name, text, latex = "logabsdet", "ln|det($a)|", r"\ln\lvert\det($a)\rvert"
    derivatives = (vjp("g·$a⁻ᵀ", r"g \, {$a}^{-T}", lambda xp, g, out, a: _per_matrix(xp, g) * _inv_t(xp, a)),)

    @staticmethod
    def forward(a: np.ndarray) -> np.ndarray:
        return np.linalg.slogdet(a)[1]


def _nonsingular(fn: Any) -> Any:
    """A factorising forward whose singular-matrix error says what PyTorch's says."""

    def forward(*arrays: np.ndarray) -> np.ndarray:
        try:
            return fn(*arrays)
        except np.linalg.LinAlgError:
            raise np.linalg.LinAlgError("the inversion could not be completed because the input matrix is "
                                        "singular") from None

    return staticmethod(forward)


class Inverse(Op):
    name, text, latex = "inverse", "$a⁻¹", "{$a}^{-1}"
    derivatives = (vjp("−$outᵀ·g·$outᵀ", r"-{$out}^T g \, {$out}^T",
                       lambda xp, g, out, a: -xp.matmul(xp.swapaxes(out, -1, -2),
                                                        xp.matmul(g, xp.swapaxes(out, -1, -2)))),)
    needs_inputs, needs_out = False, True
    forward = _nonsingular(np.linalg.inv)


def _solve_b(xp: Any, g: Any, a: Any) -> Any:
    return xp.solve(xp.swapaxes(a, -1, -2), g)


class Solve(Op):
    """X with A·X = B (B a stack of matrices), without forming A⁻¹."""

    name, text, latex = "solve", "$a⁻¹·$b", r"{$a}^{-1} $b"
    derivatives = (
        vjp("−($a⁻ᵀ·g)·$outᵀ", r"-({$a}^{-T} g) \, {$out}^T",
            lambda xp, g, out, a, b: sum_to(xp, -xp.matmul(_solve_b(xp, g, a), xp.swapaxes(out, -1, -2)), a.shape)),
        vjp("$a⁻ᵀ·g", r"{$a}^{-T} g", lambda xp, g, out, a, b: sum_to(xp, _solve_b(xp, g, a), b.shape)),
    )
    reads = ((0,), (0,))
    needs_out = True
    forward = _nonsingular(np.linalg.solve)


def _square(a: Any, op: str) -> None:
    if a.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions. (got shape {list(a.shape)})")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are {a.shape[-2]} by "
                           f"{a.shape[-1]} matrices (shape {list(a.shape)})")


def det(a: Any) -> Any:
    _square(a, "linalg.det")
    return apply(Det, a)


def logabsdet(a: Any) -> Any:
    _square(a, "linalg.slogdet")
    return apply(LogAbsDet, a)


def inverse(a: Any) -> Any:
    _square(a, "linalg.inv")
    return apply(Inverse, a)


def solve(a: Any, b: Any) -> Any:
    """PyTorch's linalg.solve: B is a (batch of) vector(s) when it is 1-D or has A's shape without the last axis."""
    _square(a, "linalg.solve")
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and tuple(b.shape) == tuple(a.shape[:-1]))
    b2 = S.unsqueeze(b, -1) if vector else b
    if b2.ndim < 2 or b2.shape[-2] != a.shape[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({a.shape[-2]}x{a.shape[-1]} and {'x'.join(map(str, b2.shape[-2:]))}) (shapes "
                           f"{list(a.shape)} and {list(b.shape)})")
    x = apply(Solve, a, b2)
    return S.squeeze(x, -1) if vector else x
