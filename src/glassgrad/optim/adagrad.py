"""Adagrad (torch.optim.Adagrad): each weight's rate shrinks with the sum of its squared gradients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from glassgrad.optim.optimizer import Optimizer, check_hyperparameters, count_step, scalar, zeros_state


class Adagrad(Optimizer):
    """G ← G + g², p ← p − lr/(1 + (t−1)·decay) · g/(√G + ε)."""

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10, *, maximize: bool = False) -> None:
        check_hyperparameters(learning_rate=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                              initial_accumulator_value=initial_accumulator_value, epsilon=eps)
        super().__init__(params, {"lr": lr, "lr_decay": lr_decay, "weight_decay": weight_decay,
                                  "initial_accumulator_value": initial_accumulator_value, "eps": eps,
                                  "maximize": maximize})
        for group in self.param_groups:  # PyTorch creates Adagrad's state eagerly
            for p in group["params"]:
                self.state[p] = {"step": scalar(0), "sum": zeros_state(p._data, group["initial_accumulator_value"])}

    def _update(self, group: dict[str, Any]) -> None:
        lr, lr_decay, wd, eps, maximize = (group[k] for k in ("lr", "lr_decay", "weight_decay", "eps", "maximize"))
        for p, w, g in self._updated(group):
            s = self._buffer(p)
            state = self.state[p]
            step = count_step(state)
            if maximize:
                g = -g
            if wd:
                g = g + wd * w
            clr = lr / (1 + (step - 1) * lr_decay)
            total = state["sum"]._data
            np.multiply(g, g, out=s)
            total += s
            np.sqrt(total, out=s)
            s += eps
            np.divide(g, s, out=s)
            s *= clr
            w -= s


