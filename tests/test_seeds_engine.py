"""The engine reproduces the worked numbers of the README and of the five articles in ../shared/seeds/.

Expected values are the articles' own figures (or, for symbolic passages, the article's formula evaluated by hand
at the stated point); everything is computed in float64.
"""

from __future__ import annotations

import pytest

import glassgrad as gg


def leaf(v: float) -> gg.Tensor:
    return gg.tensor(v, dtype=gg.float64, requires_grad=True)


def test_readme_example() -> None:
    w = gg.tensor(2.0, requires_grad=True)
    x = gg.tensor([5.0])
    loss = (gg.tensor([12.0]) - w * x) ** 2
    loss.backward(gradient=None)
    assert w.grad.item() == -20.0
    assert repr(w.grad) == "tensor(-20.)"


def test_readme_example_needs_one_element_loss() -> None:
    w = gg.tensor(2.0, requires_grad=True)
    loss = (gg.tensor([12.0, 1.0]) - w * gg.tensor([5.0, 1.0])) ** 2
    with pytest.raises(RuntimeError, match="scalar outputs"):
        loss.backward(gradient=None)


# ------------------------------------------------------- 000: simplest backpropagation without chain rule


def test_000_linear_estimate_of_x_cubed() -> None:
    x = leaf(2.0)
    (x**3).backward()
    slope = x.grad.item()
    assert slope == pytest.approx(12.0)
    assert slope * 0.01 == pytest.approx(0.12)  # dy ≈ 3x²·dx
    assert (2.01**3 - 2**3) == pytest.approx(0.120601)  # the true change
    assert slope * 0.5 == pytest.approx(6.0) and (2.5**3 - 2**3) == pytest.approx(7.625)


def test_000_one_weight() -> None:
    x, w, target = gg.tensor(2.0, dtype=gg.float64), leaf(4.0), 10.0
    prediction = x * w
    cost = prediction - target
    cost.backward()
    assert prediction.item() == pytest.approx(8.0)
    assert cost.item() == pytest.approx(-2.0)
    assert w.grad.item() == pytest.approx(2.0)


def test_000_two_weights_and_a_learning_rate_step() -> None:
    x, w1, w2, target = gg.tensor(2.0, dtype=gg.float64), leaf(4.0), leaf(3.0), 10.0
    prediction = x * w1 * w2
    cost = prediction - target
    cost.backward()
    assert prediction.item() == pytest.approx(24.0) and cost.item() == pytest.approx(14.0)
    assert w1.grad.item() == pytest.approx(6.0)  # x·w₂
    assert w2.grad.item() == pytest.approx(8.0)  # x·w₁
    assert w1.grad.item() * 0.1 == pytest.approx(0.6) and w2.grad.item() * 0.1 == pytest.approx(0.8)
    with gg.no_grad():
        w1 -= 0.01 * w1.grad
        w2 -= 0.01 * w2.grad
    assert w1.item() == pytest.approx(3.94) and w2.item() == pytest.approx(2.92)


# ------------------------------------------------------------------- 001: backpropagation in neural networks


def test_001_derivative_by_definition() -> None:
    x = leaf(1.0)
    (2 * x).backward()
    assert x.grad.item() == pytest.approx(2.0)
    assert (2 * 1.001 - 2 * 1) == pytest.approx(0.002)


def test_001_chain_rule() -> None:
    x = leaf(1.5)
    g = 3 * x  # dg/dx = 3
    y = 2 * g  # dy/dg = 2
    g.retain_grad()
    y.backward()
    assert g.grad.item() == pytest.approx(2.0)
    assert x.grad.item() == pytest.approx(6.0)


def test_001_chain_rule_over_two_paths_sums_them() -> None:
    # y = f(g(x), h(x)) with g = 3x, h = x², f = g·h, at x = 2:
    # dg/dx·∂f/∂g + dh/dx·∂f/∂h = 3·h + 2x·g = 3·4 + 4·6 = 36
    x = leaf(2.0)
    g, h = 3 * x, x * x
    y = g * h
    y.backward()
    assert x.grad.item() == pytest.approx(36.0)
    # the linear case: f = 2g + 5h with g = 3x, h = 4x: 3·2 + 4·5 = 26
    x = leaf(0.7)
    (2 * (3 * x) + 5 * (4 * x)).backward()
    assert x.grad.item() == pytest.approx(26.0)


def test_001_line_y_equals_mx_plus_c() -> None:
    m, c, x = leaf(2.0), leaf(1.0), gg.tensor(3.0, dtype=gg.float64)
    y = m * x + c
    y.backward()
    assert c.grad.item() == pytest.approx(1.0)  # ∂y/∂c = 1
    assert m.grad.item() == pytest.approx(3.0)  # ∂y/∂m = x


# --------------------------------------------------------------------------------- 002: perceptron by hand


def test_002_one_weight_perceptron() -> None:
    i, w, y = gg.tensor(1.5, dtype=gg.float64), leaf(0.8), 0.5
    a = i * w
    cost = (a - y) ** 2
    a.retain_grad()
    cost.backward()
    assert a.item() == pytest.approx(1.2)
    assert a.grad.item() == pytest.approx(1.4)  # dC/da = 2(a − y)
    assert w.grad.item() == pytest.approx(2.1)  # dC/dw = dC/da · i
    with gg.no_grad():
        w -= 0.1 * w.grad
    assert w.item() == pytest.approx(0.59)


def test_002_repeated_updates_converge_to_one_third() -> None:
    i, w, y = gg.tensor(1.5, dtype=gg.float64), leaf(0.8), 0.5
    for _ in range(100):
        w.grad = None
        ((i * w - y) ** 2).backward()
        with gg.no_grad():
            w -= 0.1 * w.grad
    assert w.item() == pytest.approx(1 / 3, abs=1e-9)


# ------------------------------------------------------------ 003: sigmoid network derived by hand (symbolic)


def test_003_hand_derived_chain_matches_backward() -> None:
    x, y = 0.6, 0.9
    w1, w2 = leaf(0.4), leaf(-1.3)
    z1 = x * w1
    a1 = gg.sigmoid(z1)
    z2 = a1 * w2
    y_hat = gg.sigmoid(z2)
    error = 0.5 * (y - y_hat) ** 2
    error.backward()
    a1v, yv = a1.item(), y_hat.item()
    dE_dyhat = -(y - yv)
    delta2 = dE_dyhat * yv * (1 - yv)  # ∂E/∂ŷ · ∂ŷ/∂z₂
    assert w2.grad.item() == pytest.approx(delta2 * a1v, rel=1e-12)  # · ∂z₂/∂w₂ = a₁
    delta1 = delta2 * w2.item() * a1v * (1 - a1v)  # · ∂z₂/∂a₁ = w₂ · ∂a₁/∂z₁ = a₁(1 − a₁)
    assert w1.grad.item() == pytest.approx(delta1 * x, rel=1e-12)


# ------------------------------------------------------------------------ 004: how networks learn


def test_004_squared_error_gradient() -> None:
    w, x, target = leaf(2.0), gg.tensor(5.0, dtype=gg.float64), 12.0
    loss = (target - w * x) ** 2
    loss.backward()
    assert loss.item() == pytest.approx(4.0)
    assert w.grad.item() == pytest.approx(-20.0)
