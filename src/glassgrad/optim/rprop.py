"""Rprop (torch.optim.Rprop): per-weight steps that grow while the gradient keeps its sign and shrink when it flips."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from glassgrad.optim.optimizer import Optimizer, check_hyperparameters, count_step, scalar, zeros_state


class Rprop(Optimizer):
    """η ← η·η₊ (same sign as last step) or η·η₋ (sign flipped, and that step's gradient is skipped), clamped;
    p ← p − η·sign(g). Only the gradient's sign is used."""

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50.0), *, maximize: bool = False) -> None:
        check_hyperparameters(learning_rate=lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        super().__init__(params, {"lr": lr, "etas": tuple(etas), "step_sizes": tuple(step_sizes),
                                  "maximize": maximize})

    def _update(self, group: dict[str, Any]) -> None:
        (eta_minus, eta_plus), (low, high), maximize = group["etas"], group["step_sizes"], group["maximize"]
        for p, w, g in self._updated(group):
            state = self.state.setdefault(p, {})
            if not state:
                state.update(step=scalar(0), prev=zeros_state(w), step_size=zeros_state(w, group["lr"]))
            count_step(state)
            if maximize:
                g = -g
            prev, size = state["prev"]._data, state["step_size"]._data
            sign = np.sign(g * prev)
            factor = np.where(sign > 0, eta_plus, np.where(sign < 0, eta_minus, 1.0)).astype(w.dtype)
            size *= factor
            np.clip(size, low, high, out=size)
            g = np.where(sign < 0, 0, g).astype(w.dtype, copy=False)
            w -= np.sign(g) * size
            prev[...] = g
