"""Backprop through time, step by step: ‖∂L/∂h_t‖ for every time step of a recurrent model, side by side.

The loss reads the last hidden state only, so every earlier step receives its gradient through the recurrence
alone: ∂L/∂h_{t−1} = ∂L/∂h_t · ∂h_t/∂h_{t−1}, one Jacobian per step back. A tanh RNN multiplies by W_hhᵀ·(1 − h_t²)
at each step and the norm decays geometrically (the vanishing gradient, over time as seed 004 shows it over
depth); an LSTM's cell carries the gradient along c_{t−1} = … + f·c_{t−1}, scaled by the forget gate alone.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import numpy as np

from glassgrad.autograd import grad
from glassgrad.explain.format import number
from glassgrad.functional import linear
from glassgrad.nn.recurrent import LSTMCell, RNNBase, _CellBase
from glassgrad.tensor import Tensor

BAR = 40  # characters of the longest bar in the text view


def _unroll(model: Any, x: Tensor) -> list[Tensor]:
    """The hidden state after each step of a one-layer, one-direction recurrent layer or cell, recorded."""
    if isinstance(model, RNNBase):
        if model.num_layers != 1 or model.bidirectional:
            raise ValueError("bptt: give a one-layer, one-direction RNN, LSTM or GRU (or a cell)")
        w_ih, w_hh, b_ih, b_hh = model._weights(0, "")
        state = model._initial(None, (1, x.shape[1], model.hidden_size), x, False)[0]
        hs = []
        for t in range(x.shape[0]):
            h, state = model._step(linear(x[t], w_ih, b_ih), state, w_hh, b_hh)
            hs.append(h)
        return hs
    if isinstance(model, _CellBase):
        hs, state = [], None
        for t in range(x.shape[0]):
            state = model(x[t], state)
            hs.append(state[0] if isinstance(model, LSTMCell) else state)
        return hs
    raise TypeError(f"bptt: expected an nn.RNN, LSTM, GRU or one of their cells, got {type(model).__name__}")


class TimeGradients:
    """`explain.bptt(...)`: per model, the norm of the gradient reaching each time step's hidden state."""

    def __init__(self, norms: dict[str, np.ndarray], precision: int = 4, vanishing: float = 1e-2,
                 exploding: float = 1e2) -> None:
        self.norms, self.precision = norms, precision
        self.steps = len(next(iter(norms.values())))
        self.vanishing, self.exploding = vanishing, exploding

    def ratio(self, name: str) -> float:
        """‖∂L/∂h_1‖ / ‖∂L/∂h_T‖: how much of the last step's gradient reaches the first step."""
        n = self.norms[name]
        return float(n[0] / n[-1]) if n[-1] else 0.0

    def verdict(self, name: str) -> str:
        r = self.ratio(name)
        if r < self.vanishing:
            return f"vanishing: step 1 receives {number(r, 2)}× the gradient of step {self.steps}"
        if r > self.exploding:
            return f"exploding: step 1 receives {number(r, 2)}× the gradient of step {self.steps}"
        return f"kept: step 1 receives {number(r, 2)}× the gradient of step {self.steps}"

    def lines(self) -> list[str]:
        names = list(self.norms)
        top = max(float(n.max()) for n in self.norms.values()) or 1.0
        floor = min(float(n[n > 0].min()) for n in self.norms.values() if (n > 0).any()) if top else 1.0
        span = np.log10(top / floor) or 1.0
        width = max(len(n) for n in names)
        out = [f"Backprop through time: ‖∂L/∂h_t‖ per step (L reads h_{self.steps} only; bars on a log scale)"]
        for t in range(self.steps):
            for k, name in enumerate(names):
                v = float(self.norms[name][t])
                bar = "█" * max(1, round(BAR * (np.log10(v / floor) / span))) if v > 0 else ""
                step = f"t={t + 1:<4d}" if k == 0 else " " * 6
                out.append(f"{step} {name:<{width}}  {number(v, self.precision):>10}  {bar}")
        out += ["", *(f"{name}: {self.verdict(name)}" for name in names)]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return f"<TimeGradients: {', '.join(self.norms)} over {self.steps} steps>"

    def to_markdown(self) -> str:
        return "```\n" + str(self) + "\n```\n"

    def to_html(self) -> str:
        """A table, one row per step, a bar per model (log scale), and the verdicts."""
        names = list(self.norms)
        top = max(float(n.max()) for n in self.norms.values()) or 1.0
        floor = min(float(n[n > 0].min()) for n in self.norms.values() if (n > 0).any()) if top else 1.0
        span = np.log10(top / floor) or 1.0
        colours = ("#c2410c", "#1d4ed8", "#15803d", "#7e22ce")
        head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
        rows = []
        for t in range(self.steps):
            cells = []
            for k, name in enumerate(names):
                v = float(self.norms[name][t])
                w = 100 * np.log10(v / floor) / span if v > 0 else 0
                cells.append(f"<td><span style='display:inline-block;height:0.8em;width:{max(w, 1):.0f}px;"
                             f"background:{colours[k % 4]}'></span> {html.escape(number(v, self.precision))}</td>")
            rows.append(f"<tr><th>t = {t + 1}</th>{''.join(cells)}</tr>")
        verdicts = "".join(f"<li>{html.escape(n)}: {html.escape(self.verdict(n))}</li>" for n in names)
        return (f"<table class='gg-bptt'><tr><th>step</th>{head}</tr>{''.join(rows)}</table>"
                f"<ul class='gg-bptt-verdicts'>{verdicts}</ul>")

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_dict(self) -> dict:
        return {"steps": self.steps, "models": {n: {"norms": [float(v) for v in self.norms[n]],
                                                    "ratio": self.ratio(n), "verdict": self.verdict(n)}
                                                for n in self.norms}}


def bptt(models: Any, x: Tensor, loss: Callable[[Tensor], Tensor] | None = None, precision: int = 4) -> TimeGradients:
    """‖∂L/∂h_t‖ at every step t of each model run over `x` (time-major: (T, batch, input)).

    `models`: one recurrent layer or cell, or a dict of them by name (to compare, e.g. an RNN and an LSTM).
    `loss`: a function of the last hidden state (default: its sum); nothing is accumulated into `.grad`.
    """
    models = models if isinstance(models, dict) else {type(models).__name__: models}
    if x.ndim != 3:
        raise ValueError(f"bptt: expected a time-major input (steps, batch, input), got shape {list(x.shape)}")
    norms = {}
    for name, model in models.items():
        hs = _unroll(model, x)
        out = loss(hs[-1]) if loss is not None else hs[-1].sum()
        gs = grad(out, hs, allow_unused=True)
        norms[name] = np.array([0.0 if g is None else float(np.linalg.norm(g._data)) for g in gs])
    return TimeGradients(norms, precision)
