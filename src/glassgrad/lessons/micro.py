"""Micro-lessons the articles imply: a learning rate too large diverges (seed 000's exploding steps, on seed
002's perceptron), and different starting points reach different minima (seed 001's contour picture)."""

from __future__ import annotations

import numpy as np

import glassgrad as gg
from glassgrad.lessons.base import Check, Lesson, LessonResult, Step, leaf, num
from glassgrad.lessons.seed002 import W0, I, descend

SWEEP = (0.01, 0.03, 0.1, 0.3, 0.4, 0.43, 0.46, 0.5)
STARTS = {"a": (0.3, 1.6), "b": (-0.2, -0.4), "e": (-1.5, 0.5)}
MINIMA = {"a": (1.0, 1.0), "b": (-1.0, -1.0), "e": (-1.0, 1.0)}  # ∂f/∂u = 4u(u²−1) = 0 → u = ±1, same for v
DESCENT_LR, DESCENT_STEPS = 0.05, 80


def run_learning_rate() -> LessonResult:
    r = LessonResult(LR_LESSON.name, LR_LESSON.title, LR_LESSON.seed)
    critical = 1 / I**2
    r.steps.append(Step(
        "When is a learning rate too large?",
        "On the perceptron C = (i·w − y)² each update is w ← w − r·2i(i·w − y), so the distance to the best\n"
        "weight 1/3 is multiplied by (1 − 2r·i²) every step. Below r = 1/i² = 4/9 ≈ 0.444 that factor has size\n"
        "< 1 and w converges; above it the factor is below −1, every step overshoots further and w diverges,\n"
        "swinging from side to side (seed 000's exploding steps)."))
    r.check("critical learning rate 1/i²", 4 / 9, critical, "hand derivation")
    steps = 20
    for lr in (0.4, 0.5):
        path = descend(lr=lr, steps=steps)
        r.check(f"w after 1 step at r={lr}", W0 - lr * 2 * I * (I * W0 - 0.5), path[1], "hand derivation")
        r.check(f"distance to 1/3 after {steps} steps at r={lr}", (1 - 2 * lr * I**2) ** steps * (W0 - 1 / 3),
                path[-1] - 1 / 3, "hand derivation")
    sweep = {lr: descend(lr=lr, steps=steps) for lr in SWEEP}
    losses = {lr: [(I * w - 0.5) ** 2 for w in path] for lr, path in sweep.items()}
    diverged = [lr for lr, ls in losses.items() if ls[-1] > ls[0]]
    r.checks.append(Check("the runs that diverge are exactly those with r > 4/9", 1.0,
                          float(diverged == [lr for lr in SWEEP if lr > critical]), "claim"))
    r.data["lr_sweep"] = losses
    return r


def surface(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """f(u, v) = (u² − 1)² + (v² − 1)²: four valleys, at (±1, ±1)."""
    return (u**2 - 1) ** 2 + (v**2 - 1) ** 2


def descent_path(start: tuple[float, float], lr: float = DESCENT_LR, steps: int = DESCENT_STEPS) -> np.ndarray:
    """The (u, v) that gradient descent (θ ← θ − α·∂f/∂θ) visits from `start`, read from the parameters."""
    u, v = leaf(start[0], "u"), leaf(start[1], "v")
    visited = [start]
    for _ in range(steps):
        ((u**2 - 1) ** 2 + (v**2 - 1) ** 2).backward()
        with gg.no_grad():
            for p in (u, v):
                p -= lr * p.grad
                p.grad = None
        visited.append((num(u), num(v)))
    return np.array(visited)


def run_many_starts() -> LessonResult:
    r = LessonResult(STARTS_LESSON.name, STARTS_LESSON.title, STARTS_LESSON.seed)
    r.steps.append(Step(
        "Different starts, different minima",
        "The cost f(u, v) = (u² − 1)² + (v² − 1)² has four valleys at (±1, ±1) (∂f/∂u = 4u(u² − 1) = 0).\n"
        "Gradient descent only ever goes downhill from where it starts, so a start near one valley ends in it:\n"
        "start a ends at c, start b at d (seed 001's contour picture). Random initialization decides which."))
    paths = {name: descent_path(start) for name, start in STARTS.items()}
    for name, path in paths.items():
        end = path[-1]
        for axis, coordinate, target in zip("uv", end, MINIMA[name]):
            r.check(f"start {name} ends at {axis} = {target:+g}", target, coordinate, "hand derivation", tol=1e-9)
    r.data["surface"] = surface
    r.data["paths"] = paths
    _two_parameters_of_a_model(r)
    return r


LINE_DATA = ((0.0, -1.0), (1.0, 1.0), (2.0, 3.0))  # (i, y) on the line y = 2i − 1
LINE_STARTS = {"p": (-1.0, 2.5), "q": (3.5, 2.0), "r": (0.5, -3.0)}


def line_cost(w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """J(w, b) = mean over the examples of (i·w + b − y)², written out in NumPy for drawing its contours."""
    return sum((i * w + b - y) ** 2 for i, y in LINE_DATA) / len(LINE_DATA)


def optimizer_path(start: tuple[float, float], lr: float = 0.15, steps: int = 200) -> np.ndarray:
    """(w, b) after each step of gg.optim.SGD fitting a = i·w + b to LINE_DATA, read from the parameters."""
    w, b = leaf(start[0], "w"), leaf(start[1], "b")
    i, y = gg.tensor([p[0] for p in LINE_DATA], dtype=gg.float64), gg.tensor([p[1] for p in LINE_DATA],
                                                                             dtype=gg.float64)
    optimizer = gg.optim.SGD([w, b], lr=lr)
    visited = [start]
    for _ in range(steps):
        optimizer.zero_grad()
        ((i * w + b - y) ** 2).mean().backward()
        optimizer.step()
        visited.append((num(w), num(b)))
    return np.array(visited)


def _two_parameters_of_a_model(r: LessonResult) -> None:
    r.steps.append(Step(
        "Two chosen parameters of a real model",
        "The perceptron with a bias, a = i·w + b, fitted to (0, −1), (1, 1), (2, 3) by gg.optim.SGD: its cost\n"
        "J(w, b) = mean (a − y)² is a bowl with one bottom, at the line through the points, w = 2, b = −1, so\n"
        "every start ends there; the long, narrow valley bends each path (the two directions differ in slope)."))
    paths = {name: optimizer_path(start) for name, start in LINE_STARTS.items()}
    for name, path in paths.items():
        r.check(f"start {name} ends at w = 2", 2.0, path[-1][0], "hand derivation", tol=1e-6)
        r.check(f"start {name} ends at b = −1", -1.0, path[-1][1], "hand derivation", tol=1e-6)
    r.data["model_surface"] = line_cost
    r.data["model_paths"] = paths


LR_LESSON = Lesson("learning-rate", "A learning rate too large diverges", None,
                   "the perceptron's update factor 1 − 2r·i²; converge below r = 4/9, diverge above", run_learning_rate)
STARTS_LESSON = Lesson("many-starts", "Different starts reach different minima", None,
                       "gradient descent on a surface with four valleys, from three starts", run_many_starts)
