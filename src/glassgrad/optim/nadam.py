"""NAdam and RAdam (torch.optim's formulas): Adam with Nesterov momentum, and Adam with a rectified warm-up."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from glassgrad.optim.optimizer import Optimizer, check_hyperparameters, count_step, scalar, zeros_state


def _moments(state: dict[str, Any], g: np.ndarray, beta1: float, beta2: float) -> tuple[np.ndarray, np.ndarray]:
    m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
    m += (g - m) * (1 - beta1)
    v *= beta2
    v += (1 - beta2) * g * g
    return m, v


class _AdamFamily(Optimizer):
    def __init__(self, params: Iterable[Any], lr: float, betas: tuple[float, float], eps: float,
                 weight_decay: float, decoupled_weight_decay: bool, **extra: Any) -> None:
        check_hyperparameters(learning_rate=lr, epsilon=eps, weight_decay=weight_decay, beta0=betas[0],
                              beta1=betas[1])
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                                  **extra, "decoupled_weight_decay": decoupled_weight_decay})

    def _decayed(self, group: dict[str, Any], w: np.ndarray, g: np.ndarray) -> np.ndarray:
        wd = group["weight_decay"]
        if wd and group["decoupled_weight_decay"]:
            w *= 1 - group["lr"] * wd
        elif wd:
            g = g + wd * w
        return g


class NAdam(_AdamFamily):
    """Adam whose step looks ahead along the momentum, with μₜ = β₁(1 − ½·0.96^(t·ψ)) (Dozat's schedule)."""

    def __init__(self, params: Iterable[Any], lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum_decay: float = 4e-3, *,
                 decoupled_weight_decay: bool = False) -> None:
        if momentum_decay < 0:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        super().__init__(params, lr, betas, eps, weight_decay, decoupled_weight_decay, momentum_decay=momentum_decay)

    def _update(self, group: dict[str, Any]) -> None:
        lr, (beta1, beta2), eps, psi = group["lr"], group["betas"], group["eps"], group["momentum_decay"]
        for p, w, g in self._updated(group):
            state = self.state.setdefault(p, {})
            if not state:
                state.update(step=scalar(0), mu_product=scalar(1), exp_avg=zeros_state(w), exp_avg_sq=zeros_state(w))
            step = count_step(state)
            g = self._decayed(group, w, g)
            mu = beta1 * (1 - 0.5 * 0.96 ** (step * psi))
            mu_next = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * psi))
            product = state["mu_product"]._data
            product *= mu  # a float32 product, as PyTorch keeps it
            m, v = _moments(state, g, beta1, beta2)
            denom = np.sqrt(v / (1 - beta2**step)) + eps
            w -= (lr * (1 - mu) / (1 - float(product))) * (g / denom)
            w -= (lr * mu_next / (1 - float(product) * mu_next)) * (m / denom)


class RAdam(_AdamFamily):
    """Adam with the variance of its adaptive rate rectified: plain momentum SGD until ρₜ > 5 (Liu et al.)."""

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, *, decoupled_weight_decay: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, decoupled_weight_decay)

    def _update(self, group: dict[str, Any]) -> None:
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        rho_inf = 2 / (1 - beta2) - 1
        for p, w, g in self._updated(group):
            state = self.state.setdefault(p, {})
            if not state:
                state.update(step=scalar(0), exp_avg=zeros_state(w), exp_avg_sq=zeros_state(w))
            step = count_step(state)
            g = self._decayed(group, w, g)
            m, v = _moments(state, g, beta1, beta2)
            bias2 = 1 - beta2**step
            corrected = m / (1 - beta1**step)
            rho_t = rho_inf - 2 * step * beta2**step / bias2
            if rho_t > 5:
                rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                w -= corrected * lr * (math.sqrt(bias2) / (np.sqrt(v) + eps)) * rect
            else:
                w -= corrected * lr
