"""Adam and AdamW (torch.optim's formulas, including bias correction, amsgrad and decoupled weight decay)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from glassgrad.optim.optimizer import Optimizer, check_hyperparameters, count_step, scalar, zeros_state


class Adam(Optimizer):
    """m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − lr/(1−β₁ᵗ) · m/(√v/√(1−β₂ᵗ) + ε)."""

    decoupled = False

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        check_hyperparameters(learning_rate=lr, epsilon=eps, weight_decay=weight_decay, beta0=betas[0],
                              beta1=betas[1])
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                                  "amsgrad": amsgrad, "maximize": maximize})

    def _update(self, group: dict[str, Any]) -> None:
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        wd, amsgrad, maximize = group["weight_decay"], group["amsgrad"], group["maximize"]
        for p, w, g in self._updated(group):
            s = self._buffer(p)
            state = self.state.setdefault(p, {})
            if not state:
                state.update(step=scalar(0), exp_avg=zeros_state(w), exp_avg_sq=zeros_state(w))
                if amsgrad:
                    state["max_exp_avg_sq"] = zeros_state(w)
            step, m, v = count_step(state), state["exp_avg"]._data, state["exp_avg_sq"]._data
            if maximize:
                g = -g
            if wd and self.decoupled:
                w *= 1 - lr * wd
            elif wd:
                g = g + wd * w
            np.subtract(g, m, out=s)  # m.lerp_(g, 1 − β₁)
            s *= 1 - beta1
            m += s
            v *= beta2
            np.multiply(g, g, out=s)
            s *= 1 - beta2
            v += s
            if amsgrad:
                peak = state["max_exp_avg_sq"]._data
                np.maximum(peak, v, out=peak)
                v = peak
            step_size = lr / (1 - beta1**step)
            np.sqrt(v, out=s)
            s /= math.sqrt(1 - beta2**step)
            s += eps
            np.divide(m, s, out=s)
            s *= step_size
            w -= s


class AdamW(Adam):
    """Adam with decoupled weight decay: p ← p·(1 − lr·wd) before the Adam step (default wd = 0.01)."""

    decoupled = True

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
