"""How the explainer writes formulas and numbers: templates filled with the right parentheses, significant digits,
names as LaTeX."""

from __future__ import annotations

import numpy as np
import pytest

from glassgrad.explain.format import factor, fill, kind, latex_name, number


def names(**labels: str) -> dict:
    return {k: (v, kind(v)) for k, v in labels.items()}


@pytest.mark.parametrize("template, labels, expected", [
    ("$a + $b", {"a": "w·x", "b": "b"}, "w·x + b"),  # a product in a sum needs no parentheses
    ("$a − $b", {"a": "y", "b": "w·x"}, "y − w·x"),
    ("$a − $b", {"a": "y", "b": "a + b"}, "y − (a + b)"),  # a sum after − does
    ("$a·$b", {"a": "y − ŷ", "b": "x"}, "(y − ŷ)·x"),
    ("$a^$b", {"a": "y − ŷ", "b": "2"}, "(y − ŷ)^2"),
    ("$a^$b", {"a": "w·x", "b": "2"}, "(w·x)^2"),
    ("σ($a)", {"a": "w·x + b"}, "σ(w·x + b)"),  # an argument already has its parentheses
    ("max(0, $a)", {"a": "w·x + b"}, "max(0, w·x + b)"),
    ("1 − tanh²$a", {"a": "v·w"}, "1 − tanh²(v·w)"),
    ("tanh $a", {"a": "v·w"}, "tanh (v·w)"),
    ("$b·$a^($b−1)", {"a": "y − ŷ", "b": "2"}, "2·(y − ŷ)"),  # the arithmetic of plain numbers is done
    ("$b·$a^($b−1)", {"a": "x", "b": "3"}, "3·x^2"),
    ("$a·$b", {"a": "x", "b": "-1"}, "x·(-1)"),
])
def test_fill_parenthesises_by_position(template, labels, expected):
    assert fill(template, names(**labels)) == expected


def test_fill_latex_uses_left_right():
    assert fill("{$a}^{$b}", names(a="y − ŷ", b="2"), latex=True) == r"{\left(y − ŷ\right)}^{2}"


@pytest.mark.parametrize("value, digits, expected", [
    (-20.0, 4, "-20"), (1.4000000000000001, 4, "1.4"), (1 / 6, 4, "0.1667"), (1.5e-7, 3, "1.5e-7"),
    (2.0, 4, "2"), (np.float32(0.1), 4, "0.1"), (np.array([[1.0, 0.5]]), 4, "[[1, 0.5]]"), (np.inf, 4, "inf"),
])
def test_number_significant_digits(value, digits, expected):
    assert number(value, digits) == expected


@pytest.mark.parametrize("name, expected", [
    ("w2", "w_{2}"), ("w₂", "w_{2}"), ("ŷ", r"\hat{y}"), ("y_hat", r"\hat{y}"), ("out", r"\mathrm{out}"),
    ("z_1", "z_{1}"), ("δ₂", r"\delta_{2}"), ("loss%", r"\text{loss\%}"),
])
def test_latex_names(name, expected):
    assert latex_name(name) == expected


def test_factor_parenthesises_only_top_level_sums_and_conditions():
    assert factor("1 if x > 0 else 0") == "(1 if x > 0 else 0)"
    assert factor("σ(z)(1 − σ(z))") == "σ(z)(1 − σ(z))"
    assert factor("w · x") == "w · x"
    assert factor("a + b", latex=True) == r"\left(a + b\right)"
