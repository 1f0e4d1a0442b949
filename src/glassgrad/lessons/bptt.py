"""Backprop through time by hand: a 3-step scalar RNN, h_t = tanh(w·h_{t−1} + u·x_t + b), unrolled.

The gradient reaching h_t comes from the step after it: ∂L/∂h_{t−1} = ∂L/∂h_t · (1 − h_t²) · w, one factor per step
back. The shared weights collect a term from every step: ∂L/∂w = Σ_t ∂L/∂h_t·(1 − h_t²)·h_{t−1}. When
|w·(1 − h²)| < 1 the factors shrink the gradient at every step back: the vanishing gradient, over time.
"""

from __future__ import annotations

import math

import numpy as np

import glassgrad as gg
from glassgrad.lessons.base import Lesson, LessonResult, Step, const, explain_backward, leaf

VALUES = {"w": 0.8, "u": 1.5, "b": -0.2, "y": 0.3}
XS = (1.0, 0.5, -1.0)


def by_hand(w: float, u: float, b: float, y: float, xs: tuple = XS) -> dict[str, float]:
    """Forward through the three steps, then backward step by step, in plain arithmetic."""
    h = [0.0]
    for x in xs:
        h.append(math.tanh(w * h[-1] + u * x + b))
    f = {f"h{t}": h[t] for t in range(1, 4)}
    f["L"] = 0.5 * (h[3] - y) ** 2
    dh = {3: h[3] - y}
    for t in (3, 2):
        dh[t - 1] = dh[t] * (1 - h[t] ** 2) * w
    for t in (1, 2, 3):
        f[f"∂L/∂h{t}"] = dh[t]
    dz = {t: dh[t] * (1 - h[t] ** 2) for t in (1, 2, 3)}  # ∂L/∂z_t, z_t the pre-activation
    f["∂L/∂w"] = sum(dz[t] * h[t - 1] for t in (1, 2, 3))
    f["∂L/∂u"] = sum(dz[t] * xs[t - 1] for t in (1, 2, 3))
    f["∂L/∂b"] = sum(dz.values())
    return f


def run() -> LessonResult:
    r = LessonResult(LESSON.name, LESSON.title, LESSON.seed)
    v = VALUES
    w, u, b = leaf(v["w"], "w"), leaf(v["u"], "u"), leaf(v["b"], "b")
    h = const(0.0, "h₀")
    hs = []
    for t, x in enumerate(XS, 1):
        h = (w * h + u * const(x, f"x{t}") + b).tanh()
        h.name = f"h{t}"
        h.retain_grad()
        hs.append(h)
    loss = 0.5 * (hs[-1] - const(v["y"], "y")) ** 2
    loss.name = "L"
    hand = by_hand(**v)
    trace, derivations = explain_backward(loss, [w])
    r.steps.append(Step(
        "Unroll three steps",
        f"h₀ = 0, x = {XS}, w = {v['w']}, u = {v['u']}, b = {v['b']}:\n"
        + "\n".join(f"h{t} = tanh(w·h{t - 1} + u·x{t} + b) = {hand[f'h{t}']:.4f}" for t in (1, 2, 3))
        + f"\nL = ½(h₃ − y)² with y = {v['y']}: L = {hand['L']:.4f}. The same w, u, b act at every step.",
        code="h = (w * h + u * x_t + b).tanh()   # three times, then loss = 0.5 * (h - y) ** 2"))
    r.steps.append(Step(
        "Backward through time: one factor (1 − h_t²)·w per step back",
        f"∂L/∂h₃ = h₃ − y = {hand['∂L/∂h3']:.4f}\n"
        f"∂L/∂h₂ = ∂L/∂h₃·(1 − h₃²)·w = {hand['∂L/∂h2']:.4f}\n"
        f"∂L/∂h₁ = ∂L/∂h₂·(1 − h₂²)·w = {hand['∂L/∂h1']:.4f}\n"
        "Each factor here is below 1 in size, so the gradient shrinks on its way back to the first step.",
        trace=trace))
    r.steps.append(Step(
        "The shared weight sums a term from every step",
        "∂L/∂w = Σ_t ∂L/∂h_t·(1 − h_t²)·h_{t−1} (the h₀ = 0 term vanishes), and likewise ∂L/∂u with x_t and\n"
        f"∂L/∂b with 1: ∂L/∂w = {hand['∂L/∂w']:.4f}, ∂L/∂u = {hand['∂L/∂u']:.4f}, ∂L/∂b = {hand['∂L/∂b']:.4f}.\n"
        "gg.nn.RNN(1, 1) with these weights gives the same numbers: the layer is this loop.",
        trace=trace, derivations=derivations))
    computed = {f"h{t}": hs[t - 1] for t in (1, 2, 3)} | {"L": loss, "∂L/∂w": w.grad, "∂L/∂u": u.grad,
                                                         "∂L/∂b": b.grad}
    computed |= {f"∂L/∂h{t}": hs[t - 1].grad for t in (1, 2, 3)}
    for label, t in computed.items():
        r.check(label, hand[label], t, "hand derivation")
    rnn = gg.nn.RNN(1, 1, dtype=gg.float64)
    rnn.load_state_dict({"weight_ih_l0": np.array([[v["u"]]]), "weight_hh_l0": np.array([[v["w"]]]),
                         "bias_ih_l0": np.array([v["b"]]), "bias_hh_l0": np.zeros(1)})
    out, _ = rnn(gg.tensor(np.array(XS).reshape(3, 1, 1)))
    (0.5 * (out[-1, 0, 0] - v["y"]) ** 2).backward()
    r.check("∂L/∂w from gg.nn.RNN (weight_hh_l0)", hand["∂L/∂w"], rnn.weight_hh_l0.grad, "hand derivation")
    r.check("∂L/∂u from gg.nn.RNN (weight_ih_l0)", hand["∂L/∂u"], rnn.weight_ih_l0.grad, "hand derivation")
    r.check("|∂L/∂h₁| < |∂L/∂h₂| < |∂L/∂h₃|: the gradient vanishes going back in time", 1.0,
            float(abs(hand["∂L/∂h1"]) < abs(hand["∂L/∂h2"]) < abs(hand["∂L/∂h3"])), "claim")
    r.data["hand"] = hand
    return r


LESSON = Lesson("bptt", "Backprop through time by hand: a 3-step RNN", None,
                "∂L/∂h_{t−1} = ∂L/∂h_t·(1 − h_t²)·w, step by step; shared weights sum over the steps", run)
