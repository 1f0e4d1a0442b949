"""The LSTM cell as one op: four gates and the cell update in one node, with the gates' gradients as a formula.

Composed of sigmoid, tanh, products and slices, a step is ~14 nodes; fused it is one, whose backward is the
textbook set: with dc' = g_c + g_h·o·(1 − tanh²c'), the gate pre-activations get dc'·ĝ·i(1−i) (input),
dc'·c·f(1−f) (forget), dc'·i·(1−ĝ²) (candidate) and g_h·tanh(c')·o(1−o) (output); the old cell gets dc'·f, a
path with no squashing nonlinearity on it, which is why an LSTM's gradient survives many steps.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassgrad.autograd import apply
from glassgrad.ops.base import Op, vjp_all
from glassgrad.ops.xp import NUMPY


def _gates(xp: Any, xw: Any, hw: Any, c: Any) -> tuple:
    """i, f, ĝ, o and tanh(c') from the two halves of the pre-activations (PyTorch's gate order i, f, g, o)."""
    a = xw + hw
    n = c.shape[-1]
    part = lambda k: xp.getitem(a, (Ellipsis, slice(k * n, (k + 1) * n)))  # noqa: E731
    i, f, o = xp.sigmoid(part(0)), xp.sigmoid(part(1)), xp.sigmoid(part(3))
    g = xp.tanh(part(2))
    return i, f, g, o, xp.tanh(f * c + i * g)


def _lstm_cell(xw: np.ndarray, hw: np.ndarray, c: np.ndarray, save: bool = False) -> Any:
    i, f, g, o, t = saved = _gates(NUMPY, xw, hw, c)
    out = np.stack([o * t, f * c + i * g])
    return (out, saved) if save else out


def _lstm_grads(xp: Any, grad: Any, out: Any, xw: Any, hw: Any, c: Any, saved: Any = None) -> list:
    i, f, g, o, t = saved if saved is not None else _gates(xp, xw, hw, c)
    gh, gc = xp.getitem(grad, 0), xp.getitem(grad, 1)
    dc = gc + gh * o * (1 - t * t)
    da = xp.cat([dc * g * i * (1 - i), dc * c * f * (1 - f), dc * i * (1 - g * g), gh * t * o * (1 - o)], -1)
    return [da, da, dc * f]


class LstmCell(Op):
    """(h', c') stacked: c' = f·c + i·ĝ, h' = o·tanh(c'), the gates from the pre-activations $a + $b."""

    name, text = "lstm_cell", "(h', c') of the LSTM gates $a + $b and cell $c"
    latex = r"\operatorname{LSTM}($a + $b, $c)"
    derivatives = (vjp_all(
        "gates: dc'·ĝ·i(1−i), dc'·c·f(1−f), dc'·i·(1−ĝ²), g_h·tanh(c')·o(1−o) with dc' = g_c + g_h·o·(1−tanh²c'); "
        "cell: dc'·f", r"\delta_{i,f,g,o} \text{ and } \tfrac{\partial L}{\partial c'} f", _lstm_grads),)
    saves = True
    forward = staticmethod(_lstm_cell)


def lstm_cell(xw: Any, hw: Any, c: Any) -> tuple[Any, Any]:
    """One LSTM step from the input and hidden halves of the pre-activations and the old cell: (h', c')."""
    if xw.shape != hw.shape or xw.shape[-1] != 4 * c.shape[-1] or xw.shape[:-1] != c.shape[:-1]:
        raise RuntimeError(f"lstm_cell: gate pre-activations {list(xw.shape)} and {list(hw.shape)} must both be "
                           f"(batch, 4·hidden) for a cell state {list(c.shape)}")
    hc = apply(LstmCell, xw, hw, c)
    return hc[0], hc[1]
