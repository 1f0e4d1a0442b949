"""RMSprop (torch.optim.RMSprop): divide by a running root-mean-square of the gradient."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from glassgrad.optim.optimizer import Optimizer, check_hyperparameters, count_step, scalar, zeros_state


class RMSprop(Optimizer):
    """v ← αv + (1−α)g², p ← p − lr·g/(√v + ε); `centered` subtracts the squared mean gradient from v."""

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False, *,
                 maximize: bool = False) -> None:
        check_hyperparameters(learning_rate=lr, epsilon=eps, momentum=momentum, weight_decay=weight_decay,
                              alpha=alpha)
        super().__init__(params, {"lr": lr, "alpha": alpha, "eps": eps, "weight_decay": weight_decay,
                                  "momentum": momentum, "centered": centered, "maximize": maximize})

    def _update(self, group: dict[str, Any]) -> None:
        lr, alpha, eps, wd = group["lr"], group["alpha"], group["eps"], group["weight_decay"]
        momentum, centered, maximize = group["momentum"], group["centered"], group["maximize"]
        for p, w, g in self._updated(group):
            s = self._buffer(p)
            state = self.state.setdefault(p, {})
            if not state:
                state.update(step=scalar(0), square_avg=zeros_state(w))
                if momentum > 0:
                    state["momentum_buffer"] = zeros_state(w)
                if centered:
                    state["grad_avg"] = zeros_state(w)
            count_step(state)
            if maximize:
                g = -g
            if wd:
                g = g + wd * w
            sq = state["square_avg"]._data
            sq *= alpha
            np.multiply(g, g, out=s)
            s *= 1 - alpha
            sq += s
            if centered:
                ga = state["grad_avg"]._data
                ga += (1 - alpha) * (g - ga)
                np.subtract(sq, ga * ga, out=s)
                np.sqrt(s, out=s)
            else:
                np.sqrt(sq, out=s)
            s += eps
            if momentum > 0:
                buf = state["momentum_buffer"]._data
                buf *= momentum
                buf += g / s
                np.multiply(buf, lr, out=s)
            else:
                np.divide(g, s, out=s)
                s *= lr
            w -= s
