"""gg.autograd.functional: Jacobians, Hessians and vector products of a function, torch.autograd.functional's API.

Built on `autograd.grad` (one reverse pass per output element for a Jacobian; the Hessian is the Jacobian of
the gradient, taken with create_graph=True), so every number comes from the op table's derivatives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from glassgrad.autograd import enable_grad, grad
from glassgrad.functional import stack
from glassgrad.tensor import Tensor, zeros, zeros_like


def _as_tuple(x: Any, what: str, fn: str) -> tuple[bool, tuple]:
    is_tuple = isinstance(x, (tuple, list))
    items = tuple(x) if is_tuple else (x,)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(f"The {what} given to {fn} must be either a Tensor or a tuple of Tensors but the value "
                            f"at index {i} has type {type(t).__name__}.")
    return is_tuple, items


def _inputs(inputs: Any, fn: str) -> tuple[bool, tuple]:
    """Fresh leaves that share the inputs' values (the caller's tensors get no .grad)."""
    is_tuple, ins = _as_tuple(inputs, "inputs", fn)
    return is_tuple, tuple(x.detach().requires_grad_() if x.dtype.kind == "f" else x.detach() for x in ins)


def _finish(t: Tensor, create_graph: bool) -> Tensor:
    return t if create_graph else t.detach()


def jacobian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode") -> Any:
    """∂func(inputs)/∂inputs, of shape output.shape + input.shape (tuples of them for tuples of either)."""
    in_tuple, ins = _inputs(inputs, "jacobian")
    with enable_grad():
        outs = func(*ins)
    out_tuple, outs = _as_tuple(outs, "outputs of the user-provided function", "jacobian")
    blocks = []
    for out in outs:
        rows: list[list] = [[] for _ in ins]
        flat = out.reshape(-1)
        for k in range(flat.numel()):
            gs = (grad(flat[k], ins, retain_graph=True, create_graph=create_graph, allow_unused=True)
                  if out.requires_grad else (None,) * len(ins))
            for j, g in enumerate(gs):
                if g is None and strict:
                    raise RuntimeError(f"The output of the user-provided function is independent of input {j}. "
                                       "This is not allowed in strict mode.")
                rows[j].append(zeros_like(ins[j]) if g is None else g)
        blocks.append(tuple(_finish(stack(r).reshape(tuple(out.shape) + tuple(x.shape)) if r else
                                    zeros(tuple(out.shape) + tuple(x.shape), dtype=x.dtype), create_graph)
                            for r, x in zip(rows, ins)))
    if not out_tuple:
        return blocks[0] if in_tuple else blocks[0][0]
    return tuple(b if in_tuple else b[0] for b in blocks)


def hessian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The matrix of second derivatives of a function with a single-element output."""
    in_tuple, ins = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*xs: Tensor) -> tuple:
        out = func(*xs)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise RuntimeError("The function given to hessian should return a single element Tensor")
        gs = grad(out, xs, create_graph=True, allow_unused=True)
        return tuple(zeros_like(x) if g is None else g for g, x in zip(gs, xs))

    h = jacobian(gradient, ins, create_graph, strict)
    return h if in_tuple else h[0][0]


def vjp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False) -> tuple:
    """(func(inputs), vᵀ·J): one reverse pass."""
    in_tuple, ins = _inputs(inputs, "vjp")
    with enable_grad():
        outs = func(*ins)
    out_tuple, outs_t = _as_tuple(outs, "outputs of the user-provided function", "vjp")
    vs = (v,) if isinstance(v, Tensor) or v is None else tuple(v)
    if v is None and any(o.numel() != 1 for o in outs_t):
        raise RuntimeError("The vector v can only be None if the user-provided function returns a single Tensor "
                           "with a single element.")
    live = [(o, w) for o, w in zip(outs_t, vs) if o.requires_grad]
    gs = grad([o for o, _ in live], ins, None if v is None else [w for _, w in live], create_graph=create_graph,
              allow_unused=True) if live else (None,) * len(ins)
    res = tuple(_finish(zeros_like(x) if g is None else g, create_graph) for g, x in zip(gs, ins))
    outs = tuple(_finish(o, create_graph) for o in outs_t)
    return (outs if out_tuple else outs[0]), (res if in_tuple else res[0])


def jvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False) -> tuple:
    """(func(inputs), J·v): the Jacobian applied to v (the tangent of each input)."""
    in_tuple, ins = _as_tuple(inputs, "inputs", "jvp")
    vs = (v,) if isinstance(v, Tensor) or v is None else tuple(v)
    if v is None and any(x.numel() != 1 for x in ins):
        raise RuntimeError("The vector v can only be None if the input to the user-provided function is a single "
                           "Tensor with a single element.")
    with enable_grad():
        outs = func(*ins)
    out_tuple, outs_t = _as_tuple(outs, "outputs of the user-provided function", "jvp")
    jac = jacobian(func, ins, create_graph, strict)
    jac = jac if out_tuple else (jac,)
    res = []
    for o, row in zip(outs_t, jac):
        total = zeros(tuple(o.shape), dtype=o.dtype)
        for block, x, w in zip(row, ins, vs):
            tangent = zeros_like(x) + 1 if w is None else w
            total = total + (block.reshape(o.numel(), x.numel()) @ tangent.reshape(-1)).reshape(tuple(o.shape))
        res.append(_finish(total, create_graph))
    outs = tuple(o.detach() for o in outs_t)
    return (outs if out_tuple else outs[0]), (tuple(res) if out_tuple else res[0])


def hvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False) -> tuple:
    """(func(inputs), H·v) for a single-element func."""
    in_tuple, ins = _as_tuple(inputs, "inputs", "hvp")
    vs = (v,) if isinstance(v, Tensor) else tuple(v)
    h = hessian(func, ins, create_graph, strict)
    res = []
    for i, x in enumerate(ins):
        total = zeros_like(x)
        for j, w in enumerate(vs):
            total = total + (h[i][j].reshape(x.numel(), -1) @ w.reshape(-1)).reshape(tuple(x.shape))
        res.append(_finish(total, create_graph))
    with enable_grad():
        out = func(*ins)
    return out.detach(), (tuple(res) if in_tuple else res[0])
