"""The analytic gradient beside finite differences, and why the step size matters.

The output is recomputed by replaying the recorded graph forward (each op's own `forward`, in float64) with one
element of a tensor nudged by ±h. A large h measures a secant, not the tangent (seed 000: at x = 2, y = x³
predicts a change of 6 for dx = 0.5, the true change is 7.625); a tiny h loses the difference to round-off.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassgrad.explain.format import number, wrap

SWEEP = (0.5, 0.1, 0.01, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13)


def _f64(a: Any) -> Any:
    if isinstance(a, np.ndarray) and a.dtype.kind == "f":
        return a.astype(np.float64)
    return a


def replay(trace: Any, overrides: dict[int, np.ndarray]) -> float:
    """⟨root gradient, output⟩ recomputed in float64 with some tensors' values replaced (the function backward
    differentiated: the output itself when it is a scalar)."""
    vals: dict[int, Any] = {}
    for v in trace.vertices:
        if v.id in overrides:
            vals[v.id] = overrides[v.id]
        elif v.node is None:
            vals[v.id] = _f64(v.value)
        else:
            args = [vals[e.source.id] if e.source is not None else _f64(a) for e, a in zip(v.edges, v.inputs)]
            vals[v.id] = np.asarray(v.node.op.forward(*args, **v.node.params))
    out = np.asarray(vals[trace.output.id], dtype=np.float64)
    return float(np.sum(out * np.asarray(trace.output.grad, dtype=np.float64)))


def relative_error(a: float, b: float) -> float:
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


@dataclass
class Element:
    """One element of the checked tensor: the analytic gradient and the two differences at the chosen step."""

    index: tuple[int, ...]
    analytic: float
    central: float
    forward: float

    @property
    def error(self) -> float:
        return relative_error(self.analytic, self.central)


@dataclass
class SweepRow:
    """One step size: the linear prediction analytic·h, the true change, both differences and their errors."""

    h: float
    predicted: float
    actual: float
    forward: float
    central: float
    forward_error: float
    central_error: float


class GradientCheck:
    """`trace.check(t)`: is the gradient right? (`.ok`), and how finite differences behave as h shrinks."""

    def __init__(self, trace: Any, vertex: Any, h: float = 1e-6, max_elements: int = 8,
                 sweep: tuple[float, ...] = SWEEP, tol: float | None = None) -> None:
        if vertex.grad is None:
            raise RuntimeError(f"check: backward computed no gradient for {vertex.label!r} (it does not require "
                               "grad, or the output does not depend on it)")
        self.trace, self.vertex, self.h, self.precision = trace, vertex, h, trace.precision
        base = _f64(np.array(vertex.value))
        grad = np.asarray(vertex.grad, dtype=np.float64).reshape(base.shape)
        self.tol = tol if tol is not None else (1e-6 if np.asarray(vertex.grad).dtype == np.float64 else 1e-3)
        self.f0 = replay(trace, {})

        def f(index: tuple, step: float) -> float:
            x = base.copy()
            x[index] += step
            with np.errstate(all="ignore"):  # a large step may leave the domain (log of a negative): nan, shown
                return replay(trace, {vertex.id: x})

        self.elements = []
        for index in list(np.ndindex(base.shape))[:max_elements]:
            plus, minus = f(index, h), f(index, -h)
            self.elements.append(Element(index, float(grad[index]), (plus - minus) / (2 * h), (plus - self.f0) / h))
        self.total_elements = base.size
        first = self.elements[0].index
        g0 = float(grad[first])
        self.sweep = []
        for s in sweep:
            plus, minus = f(first, s), f(first, -s)
            fwd, cen = (plus - self.f0) / s, (plus - minus) / (2 * s)
            self.sweep.append(SweepRow(s, g0 * s, plus - self.f0, fwd, cen, relative_error(g0, fwd),
                                       relative_error(g0, cen)))

    @property
    def error(self) -> float:
        """The largest relative error between the analytic gradient and the central difference at step h."""
        return max(e.error for e in self.elements)

    @property
    def ok(self) -> bool:
        return self.error <= self.tol

    @property
    def best_step(self) -> float:
        finite = [r for r in self.sweep if np.isfinite(r.central_error)] or self.sweep
        return min(finite, key=lambda r: r.central_error).h

    def lines(self) -> list[str]:
        n, p = lambda x: number(x, self.precision), self.precision
        what = f"∂{wrap(self.trace.output.label)}/∂{wrap(self.vertex.label)}"
        shown = "" if self.total_elements <= len(self.elements) else (
            f" (first {len(self.elements)} of {self.total_elements} elements)")
        lines = [f"Gradient check of {what}{shown}: {'OK' if self.ok else 'MISMATCH'} "
                 f"(largest relative error {number(self.error, 2)}, tolerance {number(self.tol, 2)})",
                 f"{'element':<10} {'analytic':>12} {'central h=' + number(self.h, 2):>16} "
                 f"{'forward':>12} {'rel. error':>11}"]
        for e in self.elements:
            lines.append(f"{str(list(e.index)):<10} {n(e.analytic):>12} {n(e.central):>16} {n(e.forward):>12} "
                         f"{number(e.error, 2):>11}")
        lines += ["", f"Step sizes for element {list(self.elements[0].index)}: the linear estimate analytic·h against "
                  "the true change, and both differences",
                  f"{'h':>8} {'analytic·h':>12} {'true change':>12} {'forward':>12} {'central':>12} "
                  f"{'err fwd':>9} {'err ctr':>9}"]
        for r in self.sweep:
            mark = "  ← best" if r.h == self.best_step else ""
            lines.append(f"{number(r.h, 2):>8} {n(r.predicted):>12} {number(r.actual, p + 2):>12} {n(r.forward):>12} "
                         f"{n(r.central):>12} {number(r.forward_error, 2):>9} {number(r.central_error, 2):>9}{mark}")
        lines.append("A large h measures the secant, not the tangent; a tiny h loses f(x+h) − f(x) to round-off.")
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return f"<GradientCheck {'OK' if self.ok else 'MISMATCH'} error={number(self.error, 2)}>"

    def _repr_html_(self) -> str:
        return f"<pre class='gg-check'>{html.escape(str(self))}</pre>"
