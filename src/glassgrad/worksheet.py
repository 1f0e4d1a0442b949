"""Pen-and-paper worksheets ("before reading further, take a pen and paper"), with a separate answer key.

`make(seed, level)` draws small numbers that divide nicely for a level's exercises (1: derivatives and one or
two weights; 2: the chain rule and squared losses; 3: whole networks and deltas); the same seed gives the same
sheet. Every answer is computed by glassgrad's backward pass and shown as a full derivation. Text is written
once, with math in $...$, and rendered as Markdown and as a LaTeX document ready for pdflatex.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import glassgrad as gg
from glassgrad.plots import write_atomic

LEVELS = {1: "Derivatives, one weight, two weights", 2: "The chain rule and squared losses",
          3: "Networks: every gradient, and the deltas"}


@dataclass(frozen=True)
class Exercise:
    title: str
    question: str  # prose (ASCII) with math in $...$
    answer: str  # the derivation, same conventions
    answers: dict[str, float]  # glassgrad's numbers, for checking a sheet programmatically
    given: dict[str, float]  # the numbers the question gives


@dataclass(frozen=True)
class Worksheet:
    seed: int
    level: int
    exercises: tuple[Exercise, ...]

    @property
    def title(self) -> str:
        return f"glassgrad worksheet, level {self.level}: {LEVELS[self.level]} (seed {self.seed})"

    def to_markdown(self, answers: bool = False) -> str:
        head = f"# {'Answer key: ' if answers else ''}{self.title}\n\n"
        if not answers:
            head += "Take a pen and paper. Every number here divides nicely; no calculator needed.\n\n"
        body = [f"## {i}. {e.title}\n\n{e.question}\n" + (f"\n**Answer.**\n\n{e.answer}\n" if answers else "")
                for i, e in enumerate(self.exercises, 1)]
        return head + "\n".join(body)

    def to_latex(self, answers: bool = False) -> str:
        items = []
        for e in self.exercises:
            item = f"\\item \\textbf{{{_latex_text(e.title)}}}\n\n{_latex_text(e.question)}\n"
            if answers:
                item += f"\n\\textit{{Answer.}}\n\n{_latex_text(e.answer)}\n"
            items.append(item)
        title = ("Answer key: " if answers else "") + self.title
        return (
            "\\documentclass[11pt]{article}\n\\usepackage[margin=2.2cm]{geometry}\n\\usepackage{amsmath}\n"
            f"\\title{{{_latex_text(title)}}}\n\\date{{}}\n\\begin{{document}}\n\\maketitle\n"
            + ("" if answers else "Take a pen and paper. Every number here divides nicely.\n\n")
            + "\\begin{enumerate}\n" + "\n".join(items) + "\\end{enumerate}\n\\end{document}\n")

    def _repr_markdown_(self) -> str:  # Jupyter shows the sheet (the answers stay in the key)
        return self.to_markdown()

    def write(self, out_dir: str | Path) -> list[Path]:
        """The sheet and its answer key, each as .md and .tex; returns the four paths."""
        stem = Path(out_dir) / f"worksheet-level{self.level}-seed{self.seed}"
        files = {"": False, "-answers": True}
        paths = []
        for suffix, answers in files.items():
            paths.append(write_atomic(f"{stem}{suffix}.md", self.to_markdown(answers).encode()))
            paths.append(write_atomic(f"{stem}{suffix}.tex", self.to_latex(answers).encode()))
        return paths


def _latex_text(text: str) -> str:
    """Escape LaTeX's special characters outside $...$; turn Markdown's blank-line paragraphs into LaTeX's."""
    parts = re.split(r"(\$[^$]*\$)", text)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(part)
        else:
            part = re.sub(r"([&%#_{}])", r"\\\1", part)
            part = re.sub(r"\*\*(.+?)\*\*", r"\\textbf{\1}", part)
            out.append(part.replace("~", r"\textasciitilde{}"))
    return "".join(out)


def n(v: float) -> str:
    """A number as a learner writes it: 3.94, -20, 0.0625."""
    v = float(np.round(v, 10))
    return f"{v:g}" if v != 0 else "0"


def pn(v: float) -> str:
    """A number inside a product: negatives in parentheses, as on paper."""
    return f"({n(v)})" if v < 0 else n(v)


def _p(value: float, name: str) -> gg.Tensor:
    return gg.tensor(float(value), dtype=gg.float64, requires_grad=True, name=name)


def _g(t: gg.Tensor) -> float:
    return float(t.grad.item())


# ------------------------------------------------------------------------------------------------ level 1


def _estimate(rng: np.random.Generator) -> Exercise:
    power, x0, dx = int(rng.choice([2, 3])), int(rng.integers(1, 4)), 0.1
    x = _p(x0, "x")
    y = x**power
    y.backward()
    slope = _g(x)
    true = (x0 + dx) ** power - x0**power
    return Exercise(
        "The derivative as an estimate of change",
        f"Let $y = x^{power}$ and $x = {x0}$. (a) Compute $dy/dx$. (b) Use $dy \\approx (dy/dx)\\,dx$ to estimate "
        f"how much $y$ changes when $x$ grows by $dx = {dx}$. (c) Compute the true change and compare.",
        f"(a) $dy/dx = {power}x^{power - 1} = {n(slope)}$. (b) $dy \\approx {n(slope)} \\cdot {dx} = "
        f"{n(slope * dx)}$. (c) $({n(x0 + dx)})^{power} - {x0}^{power} = {n(true)}$: close, and the gap shrinks "
        "with $dx$ (the slope changes along the way).",
        {"dy/dx": slope, "estimate": slope * dx, "true change": true}, {"power": power, "x": x0, "dx": dx})


def _one_weight(rng: np.random.Generator) -> Exercise:
    x0, w0 = int(rng.integers(2, 5)), int(rng.integers(1, 6))
    k = int(rng.choice([k for k in range(1, 7) if k != w0]))
    target = x0 * k
    w = _p(w0, "w")
    y_hat = x0 * w
    cost = y_hat - target
    cost.backward()
    direction, sign = ("increase", "negative") if cost.item() < 0 else ("decrease", "positive")
    return Exercise(
        "A network with one weight",
        f"A one-weight network predicts $\\hat y = x \\cdot w$ with $x = {x0}$, $w = {w0}$; the target is "
        f"$y = {target}$ and the cost is $C = \\hat y - y$. (a) Compute $\\hat y$ and $C$. (b) Compute $dC/dw$. "
        "(c) Should $w$ increase or decrease? Which $w$ makes the cost zero?",
        f"(a) $\\hat y = {x0} \\cdot {w0} = {n(y_hat.item())}$, $C = {n(y_hat.item())} - {target} = "
        f"{n(cost.item())}$. (b) $dC/dw = x = {n(_g(w))}$. (c) The cost is {sign}, "
        f"so {direction} $w$; $C = 0$ at $w = y/x = {k}$.",
        {"ŷ": y_hat.item(), "C": cost.item(), "dC/dw": _g(w), "w*": float(k)}, {"x": x0, "w": w0, "y": target})


def _two_weights(rng: np.random.Generator) -> Exercise:
    x0, a, b = int(rng.integers(1, 4)), int(rng.integers(1, 6)), int(rng.integers(1, 6))
    target = int(rng.integers(1, 10))
    w1, w2 = _p(a, "w1"), _p(b, "w2")
    y_hat = (x0 * w1) * w2
    cost = y_hat - target
    cost.backward()
    lr = 0.01
    new1, new2 = a - lr * _g(w1), b - lr * _g(w2)
    return Exercise(
        "Two weights in a chain",
        f"$\\hat y = (x \\cdot w_1) \\cdot w_2$ with $x = {x0}$, $w_1 = {a}$, $w_2 = {b}$, target $y = {target}$, "
        f"cost $C = \\hat y - y$. (a) Compute $\\hat y$ and $C$. (b) Compute $dC/dw_1$ and $dC/dw_2$; which "
        f"weight influences the output more? (c) Update both weights with learning rate ${lr}$.",
        f"(a) $\\hat y = ({x0} \\cdot {a}) \\cdot {b} = {n(y_hat.item())}$, $C = {n(cost.item())}$. "
        f"(b) $dC/dw_1 = x \\cdot w_2 = {n(_g(w1))}$, $dC/dw_2 = x \\cdot w_1 = {n(_g(w2))}$. "
        f"(c) $w_1 = {a} - {lr} \\cdot {pn(_g(w1))} = {n(new1)}$, $w_2 = {b} - {lr} \\cdot {pn(_g(w2))} = {n(new2)}$.",
        {"ŷ": y_hat.item(), "C": cost.item(), "dC/dw1": _g(w1), "dC/dw2": _g(w2), "w1'": new1, "w2'": new2},
        {"x": x0, "w1": a, "w2": b, "y": target, "lr": lr})


# ------------------------------------------------------------------------------------------------ level 2


def _perceptron(rng: np.random.Generator) -> Exercise:
    i0, w0, target = int(rng.integers(1, 3)), float(rng.choice([0.5, 1.0, 1.5, 2.0])), float(rng.choice([0, 1, 2]))
    w = _p(w0, "w")
    a = i0 * w
    a.retain_grad()
    cost = (a - target) ** 2
    cost.backward()
    lr = 0.1
    return Exercise(
        "A perceptron and the chain rule",
        f"A perceptron computes $a = i \\cdot w$ with $i = {i0}$, $w = {n(w0)}$; the target is $y = {n(target)}$ and "
        "$C = (a - y)^2$. (a) Compute $a$ and $C$. (b) Compute $dC/da$ and, with the chain rule, $dC/dw$. "
        f"(c) One update with learning rate ${lr}$: the new $w$?",
        f"(a) $a = {i0} \\cdot {n(w0)} = {n(a.item())}$, $C = ({n(a.item())} - {n(target)})^2 = {n(cost.item())}$. "
        f"(b) $dC/da = 2(a - y) = {n(_g(a))}$; $dC/dw = dC/da \\cdot da/dw = {pn(_g(a))} \\cdot {i0} = {n(_g(w))}$. "
        f"(c) $w = {n(w0)} - {lr} \\cdot {pn(_g(w))} = {n(w0 - lr * _g(w))}$.",
        {"a": a.item(), "C": cost.item(), "dC/da": _g(a), "dC/dw": _g(w), "w'": w0 - lr * _g(w)},
        {"i": i0, "w": w0, "y": target, "lr": lr})


def _two_paths(rng: np.random.Generator) -> Exercise:
    x0, k = int(rng.integers(1, 4)), int(rng.integers(2, 5))
    x = _p(x0, "x")
    g, h = k * x, x * x
    y = g * h
    y.backward()
    return Exercise(
        "The chain rule over two paths",
        f"Let $g = {k}x$, $h = x^2$ and $y = g \\cdot h$, at $x = {x0}$. $x$ reaches $y$ along two paths. (a) Compute "
        "$dg/dx$, $dh/dx$, $\\partial y/\\partial g$, $\\partial y/\\partial h$. (b) Add the two paths' products to "
        "get $dy/dx$. (c) Check by writing $y$ directly as a power of $x$.",
        f"(a) $dg/dx = {k}$, $dh/dx = 2x = {2 * x0}$, $\\partial y/\\partial g = h = {x0 * x0}$, "
        f"$\\partial y/\\partial h = g = {k * x0}$. (b) $dy/dx = {k} \\cdot {x0 * x0} + {2 * x0} \\cdot {k * x0} = "
        f"{n(_g(x))}$. (c) $y = {k}x^3$, $dy/dx = {3 * k}x^2 = {n(3 * k * x0 * x0)}$.",
        {"dy/dx": _g(x)}, {"x": x0, "k": k})


def _squared_loss(rng: np.random.Generator) -> Exercise:
    w0, x0 = int(rng.integers(1, 4)), int(rng.integers(2, 6))
    target = w0 * x0 + int(rng.choice([-2, -1, 1, 2]))
    w = _p(w0, "w")
    pred = w * x0
    loss = (target - pred) ** 2
    loss.backward()
    lr = 0.01
    return Exercise(
        "The four steps of training",
        f"One neuron predicts $y_{{pred}} = w \\cdot x$ with $w = {w0}$, $x = {x0}$; the target is ${target}$ and "
        "$L = (y - y_{pred})^2$. Do the four steps: (1) forward, (2) loss, (3) $\\partial L/\\partial w$ by the "
        f"chain rule, (4) update $w$ with learning rate ${lr}$.",
        f"(1) $y_{{pred}} = {n(pred.item())}$. (2) $L = ({target} - {n(pred.item())})^2 = {n(loss.item())}$. "
        f"(3) $\\partial L/\\partial w = -2(y - y_{{pred}}) \\cdot x = "
        f"-2 \\cdot {pn(target - pred.item())} \\cdot {x0} = "
        f"{n(_g(w))}$. (4) $w = {w0} - {lr} \\cdot {pn(_g(w))} = {n(w0 - lr * _g(w))}$.",
        {"y_pred": pred.item(), "L": loss.item(), "dL/dw": _g(w), "w'": w0 - lr * _g(w)},
        {"w": w0, "x": x0, "y": target, "lr": lr})


# ------------------------------------------------------------------------------------------------ level 3

_NAMES = ("w1", "b1", "w2_1", "b2_1", "w2_2", "b2_2", "w3_1", "w3_2", "b3")
_TEX = {"w1": "w^{[1]}_{1,1}", "b1": "b^{[1]}_1", "w2_1": "w^{[2]}_{1,1}", "b2_1": "b^{[2]}_1",
        "w2_2": "w^{[2]}_{2,1}", "b2_2": "b^{[2]}_2", "w3_1": "w^{[3]}_{1,1}", "w3_2": "w^{[3]}_{1,2}",
        "b3": "b^{[3]}_1"}


def _network(rng: np.random.Generator) -> Exercise:
    values = {k: float(rng.choice([-1, 1, 2]) if k.startswith("w") else rng.choice([0, 1])) for k in _NAMES}
    x0 = int(rng.integers(1, 3))
    p = {k: _p(v, k) for k, v in values.items()}
    a1 = p["w1"] * x0 + p["b1"]
    a21, a22 = p["w2_1"] * a1 + p["b2_1"], p["w2_2"] * a1 + p["b2_2"]
    for t in (a1, a21, a22):
        t.retain_grad()
    f = p["w3_1"] * a21 + p["w3_2"] * a22 + p["b3"]
    target = f.item() + float(rng.choice([-1, 1]))
    loss = (target - f) ** 2
    loss.backward()
    given = ", ".join(f"${_TEX[k]} = {n(v)}$" for k, v in values.items())
    grads = ", ".join(f"$\\partial L/\\partial {_TEX[k]} = {n(_g(t))}$" for k, t in p.items())
    dl_df = -2 * (target - f.item())
    return Exercise(
        "The 1-1-2-1 linear network: all 9 gradients",
        f"A network with one input, two hidden layers (1 and 2 neurons, linear) and one output: $a^{{[1]}} = "
        "w^{[1]}_{1,1}x + b^{[1]}_1$, $a^{[2]}_j = w^{[2]}_{j,1}a^{[1]} + b^{[2]}_j$, $f = w^{[3]}_{1,1}a^{[2]}_1 + "
        f"w^{{[3]}}_{{1,2}}a^{{[2]}}_2 + b^{{[3]}}_1$, $L = (y - f)^2$, with $x = {x0}$, $y = {n(target)}$ and "
        f"{given}. "
        "(a) Forward: $a^{[1]}$, $a^{[2]}$, $f$, $L$. (b) The deltas $\\partial L/\\partial f$, "
        "$\\delta^{[2]}_j = \\partial L/\\partial a^{[2]}_j$ and $\\delta^{[1]}$ (two paths!). (c) All 9 gradients.",
        f"(a) $a^{{[1]}} = {n(a1.item())}$, $a^{{[2]}} = ({n(a21.item())}, {n(a22.item())})$, $f = {n(f.item())}$, "
        f"$L = {n(loss.item())}$. (b) $\\partial L/\\partial f = -2(y - f) = {n(dl_df)}$; "
        f"$\\delta^{{[2]}}_j = \\partial L/\\partial f \\cdot w^{{[3]}}_{{1,j}} = ({n(a21.grad.item())}, "
        f"{n(a22.grad.item())})$; $\\delta^{{[1]}} = \\delta^{{[2]}}_1 w^{{[2]}}_{{1,1}} + \\delta^{{[2]}}_2 "
        f"w^{{[2]}}_{{2,1}} = {n(a1.grad.item())}$. (c) Each weight's gradient is its neuron's delta times the "
        f"input it multiplies; each bias's is the delta: {grads}.",
        {k: _g(t) for k, t in p.items()}, {**values, "x": x0, "y": target})


def _sigmoid_at_zero(rng: np.random.Generator) -> Exercise:
    x0, w1_0 = int(rng.integers(1, 3)), int(rng.choice([-1, 1, 2]))
    w2_0 = int(rng.choice([-4, -2, 2, 4]))
    b1_0, b2_0 = -w1_0 * x0, -w2_0 / 2  # both pre-activations are 0, so every sigmoid is 1/2
    w1, b1, w2, b2 = _p(w1_0, "w1"), _p(b1_0, "b1"), _p(w2_0, "w2"), _p(b2_0, "b2")
    z1 = w1 * x0 + b1
    a1 = z1.sigmoid()
    z2 = w2 * a1 + b2
    y_hat = z2.sigmoid()
    for t in (z1, z2):
        t.retain_grad()
    error = 0.5 * (1.0 - y_hat) ** 2
    error.backward()
    return Exercise(
        "A sigmoid network by hand, with deltas",
        f"$z_1 = w_1x + b_1$, $a_1 = \\sigma(z_1)$, $z_2 = w_2a_1 + b_2$, $\\hat y = \\sigma(z_2)$, "
        f"$E = \\frac{{1}}{{2}}(y - \\hat y)^2$ with $x = {x0}$, $w_1 = {w1_0}$, $b_1 = {n(b1_0)}$, $w_2 = {w2_0}$, "
        f"$b_2 = {n(b2_0)}$, $y = 1$. Use $\\sigma(0) = 1/2$ and $\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))$. "
        "(a) Forward. (b) $\\delta_2 = \\partial E/\\partial z_2$ and $\\partial E/\\partial w_2$. "
        "(c) $\\delta_1 = \\partial E/\\partial z_1$ and $\\partial E/\\partial w_1$.",
        f"(a) $z_1 = 0$, $a_1 = 0.5$, $z_2 = {w2_0} \\cdot 0.5 + {n(b2_0)} = 0$, $\\hat y = 0.5$, "
        f"$E = {n(error.item())}$. (b) $\\delta_2 = -(y - \\hat y) \\cdot \\hat y(1 - \\hat y) = -0.5 \\cdot 0.25 = "
        f"{n(z2.grad.item())}$; $\\partial E/\\partial w_2 = \\delta_2 a_1 = {n(_g(w2))}$. (c) $\\delta_1 = \\delta_2 "
        f"\\cdot w_2 \\cdot a_1(1 - a_1) = {pn(z2.grad.item())} \\cdot {pn(w2_0)} \\cdot 0.25 = {n(z1.grad.item())}$; "
        f"$\\partial E/\\partial w_1 = \\delta_1 x = {n(_g(w1))}$.",
        {"E": error.item(), "δ2": z2.grad.item(), "dE/dw2": _g(w2), "δ1": z1.grad.item(), "dE/dw1": _g(w1)},
        {"x": x0, "w1": w1_0, "b1": b1_0, "w2": w2_0, "b2": b2_0, "y": 1.0})


def _cost_mean(rng: np.random.Generator) -> Exercise:
    w0 = int(rng.integers(1, 3))
    data = [(int(i), int(rng.integers(0, 5))) for i in rng.choice([1, 2, 3], 2, replace=False)]
    w = _p(w0, "w")
    cost = sum(((i * w - y) ** 2 for i, y in data), gg.tensor(0.0, dtype=gg.float64)) / len(data)
    cost.backward()
    per = [2 * (i * w0 - y) * i for i, y in data]
    shown = ", ".join(f"$(i, y) = ({i}, {y})$" for i, y in data)
    return Exercise(
        "The cost over m examples",
        f"With $a = i \\cdot w$, $w = {w0}$, two examples {shown}, the cost is $J = \\frac{{1}}{{m}}\\sum (a - y)^2$. "
        "(a) Compute $\\partial L/\\partial w$ for each example. (b) Compute $\\partial J/\\partial w$ as their mean. "
        "(c) Update $w$ with learning rate $0.1$.",
        f"(a) $\\partial L/\\partial w = 2(iw - y) \\cdot i$: ${n(per[0])}$ and ${n(per[1])}$. "
        f"(b) $\\partial J/\\partial w = ({n(per[0])} + {pn(per[1])})/2 = {n(_g(w))}$. "
        f"(c) $w = {w0} - 0.1 \\cdot {pn(_g(w))} = {n(w0 - 0.1 * _g(w))}$.",
        {"dJ/dw": _g(w), "w'": w0 - 0.1 * _g(w)}, {"w": w0, "i1": data[0][0], "y1": data[0][1], "i2": data[1][0],
                                                  "y2": data[1][1]})


EXERCISES: dict[int, tuple[Callable[[np.random.Generator], Exercise], ...]] = {
    1: (_estimate, _one_weight, _two_weights), 2: (_perceptron, _two_paths, _squared_loss),
    3: (_network, _sigmoid_at_zero, _cost_mean)}


def make(seed: int = 0, level: int = 1) -> Worksheet:
    """The worksheet of `level` (1-3) whose numbers are drawn from `seed`."""
    if level not in EXERCISES:
        raise ValueError(f"worksheet level must be 1, 2 or 3, got {level}")
    rng = np.random.default_rng(seed)
    return Worksheet(seed, level, tuple(build(rng) for build in EXERCISES[level]))
