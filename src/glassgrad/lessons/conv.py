"""A convolution's backward pass by hand: a 4×4 input, a 2×2 kernel, and every number of both gradients.

Y = X ⋆ W + b (PyTorch's convolution is a cross-correlation: the kernel slides unflipped), L = Σ G⊙Y so that
δ = ∂L/∂Y = G is given. Then ∂L/∂W[a,b] = Σᵢⱼ δ[i,j]·X[i+a, j+b] is the correlation of the input with δ, and
∂L/∂X[p,q] = Σₐᵦ δ[p−a, q−b]·W[a,b] is the full convolution of δ with the kernel (δ padded by 1, correlated with
the kernel turned 180°). The hand derivation below is plain Python loops; glassgrad's conv2d is checked against it.
"""

from __future__ import annotations

import numpy as np

import glassgrad as gg
from glassgrad.lessons.base import Lesson, LessonResult, Step, const, explain_backward, leaf

X = [[1.0, 2.0, 0.0, 1.0], [0.0, 1.0, 3.0, 2.0], [2.0, 1.0, 0.0, 1.0], [1.0, 0.0, 2.0, 3.0]]
W = [[1.0, -1.0], [2.0, 0.5]]
B = 0.5
G = [[1.0, 0.0, -1.0], [2.0, 1.0, 0.0], [0.0, -1.0, 1.0]]  # δ = ∂L/∂Y, chosen


def by_hand(x: list, w: list, b: float, g: list) -> dict[str, list]:
    """Forward and both gradients with loops over positions: what the lesson checks glassgrad against."""
    n, k = len(x), len(w)
    m = n - k + 1
    y = [[b + sum(x[i + a][j + c] * w[a][c] for a in range(k) for c in range(k)) for j in range(m)] for i in range(m)]
    dw = [[sum(g[i][j] * x[i + a][j + c] for i in range(m) for j in range(m)) for c in range(k)] for a in range(k)]
    dx = [[sum(g[p - a][q - c] * w[a][c] for a in range(k) for c in range(k)
               if 0 <= p - a < m and 0 <= q - c < m) for q in range(n)] for p in range(n)]
    flipped = [row[::-1] for row in w[::-1]]
    padded = [[0.0] * (m + 2 * (k - 1)) for _ in range(k - 1)] + [
        [0.0] * (k - 1) + row + [0.0] * (k - 1) for row in g] + [[0.0] * (m + 2 * (k - 1)) for _ in range(k - 1)]
    full = [[sum(padded[p + a][q + c] * flipped[a][c] for a in range(k) for c in range(k)) for q in range(n)]
            for p in range(n)]
    return {"Y": y, "∂L/∂W": dw, "∂L/∂X": dx, "full convolution": full, "∂L/∂b": [[sum(map(sum, g))]]}


def _grid(rows: list) -> str:
    return "\n".join("  [" + "  ".join(f"{v:6.2f}" for v in row) + " ]" for row in rows)


def run() -> LessonResult:
    r = LessonResult(LESSON.name, LESSON.title, LESSON.seed)
    x = leaf(np.array(X)[None, None], "X")
    w = leaf(np.array(W)[None, None], "W")
    b = leaf([B], "b")
    y = gg.nn.functional.conv2d(x, w, b)
    y.name = "Y"
    y.retain_grad()
    loss = (y * const(np.array(G)[None, None], "G")).sum()
    loss.name = "L"
    hand = by_hand(X, W, B, G)
    trace, derivations = explain_backward(loss, [w, x])
    r.steps.append(Step(
        "Forward: slide the 2×2 kernel over the 4×4 input",
        "Y[i,j] = b + Σₐᵦ X[i+a, j+b]·W[a,b], a 3×3 output (stride 1, no padding). With\n"
        f"X =\n{_grid(X)}\nW =\n{_grid(W)}\nb = {B}:\nY =\n{_grid(hand['Y'])}",
        code="y = gg.nn.functional.conv2d(x, w, b)   # x (1, 1, 4, 4), w (1, 1, 2, 2)"))
    r.steps.append(Step(
        "∂L/∂W: the correlation of the input with δ",
        f"L = Σ G⊙Y, so δ = ∂L/∂Y = G =\n{_grid(G)}\n"
        "Each weight touched every output: ∂L/∂W[a,b] = Σᵢⱼ δ[i,j]·X[i+a, j+b], i.e. slide δ over X as the kernel\n"
        f"slid in the forward pass:\n∂L/∂W =\n{_grid(hand['∂L/∂W'])}\n∂L/∂b = Σ δ = {hand['∂L/∂b'][0][0]:g}",
        trace=trace, derivations=derivations[:1]))
    r.steps.append(Step(
        "∂L/∂X: the full convolution of δ with the flipped kernel",
        "Each input pixel reached the outputs whose window covered it: ∂L/∂X[p,q] = Σₐᵦ δ[p−a, q−b]·W[a,b]. That is\n"
        "δ padded by 1 all round, correlated with W turned by 180° (conv_transpose2d, as backward computes it):\n"
        f"∂L/∂X =\n{_grid(hand['∂L/∂X'])}\nA corner pixel sits in one window (one term), a centre pixel in four.",
        trace=trace, derivations=derivations[1:]))
    for name, computed, grid in [("Y", y._data[0, 0], hand["Y"]), ("∂L/∂W", w.grad._data[0, 0], hand["∂L/∂W"]),
                                 ("∂L/∂X", x.grad._data[0, 0], hand["∂L/∂X"])]:
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                r.check(f"{name}[{i},{j}]", v, computed[i, j], "hand derivation")
    r.check("∂L/∂b", hand["∂L/∂b"][0][0], b.grad, "hand derivation")
    r.check("δ = ∂L/∂Y is G", 1.0, float(np.array_equal(y.grad._data[0, 0], np.array(G))), "claim")
    r.check("∂L/∂X equals δ fully convolved with the flipped kernel", 1.0,
            float(np.allclose(hand["full convolution"], x.grad._data[0, 0])), "claim")
    r.data["hand"] = hand
    return r


LESSON = Lesson("conv-backward", "A convolution's backward pass by hand: 4×4 input, 2×2 kernel", None,
                "∂L/∂W = X ⋆ δ (correlation), ∂L/∂X = δ padded ⋆ flip(W) (full convolution), every number", run)
