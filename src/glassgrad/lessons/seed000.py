"""Seed 000, "Simplest backpropagation explainer without chain rule": derivative as an estimate of change,
a one-weight network, a two-weight chain and the learning-rate update."""

from __future__ import annotations

import glassgrad as gg
from glassgrad.lessons.base import Lesson, LessonResult, Step, const, explained_step, leaf, num

ARTICLE = {  # the figures the article prints
    "dy/dx at x=2": 12.0, "dy estimate for dx=0.01": 0.12, "y(2.01)": 8.120601, "true dy for dx=0.01": 0.120601,
    "dy estimate for dx=0.5": 6.0, "true dy for dx=0.5": 7.625,
    "ŷ (one weight)": 8.0, "cost (one weight)": -2.0, "dC/dw": 2.0, "cost at w=5": 0.0,
    "ŷ (two weights)": 24.0, "cost (two weights)": 14.0, "dC/dw1": 6.0, "dC/dw2": 8.0,
    "w1 after update": 3.94, "w2 after update": 2.92, "ŷ change for w1+0.1": 0.6, "ŷ change for w2+0.1": 0.8,
}


def run() -> LessonResult:
    r = LessonResult(LESSON.name, LESSON.title, LESSON.seed)
    _derivative_as_estimate(r)
    _one_weight(r)
    _two_weights(r)
    return r


def _derivative_as_estimate(r: LessonResult) -> None:
    x = leaf(2.0, "x")
    y = x**3
    y.name = "y"
    step = explained_step(
        "The derivative is a linear estimate of change",
        "y = x³ at x = 2 gives y = 8. The derivative dy/dx = 3x² = 12 says: nudge x by dx and y moves by about\n"
        "dy = 3x²·dx. For dx = 0.01 that is 0.12; the true change (2.01)³ − 8 = 0.120601 is very close.\n"
        "For dx = 0.5 the estimate 6 is poor: the true change is 2.5³ − 8 = 7.625. The estimate only holds for\n"
        "small steps, because the slope itself changes along the way.",
        y, [x], code="x = gg.tensor(2.0, requires_grad=True); y = x**3; y.backward(); x.grad")
    if step.trace is not None:  # the estimate against the true change for steps from 0.5 down to round-off
        step.derivations.append(step.trace.check(x, sweep=(0.5, 0.1, 0.01, 1e-3, 1e-6, 1e-9, 1e-12)))
    r.steps.append(step)
    slope = num(x.grad)
    r.check("dy/dx at x=2", ARTICLE["dy/dx at x=2"], slope)
    with gg.no_grad():
        for dx in (0.01, 0.5):
            moved = (x + dx) ** 3
            r.check(f"dy estimate for dx={dx:g}", ARTICLE[f"dy estimate for dx={dx:g}"], slope * dx)
            if dx == 0.01:
                r.check("y(2.01)", ARTICLE["y(2.01)"], moved)
            r.check(f"true dy for dx={dx:g}", ARTICLE[f"true dy for dx={dx:g}"], num(moved) - num(y))


def _one_weight(r: LessonResult) -> None:
    x, w, target = const(2.0, "x"), leaf(4.0, "w"), const(10.0, "y")
    y_hat = x * w
    y_hat.name = "ŷ"
    cost = y_hat - target
    cost.name = "C"
    r.steps.append(explained_step(
        "A network with one weight",
        "ŷ = x·w = 2·4 = 8 against the target y = 10. The article's cost is C = ŷ − y = −2, and dC/dw = x = 2:\n"
        "raising w by 1 raises the cost by 2. The cost is negative, so w should grow: at w = 5 the cost is 0.",
        cost, [w], code="w = gg.tensor(4.0, requires_grad=True); C = x*w - 10; C.backward(); w.grad"))
    r.check("ŷ (one weight)", ARTICLE["ŷ (one weight)"], y_hat)
    r.check("cost (one weight)", ARTICLE["cost (one weight)"], cost)
    r.check("dC/dw", ARTICLE["dC/dw"], w.grad)
    with gg.no_grad():
        r.check("cost at w=5", ARTICLE["cost at w=5"], x * 5.0 - target)


def _two_weights(r: LessonResult) -> None:
    x, w1, w2, target = const(2.0, "x"), leaf(4.0, "w1"), leaf(3.0, "w2"), const(10.0, "y")
    h = x * w1
    h.name = "h"
    y_hat = h * w2
    y_hat.name = "ŷ"
    cost = y_hat - target
    cost.name = "C"
    r.steps.append(explained_step(
        "A hidden layer: two weights in a chain",
        "ŷ = (x·w1)·w2 = (2·4)·3 = 24, cost C = ŷ − 10 = 14. dC/dw1 = x·w2 = 6 and dC/dw2 = x·w1 = 8:\n"
        "w2 influences the output more than w1.",
        cost, [w1, w2]))
    r.check("ŷ (two weights)", ARTICLE["ŷ (two weights)"], y_hat)
    r.check("cost (two weights)", ARTICLE["cost (two weights)"], cost)
    r.check("dC/dw1", ARTICLE["dC/dw1"], w1.grad)
    r.check("dC/dw2", ARTICLE["dC/dw2"], w2.grad)
    with gg.no_grad():
        r.check("ŷ change for w1+0.1", ARTICLE["ŷ change for w1+0.1"], x * (w1 + 0.1) * w2 - y_hat)
        r.check("ŷ change for w2+0.1", ARTICLE["ŷ change for w2+0.1"], x * w1 * (w2 + 0.1) - y_hat)
        lr = 0.01
        w1 -= lr * w1.grad
        w2 -= lr * w2.grad
    r.steps.append(Step(
        "How a computer adjusts the weights: the learning rate",
        "Each weight moves against its derivative, scaled by a small learning rate (0.01) so large derivatives\n"
        "do not make the cost jump around (the exploding-step problem): w1 = 4 − 0.01·6 = 3.94,\n"
        "w2 = 3 − 0.01·8 = 2.92. The weight with the larger derivative moves more.",
        code="with gg.no_grad():\n    w1 -= 0.01 * w1.grad\n    w2 -= 0.01 * w2.grad"))
    r.check("w1 after update", ARTICLE["w1 after update"], w1)
    r.check("w2 after update", ARTICLE["w2 after update"], w2)


LESSON = Lesson("simplest", "Backpropagation without the chain rule", "000",
                "derivative as an estimate of change; one weight; two weights; the learning-rate update", run)
