"""Adamax (torch.optim.Adamax): Adam with the infinity norm of past gradients in place of their RMS."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from glassgrad.optim.optimizer import Optimizer, check_hyperparameters, count_step, scalar, zeros_state


class Adamax(Optimizer):
    """m ← β₁m + (1−β₁)g, u ← max(β₂u, |g| + ε), p ← p − lr/(1−β₁ᵗ) · m/u."""

    def __init__(self, params: Iterable[Any], lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, *, maximize: bool = False) -> None:
        check_hyperparameters(learning_rate=lr, epsilon=eps, weight_decay=weight_decay, beta0=betas[0],
                              beta1=betas[1])
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                                  "maximize": maximize})

    def _update(self, group: dict[str, Any]) -> None:
        lr, (beta1, beta2), eps, wd, maximize = (group[k] for k in ("lr", "betas", "eps", "weight_decay",
                                                                     "maximize"))
        for p, w, g in self._updated(group):
            state = self.state.setdefault(p, {})
            if not state:
                state.update(step=scalar(0), exp_avg=zeros_state(w), exp_inf=zeros_state(w))
            step = count_step(state)
            if maximize:
                g = -g
            if wd:
                g = g + wd * w
            m, u = state["exp_avg"]._data, state["exp_inf"]._data
            m += (g - m) * (1 - beta1)
            u *= beta2
            np.maximum(u, np.abs(g) + eps, out=u)
            w -= (lr / (1 - beta1**step)) * (m / u)
