"""Adadelta (torch.optim.Adadelta): step sizes from running averages of squared gradients and squared updates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from glassgrad.optim.optimizer import Optimizer, check_hyperparameters, count_step, scalar, zeros_state


class Adadelta(Optimizer):
    """v ← ρv + (1−ρ)g², Δ = √(u + ε)/√(v + ε)·g, u ← ρu + (1−ρ)Δ², p ← p − lr·Δ."""

    def __init__(self, params: Iterable[Any], lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0.0, *, maximize: bool = False) -> None:
        check_hyperparameters(learning_rate=lr, epsilon=eps, weight_decay=weight_decay)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        super().__init__(params, {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                                  "maximize": maximize})

    def _update(self, group: dict[str, Any]) -> None:
        lr, rho, eps, wd, maximize = (group[k] for k in ("lr", "rho", "eps", "weight_decay", "maximize"))
        for p, w, g in self._updated(group):
            state = self.state.setdefault(p, {})
            if not state:
                state.update(step=scalar(0), square_avg=zeros_state(w), acc_delta=zeros_state(w))
            count_step(state)
            if maximize:
                g = -g
            if wd:
                g = g + wd * w
            v, u = state["square_avg"]._data, state["acc_delta"]._data
            v *= rho
            v += (1 - rho) * g * g
            delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
            u *= rho
            u += (1 - rho) * delta * delta
            w -= lr * delta
