"""Seed 003, "How I finally understood backpropagation by deriving it by hand": a two-layer sigmoid network,
∂E/∂w₂ and ∂E/∂w₁ as chain-rule products, the deltas δ₂ and δ₁, symbolically and with numbers."""

from __future__ import annotations

import math

from glassgrad.lessons.base import Lesson, LessonResult, Step, const, explain_backward, leaf

# The article is symbolic; these numbers make it concrete (x → z₁ = w₁x + b₁ → a₁ = σ(z₁) → z₂ = w₂a₁ + b₂ → ŷ)
VALUES = {"x": 1.0, "w1": 0.5, "b1": 0.0, "w2": -1.0, "b2": 0.5, "y": 1.0}


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def by_hand(x: float, w1: float, b1: float, w2: float, b2: float, y: float) -> dict[str, float]:
    """The article's derivation in plain arithmetic (no glassgrad): every factor, both deltas, both gradients."""
    a1 = _sigmoid(w1 * x + b1)
    y_hat = _sigmoid(w2 * a1 + b2)
    f = {"a₁": a1, "ŷ": y_hat, "E": 0.5 * (y - y_hat) ** 2,
         "∂E/∂ŷ": -(y - y_hat), "∂ŷ/∂z₂": y_hat * (1 - y_hat), "∂z₂/∂w₂": a1,
         "∂z₂/∂a₁": w2, "∂a₁/∂z₁": a1 * (1 - a1), "∂z₁/∂w₁": x}
    f["δ₂"] = f["∂E/∂ŷ"] * f["∂ŷ/∂z₂"]
    f["δ₁"] = f["δ₂"] * f["∂z₂/∂a₁"] * f["∂a₁/∂z₁"]
    f["∂E/∂w₂"] = f["δ₂"] * f["∂z₂/∂w₂"]
    f["∂E/∂w₁"] = f["δ₁"] * f["∂z₁/∂w₁"]
    f["∂E/∂b₂"], f["∂E/∂b₁"] = f["δ₂"], f["δ₁"]
    return f


def run() -> LessonResult:
    r = LessonResult(LESSON.name, LESSON.title, LESSON.seed)
    v = VALUES
    x, y = const(v["x"], "x"), const(v["y"], "y")
    w1, b1, w2, b2 = leaf(v["w1"], "w₁"), leaf(v["b1"], "b₁"), leaf(v["w2"], "w₂"), leaf(v["b2"], "b₂")
    z1 = w1 * x + b1
    z1.name = "z₁"
    a1 = z1.sigmoid()
    a1.name = "a₁"
    z2 = w2 * a1 + b2
    z2.name = "z₂"
    y_hat = z2.sigmoid()
    y_hat.name = "ŷ"
    error = 0.5 * (y - y_hat) ** 2
    error.name = "E"
    for t in (z1, z2, y_hat):
        t.retain_grad()
    hand = by_hand(**v)
    trace, derivations = explain_backward(error, [w2, w1])
    r.steps.append(Step(
        "The output layer: ∂E/∂w₂",
        "E = ½(y − ŷ)², ŷ = σ(z₂), z₂ = w₂·a₁ + b₂. The chain has three factors:\n"
        "∂E/∂w₂ = ∂E/∂ŷ · ∂ŷ/∂z₂ · ∂z₂/∂w₂ = −(y − ŷ) · ŷ(1 − ŷ) · a₁\n"
        f"       = ({hand['∂E/∂ŷ']:.4f}) · ({hand['∂ŷ/∂z₂']:.4f}) · ({hand['∂z₂/∂w₂']:.4f}) = {hand['∂E/∂w₂']:.4f}\n"
        "The first two factors are the output delta δ₂ = ∂E/∂z₂ = −(y − ŷ)·ŷ(1 − ŷ)"
        f" = {hand['δ₂']:.4f}, so ∂E/∂w₂ = δ₂·a₁.",
        trace=trace, derivations=derivations[:1]))
    r.steps.append(Step(
        "The hidden layer: ∂E/∂w₁ along w₁ → z₁ → a₁ → z₂ → ŷ → E",
        "∂E/∂w₁ = ∂E/∂ŷ · ∂ŷ/∂z₂ · ∂z₂/∂a₁ · ∂a₁/∂z₁ · ∂z₁/∂w₁ = δ₂ · w₂ · a₁(1 − a₁) · x\n"
        f"       = ({hand['δ₂']:.4f}) · ({hand['∂z₂/∂a₁']:.4f}) · ({hand['∂a₁/∂z₁']:.4f}) · ({hand['∂z₁/∂w₁']:.4f})"
        f" = {hand['∂E/∂w₁']:.4f}\n"
        f"The hidden delta δ₁ = ∂E/∂z₁ = δ₂·w₂·a₁(1 − a₁) = {hand['δ₁']:.4f}: each layer's delta is the next\n"
        "layer's delta sent back through the weight and the activation's slope. Backprop is this, repeated.",
        trace=trace, derivations=derivations[1:]))
    computed = {"ŷ": y_hat, "a₁": a1, "E": error, "∂E/∂ŷ": y_hat.grad, "δ₂": z2.grad, "δ₁": z1.grad,
                "∂E/∂w₂": w2.grad, "∂E/∂w₁": w1.grad, "∂E/∂b₂": b2.grad, "∂E/∂b₁": b1.grad}
    for label, t in computed.items():
        r.check(label, hand[label], t, "hand derivation")
    r.data["factors"] = hand
    r.data["w₁"] = w1  # the leaf whose path the report's graph highlights
    return r


LESSON = Lesson("by-hand", "Deriving backpropagation by hand: a sigmoid network and its deltas", "003",
                "∂E/∂w₂ = −(y−ŷ)·ŷ(1−ŷ)·a₁; ∂E/∂w₁ through the longer chain; δ₂ and δ₁ with numbers", run)
