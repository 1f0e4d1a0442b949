"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay (torch.optim.SGD)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from glassgrad.optim.optimizer import Optimizer, check_hyperparameters
from glassgrad.tensor import _make


class SGD(Optimizer):
    """p ← p − lr·d, d = g + wd·p, then with momentum b ← μ·b + (1−τ)·d and d = b (or d + μ·b, Nesterov)."""

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False, *, maximize: bool = False) -> None:
        check_hyperparameters(learning_rate=lr, momentum=momentum, weight_decay=weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize})

    def _update(self, group: dict[str, Any]) -> None:
        # Temporaries, not a persistent scratch array: malloc hands back memory just freed (still in cache), where
        # a scratch array the size of the weights has gone cold by the next step (BENCHMARKS.md, bench/mlp.py).
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        wd, nesterov, maximize = group["weight_decay"], group["nesterov"], group["maximize"]
        for p, w, d in self._updated(group):
            if maximize:
                d = -d
            if wd:
                d = d + w * wd
            if momentum:
                state = self.state.setdefault(p, {})
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = np.array(d, copy=True)
                    state["momentum_buffer"] = _make(buf, False)
                else:
                    buf = buf._data
                    buf *= momentum
                    buf += d if dampening == 0 else (1 - dampening) * d
                d = d + momentum * buf if nesterov else buf
            np.subtract(w, d * lr, out=w)
