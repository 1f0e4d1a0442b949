"""Seed 002, the perceptron explainer: a = i·w, C = (a − y)², the chain rule dC/dw = dC/da·da/dw, and repeated
updates walking w from 0.8 through 0.59 towards 1/3."""

from __future__ import annotations

import glassgrad as gg
from glassgrad.lessons.base import Lesson, LessonResult, Step, const, explained_step, leaf, num

ARTICLE = {"a": 1.2, "dC/da": 1.4, "dC/dw": 2.1, "w after one update": 0.59, "w after many updates": 1 / 3}
I, W0, Y, LR = 1.5, 0.8, 0.5, 0.1


def descend(w0: float = W0, lr: float = LR, steps: int = 40) -> list[float]:
    """The weights gradient descent visits on C = (i·w − y)², computed by glassgrad's backward each step."""
    w = leaf(w0, "w")
    i, y = const(I, "i"), const(Y, "y")
    visited = [w0]
    for _ in range(steps):
        cost = (i * w - y) ** 2
        cost.backward()
        with gg.no_grad():
            w -= lr * w.grad
        w.grad = None
        visited.append(num(w))
    return visited


def run() -> LessonResult:
    r = LessonResult(LESSON.name, LESSON.title, LESSON.seed)
    w, i, y = leaf(W0, "w"), const(I, "i"), const(Y, "y")
    a = i * w
    a.name = "a"
    a.retain_grad()
    cost = (a - y) ** 2
    cost.name = "C"
    r.steps.append(explained_step(
        "Forward pass and the chain rule",
        "The perceptron a = i·w with i = 1.5, w = 0.8 gives a = 1.2 against the target y = 0.5.\n"
        "C = (a − y)² = 0.49. dC/da = 2(a − y) = 1.4 and da/dw = i = 1.5, so dC/dw = 1.4·1.5 = 2.1.",
        cost, [w], code="w = gg.tensor(0.8, requires_grad=True); a = 1.5*w; C = (a - 0.5)**2; C.backward()"))
    r.check("a", ARTICLE["a"], a)
    r.check("dC/da", ARTICLE["dC/da"], a.grad)
    r.check("dC/dw", ARTICLE["dC/dw"], w.grad)
    path = descend()
    r.steps.append(Step(
        "Repeated updates converge to 1/3",
        "w₁ = w₀ − r·dC/dw = 0.8 − 0.1·2.1 = 0.59. Repeating: w ← w − 0.1·2·1.5·(1.5w − 0.5) = 0.55·w + 0.15,\n"
        "whose fixed point is 0.15/0.45 = 1/3, where a = i·w = 0.5 exactly. The first weights: "
        + ", ".join(f"{v:.6g}" for v in path[:6]) + ", …"))
    r.check("w after one update", ARTICLE["w after one update"], path[1])
    r.check("w after many updates", ARTICLE["w after many updates"], path[-1], tol=1e-8)
    r.data["weights"] = path
    r.data["costs"] = [(I * v - Y) ** 2 for v in path]
    return r


LESSON = Lesson("perceptron", "A perceptron learns: 0.8 → 0.59 → … → 1/3", "002",
                "a = i·w; dC/da = 1.4; dC/dw = 2.1; repeated updates converge to 1/3", run)
