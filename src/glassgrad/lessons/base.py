"""What a lesson is: steps of prose with glassgrad's own explanation, and checks of the article's numbers.

A lesson builds an article's worked example with glassgrad tensors (float64), lets glassgrad compute every
number, and sets each one beside the figure the article printed (or a hand derivation written in the lesson):
a `Check` per number, ✓ when they agree. The figures are data; glassgrad's results are never copied into them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import glassgrad as gg

PASS, FAIL = "✓", "✗"


def leaf(value: Any, name: str) -> gg.Tensor:
    """A float64 parameter the learner can name (the explanation prints these names)."""
    return gg.tensor(value, dtype=gg.float64, requires_grad=True, name=name)


def const(value: Any, name: str | None = None) -> gg.Tensor:
    return gg.tensor(value, dtype=gg.float64, name=name)


def num(t: Any) -> float:
    """A Python float from a 1-element tensor, array or number."""
    return float(np.asarray(t._data if isinstance(t, gg.Tensor) else t).reshape(-1)[0])


@dataclass(frozen=True)
class Check:
    """One number: what the article (or a hand derivation) says, and what glassgrad computed."""

    label: str
    expected: float
    computed: float
    source: str = "article"  # article | hand derivation | finite differences | claim
    tol: float = 1e-9

    @property
    def ok(self) -> bool:
        return bool(np.isfinite(self.computed)) and abs(self.computed - self.expected) <= self.tol * max(
            1.0, abs(self.expected))

    @property
    def mark(self) -> str:
        return PASS if self.ok else FAIL

    @property
    def is_claim(self) -> bool:
        """A yes/no statement the lesson verifies (computed 1.0 when it holds) rather than a number."""
        return self.source == "claim"

    def line(self) -> str:
        if self.is_claim:
            return f"{self.mark} {self.label}" + ("" if self.ok else " (does not hold)")
        return f"{self.mark} {self.label}: glassgrad {_fmt(self.computed)}, {self.source} {_fmt(self.expected)}"


def _fmt(v: float) -> str:
    return f"{v:.10g}"


@dataclass
class Step:
    """One stage of the example: prose (Unicode math), and glassgrad's explanation of the gradients in it."""

    title: str
    text: str
    code: str = ""  # the glassgrad code a learner would type for this step
    trace: Any = None  # a gg.explain trace, when the explain feature is installed
    derivations: list[Any] = field(default_factory=list)  # trace.derivation(t) objects for the named leaves


@dataclass
class LessonResult:
    """A run lesson: its steps, its checks and the data its pictures are drawn from."""

    name: str
    title: str
    seed: str | None
    steps: list[Step] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def check(self, label: str, expected: float, computed: Any, source: str = "article", tol: float = 1e-9) -> None:
        self.checks.append(Check(label, float(expected), num(computed), source, tol))

    def checked(self, label: str) -> Check:
        """The check with this label (tests and the report look numbers up by their article names)."""
        for c in self.checks:
            if c.label == label:
                return c
        raise KeyError(f"lesson {self.name!r} has no check labelled {label!r}")

    def to_text(self, explain: bool = True, steps: bool = False) -> str:
        """The lesson for the terminal: each step, glassgrad's explanation, then the checks.

        `steps` adds each backward pass in full (every node, its local derivative and what it sent on).
        """
        seed = f"  (article {self.seed})" if self.seed else ""
        out = [f"{self.title}{seed}", "=" * len(self.title), ""]
        shown: list[Any] = []  # traces already printed (steps may share one)
        for i, s in enumerate(self.steps, 1):
            out += [f"{i}. {s.title}", _indent(s.text)]
            if s.code:
                out += ["", _indent(s.code, "    >>> ")]
            if explain:
                out += [_indent(text) for text in explanation_texts(s)]
            if steps and s.trace is not None and s.trace not in shown:
                shown.append(s.trace)
                out += ["", _indent(str(s.trace))]
            out.append("")
        passed = sum(c.ok for c in self.checks)
        out += [f"Checks: {passed}/{len(self.checks)}"] + [f"  {c.line()}" for c in self.checks]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        """Jupyter shows a lesson as the report does."""
        from glassgrad.report import lesson_html

        return lesson_html(self)


def explanation_texts(step: Step) -> list[str]:
    """The derivations of a step as text (the whole trace when the step names no single leaf)."""
    if step.derivations:
        return ["", *(str(d) for d in step.derivations)]
    if step.trace is not None:
        return ["", str(step.trace)]
    return []


def _indent(text: str, prefix: str = "   ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def explain_backward(out: gg.Tensor, leaves: Sequence[gg.Tensor] = ()) -> tuple[Any, list[Any]]:
    """Run `out`'s backward pass through gg.explain (which fills `.grad` as backward does) when it is installed.

    Returns the trace and the derivation of each of `leaves`; (None, []) after a plain backward without it.
    """
    try:
        from glassgrad.explain import explain
    except ImportError:  # the explain feature is optional: the lesson still computes and checks its numbers
        out.backward()
        return None, []
    trace = explain(out, precision=4)
    return trace, [trace.derivation(t) for t in leaves]


def explained_step(title: str, text: str, out: gg.Tensor, leaves: Sequence[gg.Tensor] = (), code: str = "") -> Step:
    """A step whose gradients come from backward through `out`, with glassgrad's explanation attached."""
    trace, derivations = explain_backward(out, leaves)
    return Step(title, text, code, trace, derivations)


@dataclass(frozen=True)
class Lesson:
    """An entry of the registry: a name to run it by, the article it comes from, and the function that runs it."""

    name: str
    title: str
    seed: str | None
    summary: str
    run: Callable[[], LessonResult]


def finite_difference(f: Callable[[], float], x: gg.Tensor, eps: float = 1e-6) -> float:
    """Central difference (f(x+ε) − f(x−ε)) / 2ε of a scalar program in the scalar tensor `x`."""
    orig = x._data.copy()
    x._data[...] = orig + eps
    plus = f()
    x._data[...] = orig - eps
    minus = f()
    x._data[...] = orig
    return (plus - minus) / (2 * eps)
