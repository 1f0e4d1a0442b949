"""The backward walk's fast paths, checked against PyTorch: 0-d elementwise nodes (computed on NumPy scalars),
0-d leaf gradients (accumulated by item store), and edges that carry no gradient."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import glassgrad as gg
from glassgrad.autograd import apply
from glassgrad.ops.base import Op, local

F = torch.nn.functional

# (name, fn(module, x, y)): each uses 0-d x and y, through every elementwise op with a local derivative
CASES = {
    "add": lambda m, x, y: x + y,
    "sub": lambda m, x, y: x - y,
    "rsub": lambda m, x, y: 1 - x * y,
    "mul": lambda m, x, y: x * y,
    "div": lambda m, x, y: x / (y * y + 1),
    "rdiv": lambda m, x, y: 2 / (x * x + 1),
    "pow": lambda m, x, y: (x * x + 1) ** y,
    "pow const": lambda m, x, y: x**2 * y,
    "neg": lambda m, x, y: -x * y,
    "abs": lambda m, x, y: x.abs() * y,
    "exp": lambda m, x, y: x.exp() * y,
    "log": lambda m, x, y: (x * x + 1).log(),
    "log1p": lambda m, x, y: (x * x).log1p() * y,
    "sqrt": lambda m, x, y: (x * x + 1).sqrt(),
    "sin cos": lambda m, x, y: x.sin() * y.cos(),
    "tanh": lambda m, x, y: x.tanh() + y,
    "sigmoid": lambda m, x, y: x.sigmoid() * y,
    "relu": lambda m, x, y: m.relu(x) * y,
    "leaky_relu": lambda m, x, y: (F.leaky_relu(x, 0.1) if m is torch else gg.leaky_relu(x, 0.1)) * y,
    "gelu": lambda m, x, y: (F.gelu(x) if m is torch else gg.gelu(x)) * y,
    "softplus": lambda m, x, y: (F.softplus(x) if m is torch else gg.softplus(x)) * y,
    "clamp": lambda m, x, y: x.clamp(-0.5, 0.5) * y,
    "maximum": lambda m, x, y: m.maximum(x, y),
    "minimum tie": lambda m, x, y: m.minimum(x, x) * y,
    "where": lambda m, x, y: m.where(x > 0, x, y),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("x0, y0", [(0.7, -1.3), (0.0, 0.0), (-2.0, 0.5)])
@pytest.mark.parametrize("name", list(CASES))
def test_zero_dim_gradients_match_torch_and_accumulate(name: str, x0: float, y0: float, dtype: str) -> None:
    fn = CASES[name]
    gx, gy = (gg.tensor(v, dtype=getattr(gg, dtype), requires_grad=True) for v in (x0, y0))
    tx, ty = (torch.tensor(v, dtype=getattr(torch, dtype), requires_grad=True) for v in (x0, y0))
    for _ in range(2):  # the second backward accumulates into the existing .grad
        fn(gg, gx, gy).backward()
        fn(torch, tx, ty).backward()
    for g, t in ((gx, tx), (gy, ty)):
        assert (g.grad is None) == (t.grad is None)
        if g.grad is not None:
            assert type(g.grad._data) is np.ndarray and g.grad.dtype == g.dtype
            np.testing.assert_allclose(g.grad.data, t.grad.numpy(), rtol=1e-6, atol=1e-7)


def test_zero_dim_leaf_grad_is_an_array_that_zero_resets() -> None:
    x = gg.tensor(2.0, requires_grad=True)
    (x * 3).backward()
    assert type(x.grad._data) is np.ndarray and x.grad.item() == 3.0
    x.grad.zero_()
    (x * x).backward()
    assert x.grad.item() == 4.0


def test_hooks_and_retain_grad_on_zero_dim_nodes_match_torch() -> None:
    def run(m):
        x = m.tensor(2.0, requires_grad=True)
        h = x * 3
        h.retain_grad()
        h.register_hook(lambda g: g * 10)
        (h * h).backward()
        return h.grad.item(), x.grad.item()

    assert run(gg) == run(torch) == (120.0, 360.0)


class _ScaleBy(Op):
    """a·s with no gradient declared for s: an edge that carries none."""

    name = "scale_by"
    forward = staticmethod(np.multiply)
    derivatives = (local("s", "s", lambda xp, out, a, s: s), None)


def test_an_edge_without_gradient_does_not_hold_back_its_producer() -> None:
    w = gg.tensor([1.0, 2.0], requires_grad=True)
    w2 = w * 2  # reaches the loss twice: through _ScaleBy's undifferentiated input, and directly
    (apply(_ScaleBy, gg.tensor([3.0, 4.0], requires_grad=True), w2) + w2).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [2.0, 2.0])  # d(sum(2w))/dw; the other path contributes nothing
