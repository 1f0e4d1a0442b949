"""Explanations of gradients: how each one was computed, step by step, path by path, layer by layer."""

from __future__ import annotations

from typing import Any

from glassgrad.autograd import record_sites
from glassgrad.explain.derivation import Derivation
from glassgrad.explain.through_time import TimeGradients, bptt
from glassgrad.explain.trace import Trace
from glassgrad.tensor import Tensor


def explain(output: Tensor, gradient: Any = None, *, precision: int = 4, accumulate: bool = True,
            model: Any = None, names: bool = True) -> Trace:
    """Run the backward pass of `output` and keep every step of it (gradients land in `.grad`, as backward's do).

    `precision`: significant digits of the numbers shown. `accumulate=False` leaves every `.grad` untouched.
    `model`: an nn.Module whose parameter names ('0.weight') label its unnamed parameters and layers.
    `names=False`: no labels from the caller's variables (an unnamed tensor bound to `x` is labelled x, not x1).
    The graph is retained, so `output.backward()` still works afterwards.
    """
    return Trace(output, gradient, precision, accumulate, model, names)


explain.record = record_sites  # `with gg.explain.record():` makes each node remember the line that created it
explain.bptt = bptt  # `gg.explain.bptt(models, x)`: ‖∂L/∂h_t‖ per time step of recurrent models

__all__ = ["Derivation", "TimeGradients", "Trace", "bptt", "explain", "record_sites"]
