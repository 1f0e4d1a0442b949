"""The five articles' worked examples, explained: their factors and numbers appear in trace.derivation(...).

Every expected number here is the article's own (or, for seed 003's symbolic derivation, computed by hand with
math.exp in the test), never a value produced by glassgrad.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import glassgrad as gg
from glassgrad.explain.format import number

pytestmark = pytest.mark.usefixtures("float64")


def leaf(v: float, name: str) -> gg.Tensor:
    return gg.tensor(v, requires_grad=True, name=name)


def const(v: float, name: str) -> gg.Tensor:
    return gg.tensor(v, name=name)


def named(t: gg.Tensor, name: str) -> gg.Tensor:
    t.name = name
    return t


def factors(d) -> list[tuple[str, str, float]]:
    """The factors of the target's equation, which has one part (a chain)."""
    (part,) = d.equations[-1].parts
    return [(f.label, f.text(), float(f.value)) for f in part.factors]


# ------------------------------------------------------------------------------------------------- seed 004


def test_seed004_loss_of_a_linear_neuron():
    """w=2, x=5, target 12, L=(y−wx)²: L=4 and ∂L/∂w=−20 = ∂L/∂ŷ · ∂ŷ/∂w = (−4)(5)."""
    w, x, y = leaf(2.0, "w"), const(5.0, "x"), const(12.0, "y")
    y_pred = named(w * x, "y_pred")
    loss = named((y - y_pred) ** 2, "L")
    trace = gg.explain(loss, precision=4)
    d = trace.derivation(w)
    assert loss.item() == 4.0
    assert float(d.value) == -20.0 == w.grad.item()
    assert factors(d) == [("∂L/∂y_pred", "2·(y − y_pred) · (−1)", -4.0), ("∂y_pred/∂w", "x", 5.0)]
    assert "∂L/∂w = ∂L/∂y_pred · ∂y_pred/∂w" in str(d)
    assert "(-4) · 5" in str(d) and str(d).endswith("= -20")


def test_seed004_chain_through_out_and_net():
    """The article's ∂L/∂w = ∂L/∂out · ∂out/∂net · ∂net/∂w, with a ReLU neuron (net = 10 > 0, so ∂out/∂net = 1)."""
    w, x, y = leaf(2.0, "w"), const(5.0, "x"), const(12.0, "y")
    net = named(w * x, "net")
    out = named(gg.relu(net), "out")
    loss = named((y - out) ** 2, "L")
    d = gg.explain(loss).derivation(w)
    assert [(label, value) for label, _, value in factors(d)] == [("∂L/∂out", -4.0), ("∂out/∂net", 1.0),
                                                                   ("∂net/∂w", 5.0)]
    assert float(d.value) == -20.0


# ------------------------------------------------------------------------------------------------- seed 002


def test_seed002_perceptron():
    """a = i·w, i=1.5, w=0.8, target 0.5: a=1.2, dC/da = 2(a−y) = 1.4, da/dw = i = 1.5, dC/dw = 2.1."""
    i, w, y = const(1.5, "i"), leaf(0.8, "w"), const(0.5, "y")
    a = named(i * w, "a")
    cost = named((a - y) ** 2, "C")
    d = gg.explain(cost).derivation(w)
    (l1, t1, v1), (l2, t2, v2) = factors(d)
    assert (l1, t1, l2, t2) == ("∂C/∂a", "2·(a − y)", "∂a/∂w", "i")
    assert v1 == pytest.approx(1.4, abs=1e-12) and v2 == 1.5
    assert float(d.value) == pytest.approx(2.1, abs=1e-12)
    assert "1.4 · 1.5" in str(d) and str(d).endswith("= 2.1")
    assert 0.8 - 0.1 * float(d.value) == pytest.approx(0.59)  # the article's update with learning rate 0.1


# ------------------------------------------------------------------------------------------------- seed 000


def test_seed000_one_weight():
    """x=2, w=4, target 10: ŷ=8, cost = ŷ − y = −2, dC/dw = x = 2."""
    x, w, y = const(2.0, "x"), leaf(4.0, "w"), const(10.0, "y")
    cost = named(x * w - y, "C")
    d = gg.explain(cost).derivation(w)
    assert cost.item() == -2.0
    assert factors(d) == [("∂C/∂(x·w)", "1", 1.0), ("∂(x·w)/∂w", "x", 2.0)]  # a fold of 2 ops: their chain
    assert float(d.value) == 2.0


def test_seed000_two_weights_fold_into_named_stations():
    """ŷ = (x·w₁)·w₂ = 24, cost 14; dC/dw₁ = x·w₂ = 6 and dC/dw₂ = x·w₁ = 8 (the unnamed x·w₁ folds away)."""
    x, w1, w2, y = const(2.0, "x"), leaf(4.0, "w1"), leaf(3.0, "w2"), const(10.0, "y")
    y_hat = named(x * w1 * w2, "ŷ")
    cost = named(y_hat - y, "C")
    trace = gg.explain(cost)
    d1, d2 = trace.derivation(w1), trace.derivation(w2)
    assert (y_hat.item(), cost.item()) == (24.0, 14.0)
    assert factors(d1) == [("∂C/∂ŷ", "1", 1.0), ("∂ŷ/∂w1", "w2 · x", 6.0)]
    assert factors(d2) == [("∂C/∂ŷ", "1", 1.0), ("∂ŷ/∂w2", "x·w1", 8.0)]
    assert (w1.item() - 0.01 * w1.grad.item(), w2.item() - 0.01 * w2.grad.item()) == pytest.approx((3.94, 2.92))


def test_seed000_derivative_as_linear_estimate_and_the_large_step():
    """y = x³ at x = 2: dy ≈ 3x²·dx = 0.12 for dx = 0.01 (true 0.120601); for dx = 0.5, 6 against 7.625."""
    x = leaf(2.0, "x")
    y = named(x**3, "y")
    trace = gg.explain(y)
    assert factors(trace.derivation(x)) == [("∂y/∂x", "3·x^2", 12.0)]
    check = trace.check(x)
    assert check.ok
    rows = {r.h: r for r in check.sweep}
    assert rows[0.01].predicted == pytest.approx(0.12) and rows[0.01].actual == pytest.approx(0.120601)
    assert rows[0.5].predicted == pytest.approx(6.0) and rows[0.5].actual == pytest.approx(7.625)
    assert rows[0.5].forward_error > 0.2 > rows[1e-6].forward_error  # the large step misleads
    assert rows[1e-13].central_error > rows[1e-5].central_error  # the tiny one suffers round-off
    text = str(check)
    assert "7.625" in text and "0.120601" in text


# ------------------------------------------------------------------------------------------------- seed 001


def test_seed001_chain_rule():
    """dg/dx = 3, dy/dg = 2 → dy/dx = 6."""
    x = leaf(1.0, "x")
    g = named(3 * x, "g")
    y = named(2 * g, "y")
    d = gg.explain(y).derivation(x)
    assert factors(d) == [("∂y/∂g", "2", 2.0), ("∂g/∂x", "3", 3.0)]
    assert float(d.value) == 6.0


def test_seed001_chain_rule_over_two_paths_sums():
    """y = f(g(x), h(x)): dy/dx = ∂y/∂g·dg/dx + ∂y/∂h·dh/dx, here 2·3 + 5·(2x) at x = 1.5 = 6 + 15 = 21."""
    x = leaf(1.5, "x")
    g = named(3 * x, "g")
    h = named(x * x, "h")
    y = named(2 * g + 5 * h, "y")
    trace = gg.explain(y)
    d = trace.derivation(x)
    (eq,) = d.equations  # x is where the paths meet: one equation, one part per use, x·x's two uses as one
    assert [[f.label for f in q.factors] for q in eq.parts] == [["∂y/∂g", "∂g/∂x"], ["∂y/∂h", "∂h/∂x"]]
    assert [float(q.value) for q in eq.parts] == [6.0, 15.0]
    assert [q.factors[1].text() for q in eq.parts] == ["3", "2·x"]
    assert float(d.value) == 21.0 == x.grad.item()
    assert "∂y/∂x = ∂y/∂g · ∂g/∂x + ∂y/∂h · ∂h/∂x" in str(d) and "2 · 3 + 5 · 3" in str(d)
    assert "= 6 + 15" in str(d) and str(d).endswith("= 21")
    assert "∂y/∂x = 15 (from h) + 6 (from g) = 21  (sum over 2 paths)" in str(trace)  # x·x: one use, 2·x
    assert d.total_paths == 2 and len(trace.derivation(x, expand=True).paths) == 2


def test_an_intermediate_node_sums_what_its_two_consumers_send():
    x = leaf(2.0, "x")
    u = named(x + 1, "u")
    y = named(u * 3 + u * u, "y")  # ∂y/∂u = 3 + 2u = 9
    trace = gg.explain(y)
    step = next(s for s in trace.steps if s.vertex.label == "u")
    assert sorted(float(g) for _, g in step.contributions) == [3.0, 3.0, 3.0]
    assert float(step.upstream) == 9.0
    assert "sum over 2 paths: 6 (from u·u) + 3 (from u·3)" in trace.to_markdown()  # u·u sends 2u = 6, once
    assert "sum over 2 paths: 6 (from u·u) + 3 (from u·3)" in str(trace)
    assert "u used twice by this op: sent 3 + 3 = 6" in str(trace)


def test_seed001_y_equals_mx_plus_c_walked_backwards():
    """∂y/∂(mx + c) = 1, ∂y/∂c = 1, ∂y/∂(mx) = 1, ∂y/∂m = x."""
    m, x, c = leaf(2.0, "m"), const(3.0, "x"), leaf(1.0, "c")
    y = named(m * x + c, "y")
    trace = gg.explain(y)
    first = trace.steps[0]
    assert first.vertex.label == "y" and float(first.upstream) == 1.0
    assert [e.symbol() for e in first.edges] == ["1", "1"]
    assert [e.source.label for e in first.edges] == ["m·x", "c"]
    assert trace.steps[1].vertex.label == "m·x" and float(trace.steps[1].upstream) == 1.0
    dm, dc = trace.derivation(m), trace.derivation(c)
    assert factors(dc) == [("∂y/∂c", "1", 1.0)]
    assert factors(dm) == [("∂y/∂(m·x)", "1", 1.0), ("∂(m·x)/∂m", "x", 3.0)] and float(dm.value) == 3.0


def test_seed001_network_unrolled_to_scalar_weights():
    """The 1-1-2-1 linear network: ∂L/∂w^[i]_{j,k} = δ^[i]_j · a^[i−1]_k, equal to backward's gradients."""
    gg.manual_seed(1)
    net = gg.nn.Sequential(gg.nn.Linear(1, 1), gg.nn.Linear(1, 2), gg.nn.Linear(2, 1))
    x, y = gg.tensor([[0.5]]), gg.tensor([[2.0]])
    loss = named(((y - net(x)) ** 2).mean(), "L")
    table = gg.explain(loss, model=net).deltas()
    assert [layer.name for layer in table.layers] == ["0 (Linear)", "1 (Linear)", "2 (Linear)"]
    a2 = net[1](net[0](x)).data  # the hidden activations, recomputed
    delta3 = -2 * (y.data - net(x).data)  # ∂L/∂f for the squared error of one example
    assert np.allclose(table.layers[2].delta, delta3)
    text = str(table)
    for k in (1, 2):
        expected = float(delta3[0, 0] * a2[0, k - 1])
        assert np.isclose(net[2].weight.grad.data[0, k - 1], expected)
        line = next(s for s in text.splitlines() if f"∂L/∂w^[3]_1,{k} =" in s)
        assert line.strip().endswith(f"= {format_number(expected)}")
    assert "∂L/∂b^[2]_2 = δ^[2]_2" in text


def format_number(v: float) -> str:
    return number(v, 4)


# ------------------------------------------------------------------------------------------------- seed 003


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def test_seed003_sigmoid_network_by_hand():
    """∂E/∂w₂ = −(y−ŷ)·ŷ(1−ŷ)·a₁ and ∂E/∂w₁ = δ₂·w₂·a₁(1−a₁)·x, numbers computed by hand here."""
    xv, w1v, b1v, w2v, b2v, yv = 1.0, 0.5, 0.0, -1.0, 0.5, 1.0
    x, y = const(xv, "x"), const(yv, "y")
    w1, b1, w2, b2 = leaf(w1v, "w₁"), leaf(b1v, "b₁"), leaf(w2v, "w₂"), leaf(b2v, "b₂")
    z1 = named(w1 * x + b1, "z₁")
    a1 = named(gg.sigmoid(z1), "a₁")
    z2 = named(w2 * a1 + b2, "z₂")
    y_hat = named(gg.sigmoid(z2), "ŷ")
    error = named(0.5 * (y - y_hat) ** 2, "E")
    trace = gg.explain(error)

    a1v = sigmoid(w1v * xv + b1v)
    yhv = sigmoid(w2v * a1v + b2v)
    de_dyh, dyh_dz2 = -(yv - yhv), yhv * (1 - yhv)
    d2 = trace.derivation(w2)
    assert [(label, text) for label, text, _ in factors(d2)] == [
        ("∂E/∂ŷ", "0.5 · 2·(y − ŷ) · (−1)"), ("∂ŷ/∂z₂", "σ(z₂)(1 − σ(z₂))"), ("∂z₂/∂w₂", "a₁")]
    assert [v for _, _, v in factors(d2)] == pytest.approx([de_dyh, dyh_dz2, a1v], rel=1e-12)
    assert float(d2.value) == pytest.approx(de_dyh * dyh_dz2 * a1v, rel=1e-12)
    assert "∂E/∂w₂ = ∂E/∂ŷ · ∂ŷ/∂z₂ · ∂z₂/∂w₂" in str(d2)
    assert r"\frac{\partial E}{\partial \hat{y}}" in d2.to_latex()

    d1 = trace.derivation(w1)
    assert [label for label, _, _ in factors(d1)] == ["∂E/∂ŷ", "∂ŷ/∂z₂", "∂z₂/∂a₁", "∂a₁/∂z₁", "∂z₁/∂w₁"]
    assert [v for _, _, v in factors(d1)] == pytest.approx([de_dyh, dyh_dz2, w2v, a1v * (1 - a1v), xv], rel=1e-12)
    delta2 = de_dyh * dyh_dz2
    delta1 = delta2 * w2v * a1v * (1 - a1v)
    assert f"({number(de_dyh, 4)}) · {number(dyh_dz2, 4)} · {number(a1v, 4)}" in str(d2)  # the factors' values
    assert float(trace.derivation(z2).value) == pytest.approx(delta2, rel=1e-12)  # δ₂ = ∂E/∂z₂
    assert float(trace.derivation(z1).value) == pytest.approx(delta1, rel=1e-12)  # δ₁ = ∂E/∂z₁
    assert float(d1.value) == pytest.approx(delta1 * xv, rel=1e-12) == w1.grad.item()


def test_seed003_deltas_of_an_nn_network_match_the_hand_formula():
    """With nn.Linear layers, trace.deltas() gives δ₂ = (ŷ−y)·ŷ(1−ŷ) and δ₁ = δ₂·W₂ ⊙ a₁(1−a₁)."""
    gg.manual_seed(3)
    net = gg.nn.Sequential(gg.nn.Linear(2, 3), gg.nn.Sigmoid(), gg.nn.Linear(3, 1), gg.nn.Sigmoid())
    x, y = gg.tensor([[0.3, -0.7]]), gg.tensor([[1.0]])
    error = 0.5 * ((y - net(x)) ** 2).sum()
    table = gg.explain(error, model=net).deltas()
    w1, b1, w2, b2 = (p.data for p in net.parameters())
    a1 = 1 / (1 + np.exp(-(x.data @ w1.T + b1)))
    yh = 1 / (1 + np.exp(-(a1 @ w2.T + b2)))
    delta2 = (yh - y.data) * yh * (1 - yh)
    delta1 = (delta2 @ w2) * a1 * (1 - a1)
    assert np.allclose(table.layers[1].delta, delta2, rtol=1e-12)
    assert np.allclose(table.layers[0].delta, delta1, rtol=1e-12)
    assert np.allclose(table.layers[0].grad_weight, delta1.T @ x.data, rtol=1e-12)  # ∂E/∂W = δ·aᵀ
    assert [layer.activation for layer in table.layers] == ["sigmoid", "sigmoid"]
