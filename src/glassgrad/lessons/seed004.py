"""Seed 004, "Backpropagation: how networks learn": the four steps of training (forward, loss, backward, update)
on w = 2, x = 5, target 12, the chain through out/net/w, and vanishing gradients, sigmoid beside ReLU."""

from __future__ import annotations

from typing import Any

import numpy as np

import glassgrad as gg
from glassgrad.lessons.base import Check, Lesson, LessonResult, Step, const, explain_backward, explained_step, leaf, num

ARTICLE = {"y_pred": 10.0, "L": 4.0, "∂L/∂w": -20.0}
LR = 0.01
DEPTH, WIDTH = 12, 16


def deep_network(activation: str, depth: int = DEPTH, width: int = WIDTH, seed: int = 0) -> tuple[Any, gg.Tensor]:
    """A deep square MLP (the activation after every layer) and its loss on a fixed batch, for one activation.

    The same seed gives the same Xavier-normal weights (std 1/√width) whichever the activation, so the two
    networks differ only in the slope each layer multiplies the gradient by.
    """
    gg.manual_seed(seed)
    model = gg.nn.MLP([width] * (depth + 1), activation=activation, output_activation=activation, dtype=gg.float64)
    for name, p in model.named_parameters():
        (gg.nn.init.xavier_normal_ if name.endswith("weight") else gg.nn.init.zeros_)(p)
    x = const(np.random.default_rng(seed).standard_normal((8, width)))
    return model, model(x).mean()


def layer_gradient_norms(model: Any) -> list[float]:
    """‖∂L/∂W‖ of each layer of `model`, first to last (after backward)."""
    return [float(np.linalg.norm(p.grad._data)) for name, p in model.named_parameters() if name.endswith("weight")]


def run() -> LessonResult:
    r = LessonResult(LESSON.name, LESSON.title, LESSON.seed)
    _four_steps(r)
    _vanishing(r)
    return r


def _four_steps(r: LessonResult) -> None:
    w, x, y = leaf(2.0, "w"), const(5.0, "x"), const(12.0, "y_actual")
    net = w * x
    net.name = "net"
    out = net  # the article's neuron is linear: out = net
    loss = (y - out) ** 2
    loss.name = "L"
    r.steps.append(explained_step(
        "The four steps: forward, loss, backward",
        "1. Forward: y_pred = w·x = 2·5 = 10.  2. Loss: L = (y_actual − y_pred)² = (12 − 10)² = 4.\n"
        "3. Backward: ∂L/∂w = ∂L/∂out · ∂out/∂net · ∂net/∂w = −2(12 − 10) · 1 · 5 = −20.",
        loss, [w], code="w = gg.tensor([2.0], requires_grad=True)\nloss = (12 - w*5)**2\nloss.backward(); w.grad"))
    r.check("y_pred", ARTICLE["y_pred"], net)
    r.check("L", ARTICLE["L"], loss)
    r.check("∂L/∂w", ARTICLE["∂L/∂w"], w.grad)
    with gg.no_grad():
        w -= LR * w.grad
        new_loss = (y - w * x) ** 2
    r.steps.append(Step(
        "4. Update: a step against the gradient",
        f"w ← w − lr·∂L/∂w = 2 − {LR}·(−20) = 2.2: the gradient is negative, so w grows. Now y_pred = 11 and\n"
        "L = (12 − 11)² = 1: one step cut the loss by three quarters.",
        code="with gg.no_grad():\n    w -= 0.01 * w.grad"))
    r.check("w after update (lr 0.01)", 2 - LR * -20, w, "hand derivation")
    r.check("L after update", (12 - (2 - LR * -20) * 5) ** 2, new_loss, "hand derivation")
    _training_loop(r)


def _training_loop(r: LessonResult) -> None:
    """The four steps repeated by gg.optim.SGD: w ← w + 0.01·2·5·(12 − 5w) = 0.5·w + 1.2, so w → 12/5."""
    w = gg.nn.Parameter(gg.tensor([2.0], dtype=gg.float64))
    optimizer = gg.optim.SGD([w], lr=LR)
    weights, losses = [], []
    for _ in range(5):
        optimizer.zero_grad()
        loss = ((12.0 - w * 5.0) ** 2).sum()  # forward and loss
        loss.backward()  # backward
        weights.append(num(w))
        losses.append(num(loss))
        optimizer.step()  # update
    r.steps.append(Step(
        "The loop: the four steps, again and again",
        "With gg.optim.SGD(lr=0.01) each step sets w ← w − 0.01·(−2·5·(12 − 5w)) = 0.5·w + 1.2: the distance to\n"
        "the answer w = 12/5 = 2.4 halves every step, so the loss (12 − 5w)² is quartered: "
        + ", ".join(f"{v:g}" for v in losses) + ".",
        code="optimizer = gg.optim.SGD([w], lr=0.01)\nfor step in range(5):\n    optimizer.zero_grad()\n"
             "    loss = (12 - w*5)**2\n    loss.backward()\n    optimizer.step()"))
    for n, (wn, ln) in enumerate(zip(weights, losses)):
        r.check(f"w before step {n + 1}", 2.4 - 0.4 * 0.5**n, wn, "hand derivation")
        r.check(f"L at step {n + 1}", 4 * 0.25**n, ln, "hand derivation")
    r.data["sgd_losses"] = losses


def _vanishing(r: LessonResult) -> None:
    z = leaf(0.0, "z")
    s = z.sigmoid()
    s.backward()
    r.check("σ'(0), the sigmoid's largest slope", 0.25, z.grad, "hand derivation")
    tables, norms = [], {}
    for activation in ("sigmoid", "relu"):
        model, loss = deep_network(activation)
        trace, _ = explain_backward(loss)
        norms[activation] = layer_gradient_norms(model)
        if trace is not None:
            tables.append(trace.deltas(model))
    ratio = {a: n[0] / n[-1] for a, n in norms.items()}
    r.steps.append(Step(
        "Vanishing gradients: sigmoid beside ReLU",
        f"A {DEPTH}-layer network, the same weights, two activations. Each layer multiplies the gradient by the\n"
        "activation's slope, and σ'(z) ≤ 1/4, so through sigmoids it shrinks geometrically. ReLU's slope is 1\n"
        "where it is active. First-layer gradient norm / last-layer gradient norm:\n"
        f"sigmoid {ratio['sigmoid']:.2e}, ReLU {ratio['relu']:.2e}. glassgrad's layer view (sigmoid, then ReLU)\n"
        "shows δ = ∂L/∂z per layer and flags the layers whose gradient vanished.", derivations=tables))
    r.checks.append(Check("sigmoid: first layer gets < 1% of the last layer's gradient", 1.0,
                          float(ratio["sigmoid"] < 0.01), "claim"))
    r.checks.append(Check("ReLU: first layer keeps > 10% of the last layer's gradient", 1.0,
                          float(ratio["relu"] > 0.1), "claim"))
    r.data["grad_norms"] = norms


LESSON = Lesson("how-networks-learn", "How networks learn: the four steps, and vanishing gradients", "004",
                "forward, loss (4), backward (−20), update; per-layer gradient norms sigmoid vs ReLU", run)
